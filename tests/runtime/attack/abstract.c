/* abstract - abstract UNIX socket probes, each bounded by a timeout.
 *   abstract listen NAME SECONDS   accept one connection on @NAME
 *   abstract connect NAME          connect to @NAME
 * Prints "accepted", "connected", or "failed: REASON". */
#include <errno.h>
#include <poll.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

static socklen_t address(const char *name, struct sockaddr_un *a)
{
	memset(a, 0, sizeof(*a));
	a->sun_family = AF_UNIX;
	size_t len = strnlen(name, sizeof(a->sun_path) - 2);
	memcpy(a->sun_path + 1, name, len); /* sun_path[0] == '\0': abstract */
	return (socklen_t)(offsetof(struct sockaddr_un, sun_path) + 1 + len);
}

static int failed(const char *what)
{
	printf("failed: %s: %s\n", what, strerror(errno));
	return 1;
}

int main(int argc, char **argv)
{
	if (argc < 3)
		return 2;
	struct sockaddr_un a;
	socklen_t len = address(argv[2], &a);
	int s = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (s < 0)
		return failed("socket");
	if (strcmp(argv[1], "listen") == 0) {
		if (bind(s, (struct sockaddr *)&a, len) < 0 || listen(s, 4) < 0)
			return failed("listen");
		struct pollfd p = {s, POLLIN, 0};
		int secs = argc > 3 ? atoi(argv[3]) : 10;
		if (poll(&p, 1, secs * 1000) != 1 || accept(s, NULL, NULL) < 0)
			return failed("accept");
		puts("accepted");
		return 0;
	}
	if (connect(s, (struct sockaddr *)&a, len) < 0)
		return failed("connect");
	puts("connected");
	return 0;
}

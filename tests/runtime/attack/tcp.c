/* tcp - loopback probes, each bounded by a timeout.
 *   tcp listen PORT SECONDS   accept one connection on 127.0.0.1:PORT
 *   tcp connect PORT          connect to 127.0.0.1:PORT (2 s)
 *   tcp self PORT             listen and connect to it, in this process
 * Prints "accepted", "connected", "self ok", or "failed: REASON". */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

static struct sockaddr_in loopback(int port)
{
	struct sockaddr_in a = {.sin_family = AF_INET, .sin_port = htons((unsigned short)port)};
	a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	return a;
}

static int failed(const char *what)
{
	printf("failed: %s: %s\n", what, strerror(errno));
	return 1;
}

static int listener(int port)
{
	struct sockaddr_in a = loopback(port);
	int one = 1, s = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (s < 0)
		return -1;
	setsockopt(s, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	if (bind(s, (struct sockaddr *)&a, sizeof(a)) < 0 || listen(s, 4) < 0)
		return -1;
	return s;
}

static int connect_to(int port, int timeout_ms)
{
	struct sockaddr_in a = loopback(port);
	int s = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
	if (s < 0)
		return -1;
	if (connect(s, (struct sockaddr *)&a, sizeof(a)) < 0 && errno != EINPROGRESS)
		return -1;
	struct pollfd p = {s, POLLOUT, 0};
	if (poll(&p, 1, timeout_ms) != 1) {
		errno = ETIMEDOUT;
		return -1;
	}
	int err = 0;
	socklen_t len = sizeof(err);
	getsockopt(s, SOL_SOCKET, SO_ERROR, &err, &len);
	errno = err;
	return err ? -1 : s;
}

static int accept_within(int s, int timeout_ms)
{
	struct pollfd p = {s, POLLIN, 0};
	if (poll(&p, 1, timeout_ms) != 1) {
		errno = ETIMEDOUT;
		return -1;
	}
	return accept(s, NULL, NULL);
}

int main(int argc, char **argv)
{
	if (argc < 3)
		return 2;
	int port = atoi(argv[2]);
	if (strcmp(argv[1], "listen") == 0) {
		int s = listener(port);
		if (s < 0)
			return failed("listen");
		int secs = argc > 3 ? atoi(argv[3]) : 10;
		if (accept_within(s, secs * 1000) < 0)
			return failed("accept");
		puts("accepted");
	} else if (strcmp(argv[1], "connect") == 0) {
		if (connect_to(port, 2000) < 0)
			return failed("connect");
		puts("connected");
	} else {
		int s = listener(port);
		if (s < 0)
			return failed("listen");
		if (connect_to(port, 2000) < 0 || accept_within(s, 2000) < 0)
			return failed("self connect");
		puts("self ok");
	}
	fflush(stdout);
	return 0;
}

/*
 * greeter - the example's program. It greets with $GREETING, writes the
 * greeting to greeting.txt in its working directory, and tries to open an
 * Internet socket. Exit status 0 means the sandbox held: the socket was
 * refused. Run outside its sandbox, it exits 1.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

int main(void)
{
	const char *greeting = getenv("GREETING");
	char host[256] = "?";
	gethostname(host, sizeof(host) - 1);
	printf("%s from %s\n", greeting ? greeting : "(no GREETING)", host);

	FILE *f = fopen("greeting.txt", "w");
	if (!f || fprintf(f, "%s\n", greeting ? greeting : "") < 0 || fclose(f) != 0) {
		perror("greeting.txt");
		return 2;
	}
	int fd = socket(AF_INET, SOCK_STREAM, 0);
	if (fd >= 0) {
		printf("network: an Internet socket was opened\n");
		close(fd);
		return 1;
	}
	printf("network: %s\n", strerror(errno));
	return 0;
}

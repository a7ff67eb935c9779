/* forkbomb - a bounded fork bomb: at most MAX children, each sleeping 5 s.
 * Prints "forked N failed ERRNO" ("failed none" when all MAX succeeded). */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	int max = argc > 1 ? atoi(argv[1]) : 500, n = 0;
	const char *why = "none";
	for (; n < max; n++) {
		pid_t pid = fork();
		if (pid == 0) {
			sleep(5);
			_exit(0);
		}
		if (pid < 0) {
			why = errno == EAGAIN ? "EAGAIN" : strerror(errno);
			break;
		}
	}
	printf("forked %d failed %s\n", n, why);
	fflush(stdout);
	kill(0, SIGKILL); /* the children too: the test need not wait 5 s */
	return 0;
}

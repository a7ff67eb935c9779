/*
 * timer.c - runs one command and prints how long it took, in nanoseconds of
 * CLOCK_MONOTONIC, from just before fork() to the end of waitpid(). Used by
 * bench/startup.sh; built by it with the system's cc.
 *
 *   timer [--uid UID --gid GID] -- CMD [ARG...]
 *
 * --uid/--gid: the child drops to these ids before exec (so that a bare bwrap
 * runs under the same host uid as the one cellrun picks when started as root).
 * Descriptors the caller opened (3<file 4<file) are inherited by CMD. Exits
 * with 0 when CMD exited 0, else 1 (the time is printed either way).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <grp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static long long now_ns(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

static void usage(void)
{
	fputs("usage: timer [--uid UID --gid GID] -- CMD [ARG...]\n", stderr);
	exit(2);
}

int main(int argc, char **argv)
{
	long uid = -1, gid = -1;
	int i = 1;
	for (; i < argc && strcmp(argv[i], "--") != 0; i++) {
		if (strcmp(argv[i], "--uid") == 0 && i + 1 < argc)
			uid = strtol(argv[++i], NULL, 10);
		else if (strcmp(argv[i], "--gid") == 0 && i + 1 < argc)
			gid = strtol(argv[++i], NULL, 10);
		else
			usage();
	}
	if (i + 1 >= argc || (uid < 0) != (gid < 0))
		usage();
	char **command = argv + i + 1;

	long long start = now_ns();
	pid_t pid = fork();
	if (pid < 0) {
		fprintf(stderr, "timer: fork: %s\n", strerror(errno));
		return 2;
	}
	if (pid == 0) {
		if (uid >= 0 &&
		    (setgroups(0, NULL) < 0 || setgid((gid_t)gid) < 0 || setuid((uid_t)uid) < 0)) {
			fprintf(stderr, "timer: cannot drop to uid %ld gid %ld: %s\n", uid, gid,
			        strerror(errno));
			_exit(127);
		}
		execvp(command[0], command);
		fprintf(stderr, "timer: cannot run %s: %s\n", command[0], strerror(errno));
		_exit(127);
	}
	int status;
	while (waitpid(pid, &status, 0) < 0) {
		if (errno != EINTR) {
			fprintf(stderr, "timer: waitpid: %s\n", strerror(errno));
			return 2;
		}
	}
	long long elapsed = now_ns() - start;
	printf("%lld\n", elapsed);
	return WIFEXITED(status) && WEXITSTATUS(status) == 0 ? 0 : 1;
}

/*
 * noop-bwrap.c - a stand-in for bwrap that does nothing, for measuring what
 * cellrun itself costs: it answers --version like bubblewrap 0.8.0, and
 * otherwise writes the two JSON status lines a real bwrap writes on
 * --json-status-fd (the child's pid, then its exit code 0) and exits 0, so
 * that cellrun takes its normal path, set-up, supervision and teardown.
 * Built by bench/startup.sh.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	if (argc > 1 && strcmp(argv[1], "--version") == 0) {
		puts("bubblewrap 0.8.0");
		return 0;
	}
	for (int i = 1; i + 1 < argc; i++) {
		if (strcmp(argv[i], "--") == 0)
			break;
		if (strcmp(argv[i], "--json-status-fd") == 0) {
			int fd = atoi(argv[i + 1]);
			dprintf(fd, "{ \"child-pid\": %d }\n{ \"exit-code\": 0 }\n", (int)getpid());
		}
	}
	return 0;
}

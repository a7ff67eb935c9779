/* ptrace - PTRACE_TRACEME in a child and PTRACE_ATTACH to a child: a tracer
 * rewrites the tracee's system calls after seccomp has looked at them
 * (before Linux 4.8), and reads and writes its memory. */
#include "escape.h"

#include <signal.h>
#include <sys/ptrace.h>
#include <sys/wait.h>

/* PTRACE_TRACEME in a child; its result comes back through a pipe. */
static void traceme(void)
{
	int p[2];
	escape_call("pipe", pipe(p), errno, SETUP);
	pid_t pid = fork();
	escape_call("fork", pid, errno, SETUP);
	if (pid == 0) {
		long r[2] = {ptrace(PTRACE_TRACEME, 0, NULL, NULL), errno};
		_exit(write(p[1], r, sizeof(r)) == sizeof(r) ? 0 : 1);
	}
	long r[2] = {-1, 0};
	escape_call("read", read(p[0], r, sizeof(r)) == sizeof(r) ? 0 : -1, errno, SETUP);
	waitpid(pid, NULL, 0);
	escape_call("ptrace(TRACEME)", r[0], (int)r[1], REFUSED);
}

static void attach(void)
{
	pid_t pid = fork();
	escape_call("fork", pid, errno, SETUP);
	if (pid == 0) {
		pause();
		_exit(0);
	}
	long rc = ptrace(PTRACE_ATTACH, pid, NULL, NULL);
	escape_call("ptrace(ATTACH, child)", rc, errno, REFUSED);
	kill(pid, SIGKILL);
	waitpid(pid, NULL, 0);
}

int main(void)
{
	escape_start("ptrace");
	traceme();
	attach();
	return escape_finish();
}

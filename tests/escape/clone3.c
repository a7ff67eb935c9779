/* clone3 - its flags are in a structure seccomp cannot read, so
 * clone3(CLONE_NEWUSER) walks past a clone(flags) rule (CVE-2021-41133).
 * The baseline answers ENOSYS, which makes the C library use clone. */
#include "escape.h"

#include <linux/sched.h>
#include <signal.h>
#include <sys/wait.h>

static long clone3_child(unsigned long long flags)
{
	struct clone_args args;
	memset(&args, 0, sizeof(args));
	args.flags = flags;
	args.exit_signal = SIGCHLD;
	long pid = syscall(SYS_clone3, &args, sizeof(args));
	if (pid == 0)
		_exit(0);
	int err = errno;
	if (pid > 0)
		waitpid((pid_t)pid, NULL, 0);
	errno = err;
	return pid;
}

int main(void)
{
	escape_start("clone3");
	long rc = clone3_child(CLONE_NEWUSER);
	escape_call("clone3(CLONE_NEWUSER)", rc, errno, WANT_ENOSYS);
	rc = clone3_child(0);
	escape_call("clone3(0)", rc, errno, WANT_ENOSYS);
	return escape_finish();
}

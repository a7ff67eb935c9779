/* userns_clone - a child in a new user namespace through clone(2). */
#include "escape.h"

#include <sched.h>
#include <signal.h>
#include <sys/wait.h>

/* The raw system call with no new stack: the child runs on a copy of this
 * stack, like after fork(), and leaves at once. */
static long clone_child(unsigned long flags)
{
	long pid = syscall(SYS_clone, flags | SIGCHLD, 0, 0, 0, 0);
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
	escape_start("userns_clone");
	long rc = clone_child(CLONE_NEWUSER);
	escape_call("clone(CLONE_NEWUSER)", rc, errno, REFUSED);
	rc = clone_child(CLONE_NEWUSER | CLONE_NEWPID | CLONE_NEWNS);
	escape_call("clone(CLONE_NEWUSER|CLONE_NEWPID|CLONE_NEWNS)", rc, errno, REFUSED);
	/* An ordinary fork through clone must still work. */
	rc = clone_child(0);
	escape_call("clone(SIGCHLD)", rc, errno, SETUP);
	return escape_finish();
}

/* userns_unshare - a new user namespace through unshare(2): inside it the
 * process would hold every capability (mount, netfilter, ...). */
#include "escape.h"

#include <sched.h>

int main(void)
{
	escape_start("userns_unshare");
	long rc = syscall(SYS_unshare, CLONE_NEWUSER);
	escape_call("unshare(CLONE_NEWUSER)", rc, errno, REFUSED);
	rc = syscall(SYS_unshare, CLONE_NEWUSER | CLONE_NEWNS);
	escape_call("unshare(CLONE_NEWUSER|CLONE_NEWNS)", rc, errno, REFUSED);
	return escape_finish();
}

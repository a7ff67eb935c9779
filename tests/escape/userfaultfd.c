/* userfaultfd - page faults handled in user space: the usual way to hold a
 * kernel race window open while exploiting it. UFFD_USER_MODE_ONLY is what
 * an unprivileged process may still ask for when vm.unprivileged_userfaultfd
 * is 0. */
#include "escape.h"

#include <fcntl.h>
#include <linux/userfaultfd.h>

int main(void)
{
	escape_start("userfaultfd");
	long rc = syscall(SYS_userfaultfd, O_CLOEXEC | UFFD_USER_MODE_ONLY);
	escape_call("userfaultfd(USER_MODE_ONLY)", rc, errno, REFUSED);
	rc = syscall(SYS_userfaultfd, O_CLOEXEC);
	escape_call("userfaultfd", rc, errno, REFUSED);
	return escape_finish();
}

/* setns - joining another namespace. The sandbox sees none but its own, so
 * it tries its own network namespace (the kernel wants CAP_SYS_ADMIN) and a
 * bad descriptor (the kernel says EBADF; a filter that refuses setns says
 * EPERM, which tells the two apart). */
#include "escape.h"

#include <fcntl.h>
#include <sched.h>

int main(void)
{
	escape_start("setns");
	int fd = open("/proc/self/ns/net", O_RDONLY | O_CLOEXEC);
	escape_call("open(/proc/self/ns/net)", fd, errno, SETUP);
	long rc = syscall(SYS_setns, fd, CLONE_NEWNET);
	escape_call("setns(netns)", rc, errno, REFUSED);
	rc = syscall(SYS_setns, -1, 0);
	escape_call("setns(-1)", rc, errno, REFUSED);
	return escape_finish();
}

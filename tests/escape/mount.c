/* mount - mount, umount2, pivot_root and chroot. Inside the sandbox these
 * change only its own view, yet each is the first step of an escape once a
 * capability is at hand. Everything happens on a fresh directory under /tmp,
 * so that even a privileged run outside any sandbox changes nothing else:
 * the tmpfs is unmounted again, pivot_root gets a directory that is not a
 * mount point (EINVAL to a kernel that gets the call), chroot moves only
 * this process. The NULL-pointer calls are answered EFAULT by a kernel that
 * gets them and EPERM by a filter that refuses them. */
#include "escape.h"

#include <sys/mount.h>

int main(void)
{
	escape_start("mount");
	char dir[] = "/tmp/cell-escape-XXXXXX";
	escape_call("mkdtemp", mkdtemp(dir) ? 0 : -1, errno, SETUP);
	long rc = mount("none", dir, "tmpfs", 0, "size=1M");
	escape_call("mount(tmpfs)", rc, errno, REFUSED);
	if (rc == 0)
		umount2(dir, MNT_DETACH);
	rc = syscall(SYS_mount, 0, 0, 0, 0, 0);
	escape_call("mount(NULL)", rc, errno, REFUSED);
	rc = umount2(dir, 0);
	escape_call("umount2", rc, errno, REFUSED);
	rc = syscall(SYS_pivot_root, dir, dir);
	escape_call("pivot_root", rc, errno, REFUSED);
	rc = syscall(SYS_chroot, 0);
	escape_call("chroot(NULL)", rc, errno, REFUSED);
	rc = chroot(dir);
	escape_call("chroot", rc, errno, REFUSED);
	if (rc < 0)
		rmdir(dir);
	return escape_finish();
}

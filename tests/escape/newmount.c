/* newmount - the mount API of Linux 5.2+, which a filter of mount(2)
 * does not see (CVE-2021-41133): open_tree works without privileges and
 * clones mount trees with them. The baseline answers ENOSYS to every call. */
#include "escape.h"

#include <fcntl.h>
#include <linux/mount.h>

int main(void)
{
	escape_start("newmount");
	long rc = syscall(SYS_open_tree, AT_FDCWD, "/", OPEN_TREE_CLOEXEC);
	escape_call("open_tree(/)", rc, errno, WANT_ENOSYS);
	rc = syscall(SYS_fsopen, "tmpfs", FSOPEN_CLOEXEC);
	escape_call("fsopen(tmpfs)", rc, errno, WANT_ENOSYS);
	rc = syscall(SYS_fspick, AT_FDCWD, "/", FSPICK_CLOEXEC);
	escape_call("fspick(/)", rc, errno, WANT_ENOSYS);
	rc = syscall(SYS_fsconfig, -1, FSCONFIG_CMD_CREATE, NULL, NULL, 0);
	escape_call("fsconfig(-1)", rc, errno, WANT_ENOSYS);
	rc = syscall(SYS_fsmount, -1, FSMOUNT_CLOEXEC, 0);
	escape_call("fsmount(-1)", rc, errno, WANT_ENOSYS);
	rc = syscall(SYS_move_mount, -1, "", AT_FDCWD, "/tmp", MOVE_MOUNT_F_EMPTY_PATH);
	escape_call("move_mount(-1)", rc, errno, WANT_ENOSYS);
	rc = syscall(SYS_mount_setattr, -1, "", AT_EMPTY_PATH, NULL, 0);
	escape_call("mount_setattr(-1)", rc, errno, WANT_ENOSYS);
	return escape_finish();
}

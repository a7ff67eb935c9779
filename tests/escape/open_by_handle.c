/* open_by_handle - the "shocker" container breakout (2014): a file handle
 * names a file by inode, bypassing the mount the sandbox was given. Gets a
 * real handle with name_to_handle_at, then opens it. */
#include "escape.h"

#include <fcntl.h>

int main(void)
{
	escape_start("open_by_handle");
	struct {
		struct file_handle fh;
		unsigned char bytes[MAX_HANDLE_SZ];
	} h;
	h.fh.handle_bytes = MAX_HANDLE_SZ;
	int mount_id;
	long rc = name_to_handle_at(AT_FDCWD, "/usr", &h.fh, &mount_id, 0);
	escape_call("name_to_handle_at(/usr)", rc, errno, SETUP);
	int dir = open("/usr", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	escape_call("open(/usr)", dir, errno, SETUP);
	rc = open_by_handle_at(dir, &h.fh, O_RDONLY | O_CLOEXEC);
	escape_call("open_by_handle_at", rc, errno, REFUSED);
	return escape_finish();
}

/* io_uring - a ring whose operations never pass through seccomp: every
 * file and socket call the policy refuses could be submitted through it. */
#include "escape.h"

#include <linux/io_uring.h>

int main(void)
{
	escape_start("io_uring");
	struct io_uring_params p;
	memset(&p, 0, sizeof(p));
	long rc = syscall(SYS_io_uring_setup, 4, &p);
	escape_call("io_uring_setup", rc, errno, REFUSED);
	rc = syscall(SYS_io_uring_enter, -1, 0, 0, 0, NULL, 0);
	escape_call("io_uring_enter(-1)", rc, errno, REFUSED);
	rc = syscall(SYS_io_uring_register, -1, 0, NULL, 0);
	escape_call("io_uring_register(-1)", rc, errno, REFUSED);
	return escape_finish();
}

/* module - loading or removing kernel modules. No image is given (NULL, a
 * bad descriptor, a module that does not exist), so a process holding
 * CAP_SYS_MODULE would get an error too. */
#include "escape.h"

#include <fcntl.h>

int main(void)
{
	escape_start("module");
	long rc = syscall(SYS_init_module, NULL, 0, "");
	escape_call("init_module", rc, errno, REFUSED);
	rc = syscall(SYS_finit_module, -1, "", 0);
	escape_call("finit_module(-1)", rc, errno, REFUSED);
	rc = syscall(SYS_delete_module, "cell_escape_none", O_NONBLOCK);
	escape_call("delete_module", rc, errno, REFUSED);
	return escape_finish();
}

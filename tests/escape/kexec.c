/* kexec - replacing the running kernel. Both calls carry a flag no kernel
 * knows, so that even a process holding CAP_SYS_BOOT gets EINVAL and
 * nothing is loaded or unloaded. */
#include "escape.h"

int main(void)
{
	escape_start("kexec");
	long rc = syscall(SYS_kexec_load, 0, 1, NULL, 0x100UL);
	escape_call("kexec_load", rc, errno, REFUSED);
	rc = syscall(SYS_kexec_file_load, -1, -1, 0, "", 0x80000000UL);
	escape_call("kexec_file_load", rc, errno, REFUSED);
	return escape_finish();
}

/* x32 - a system call through the x32 ABI (the number with bit 30 set): a
 * filter that checks only numbers of the x86_64 table lets it through.
 * The baseline kills the process; surviving is a failure whatever the
 * call returned. */
#include "escape.h"

int main(void)
{
	escape_start("x32");
	long rc = syscall(0x40000000L | SYS_getpid);
	escape_call("x32 getpid", rc, errno, WANT_KILLED);
	return escape_finish();
}

/* int80 - a system call through the i386 entry point (int $0x80) from a
 * 64-bit process: another syscall table, with other numbers. The baseline
 * kills the process. */
#include "escape.h"

#define I386_GETPID 20

int main(void)
{
	escape_start("int80");
	long ret = I386_GETPID;
	__asm__ volatile("int $0x80" : "+a"(ret) : : "memory", "cc", "r8", "r9", "r10", "r11");
	int value = (int)ret; /* the i386 ABI returns in eax */
	int err = value < 0 && value > -4096 ? -value : 0;
	escape_call("int $0x80 getpid", err ? -1 : value, err, WANT_KILLED);
	return escape_finish();
}

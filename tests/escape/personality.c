/* personality - switching exploit mitigations off for the process and its
 * children: READ_IMPLIES_EXEC makes every readable mapping executable,
 * ADDR_NO_RANDOMIZE turns ASLR off (and MMAP_PAGE_ZERO, CVE-2009-1895,
 * maps page zero). The query must keep working. */
#include "escape.h"

#include <sys/personality.h>

int main(void)
{
	escape_start("personality");
	long before = personality(0xffffffff);
	escape_call("personality(query)", before, errno, SETUP);
	long rc = personality(READ_IMPLIES_EXEC);
	escape_call("personality(READ_IMPLIES_EXEC)", rc, errno, REFUSED);
	rc = personality(ADDR_NO_RANDOMIZE);
	escape_call("personality(ADDR_NO_RANDOMIZE)", rc, errno, REFUSED);
	personality((unsigned long)before);
	return escape_finish();
}

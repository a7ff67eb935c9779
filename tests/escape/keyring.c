/* keyring - the kernel keyring is not namespaced, and its code has had
 * reference-count bugs (CVE-2016-0728). A key in the process keyring (gone
 * with the process), the session keyring's id, and a lookup with no upcall. */
#include "escape.h"

#include <linux/keyctl.h>

int main(void)
{
	escape_start("keyring");
	long rc = syscall(SYS_add_key, "user", "cell-escape", "x", 1, KEY_SPEC_PROCESS_KEYRING);
	escape_call("add_key(process keyring)", rc, errno, REFUSED);
	rc = syscall(SYS_keyctl, KEYCTL_GET_KEYRING_ID, KEY_SPEC_SESSION_KEYRING, 0);
	escape_call("keyctl(GET_KEYRING_ID)", rc, errno, REFUSED);
	rc =
	    syscall(SYS_request_key, "user", "cell-escape-missing", NULL, KEY_SPEC_PROCESS_KEYRING);
	escape_call("request_key", rc, errno, REFUSED);
	return escape_finish();
}

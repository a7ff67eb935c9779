/* vsock - sockets to the hypervisor and other guests (CVE-2021-26708).
 * Created, never connected. */
#include "escape.h"

#include <sys/socket.h>

int main(void)
{
	escape_start("vsock");
	long rc = socket(AF_VSOCK, SOCK_STREAM | SOCK_CLOEXEC, 0);
	escape_call("socket(AF_VSOCK, SOCK_STREAM)", rc, errno, REFUSED);
	rc = socket(AF_VSOCK, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	escape_call("socket(AF_VSOCK, SOCK_DGRAM)", rc, errno, REFUSED);
	return escape_finish();
}

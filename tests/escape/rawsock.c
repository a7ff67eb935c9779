/* rawsock - raw IP sockets: forged packets on whatever network the sandbox
 * has. Protocol 4096 is past IPPROTO_MAX: a kernel that gets the call
 * answers EINVAL before it looks at capabilities, a filter answers EPERM.
 * Created, never used. */
#include "escape.h"

#include <netinet/in.h>
#include <sys/socket.h>

int main(void)
{
	escape_start("rawsock");
	long rc = socket(AF_INET, SOCK_RAW | SOCK_CLOEXEC, IPPROTO_ICMP);
	escape_call("socket(AF_INET, SOCK_RAW)", rc, errno, REFUSED);
	rc = socket(AF_INET6, SOCK_RAW | SOCK_CLOEXEC, IPPROTO_ICMPV6);
	escape_call("socket(AF_INET6, SOCK_RAW)", rc, errno, REFUSED);
	rc = socket(AF_INET, SOCK_RAW | SOCK_CLOEXEC, 4096);
	escape_call("socket(AF_INET, SOCK_RAW, 4096)", rc, errno, REFUSED);
	return escape_finish();
}

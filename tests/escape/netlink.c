/* netlink - sockets into the kernel's routing, firewall and audit
 * machinery (nf_tables: CVE-2022-1015, CVE-2023-32233). Created, never
 * used. */
#include "escape.h"

#include <linux/netlink.h>
#include <sys/socket.h>

int main(void)
{
	escape_start("netlink");
	long rc = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_ROUTE);
	escape_call("socket(AF_NETLINK, NETLINK_ROUTE)", rc, errno, REFUSED);
	rc = socket(AF_NETLINK, SOCK_DGRAM | SOCK_CLOEXEC, NETLINK_NETFILTER);
	escape_call("socket(AF_NETLINK, NETLINK_NETFILTER)", rc, errno, REFUSED);
	return escape_finish();
}

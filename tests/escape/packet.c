/* packet - packet sockets, and the obsolete (AF_INET, SOCK_PACKET) way to
 * the same code (CVE-2016-8655, CVE-2017-7308, CVE-2020-14386). Created,
 * never bound or used. */
#include "escape.h"

#include <arpa/inet.h>
#include <linux/if_ether.h>
#include <sys/socket.h>

int main(void)
{
	escape_start("packet");
	long rc = socket(AF_PACKET, SOCK_RAW | SOCK_CLOEXEC, htons(ETH_P_ALL));
	escape_call("socket(AF_PACKET, SOCK_RAW)", rc, errno, REFUSED);
	rc = socket(AF_PACKET, SOCK_DGRAM | SOCK_CLOEXEC, htons(ETH_P_ALL));
	escape_call("socket(AF_PACKET, SOCK_DGRAM)", rc, errno, REFUSED);
	rc = socket(AF_INET, SOCK_PACKET | SOCK_CLOEXEC, htons(ETH_P_ALL));
	escape_call("socket(AF_INET, SOCK_PACKET)", rc, errno, REFUSED);
	return escape_finish();
}

/* nofile - opens /dev/null until it fails; prints "opened N error NAME". */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>

int main(void)
{
	int n = 0;
	while (n < 100000 && open("/dev/null", O_RDONLY) >= 0)
		n++;
	printf("opened %d error %s\n", n, errno == EMFILE ? "EMFILE" : strerror(errno));
	return 0;
}

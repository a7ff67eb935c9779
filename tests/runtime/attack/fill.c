/* fill - writes FILE in 64 KiB steps until a write fails or MAX bytes are
 * written; prints "wrote N error NAME" (NAME: ENOSPC, EFBIG, none...). */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	if (argc < 3)
		return 2;
	signal(SIGXFSZ, SIG_IGN); /* see EFBIG instead of dying */
	long long max = atoll(argv[2]), total = 0;
	static char block[65536];
	memset(block, 'x', sizeof(block));
	int fd = open(argv[1], O_WRONLY | O_CREAT | O_TRUNC, 0644);
	if (fd < 0) {
		printf("open failed %s\n", strerror(errno));
		return 1;
	}
	const char *err = "none";
	while (total < max) {
		ssize_t n = write(fd, block, sizeof(block));
		if (n <= 0) {
			err = errno == ENOSPC  ? "ENOSPC"
			      : errno == EFBIG ? "EFBIG"
			                       : strerror(errno);
			break;
		}
		total += n;
	}
	printf("wrote %lld error %s\n", total, err);
	return 0;
}

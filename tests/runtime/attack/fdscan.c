/* fdscan - reports every descriptor from 3 to 64 that is open inside the
 * sandbox, and whether it leads anywhere (openat(fd, "..")). Prints
 * "none" when only 0-2 are open. */
#include <fcntl.h>
#include <stdio.h>
#include <sys/stat.h>
#include <unistd.h>

int main(void)
{
	int found = 0;
	for (int fd = 3; fd <= 64; fd++) {
		struct stat st;
		if (fstat(fd, &st) < 0)
			continue;
		int up = openat(fd, "..", O_RDONLY | O_DIRECTORY);
		printf("open %d mode %o%s\n", fd, (unsigned)st.st_mode,
		       up >= 0 ? " reaches a directory" : "");
		found++;
	}
	if (!found)
		puts("none");
	return 0;
}

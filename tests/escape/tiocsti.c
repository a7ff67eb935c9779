/* tiocsti - typing into the controlling terminal (CVE-2017-5226), with the
 * upper half of the command set (CVE-2019-10063), and TIOCLINUX's paste
 * (CVE-2023-28100). A child takes a fresh pseudo-terminal as its
 * controlling terminal, as a sandbox started on the user's terminal has it,
 * and pushes a byte into its input. */
#include "escape.h"

#include <fcntl.h>
#include <signal.h>
#include <stdint.h>
#include <sys/ioctl.h>
#include <sys/wait.h>

#define TIOCL_PASTESEL 3

static int attack(const char *pts)
{
	escape_call("setsid", setsid(), errno, SETUP);
	int fd = open(pts, O_RDWR);
	escape_call("open(pts)", fd, errno, SETUP);
	escape_call("ioctl(TIOCSCTTY)", ioctl(fd, TIOCSCTTY, 0), errno, SETUP);
	char c = '#';
	long rc = syscall(SYS_ioctl, fd, TIOCSTI, &c);
	escape_call("ioctl(TIOCSTI)", rc, errno, REFUSED);
	rc = syscall(SYS_ioctl, fd, (1UL << 32) | TIOCSTI, &c);
	escape_call("ioctl(1<<32|TIOCSTI)", rc, errno, REFUSED);
	char sub = TIOCL_PASTESEL;
	rc = syscall(SYS_ioctl, fd, TIOCLINUX, &sub);
	escape_call("ioctl(TIOCLINUX)", rc, errno, REFUSED);
	return escape_finish();
}

int main(void)
{
	escape_start("tiocsti");
	int master = posix_openpt(O_RDWR | O_NOCTTY);
	escape_call("posix_openpt", master, errno, SETUP);
	escape_call("grantpt", grantpt(master), errno, SETUP);
	escape_call("unlockpt", unlockpt(master), errno, SETUP);
	const char *pts = ptsname(master);
	escape_call("ptsname", pts ? 0 : -1, errno, SETUP);
	pid_t pid = fork();
	escape_call("fork", pid, errno, SETUP);
	if (pid == 0)
		_exit(attack(pts));
	int status;
	escape_call("waitpid", waitpid(pid, &status, 0), errno, SETUP);
	if (WIFSIGNALED(status)) { /* killed by the filter: die the same way */
		signal(WTERMSIG(status), SIG_DFL);
		raise(WTERMSIG(status));
	}
	return WIFEXITED(status) ? WEXITSTATUS(status) : 2;
}

/* process_vm - reading and writing another process's memory with
 * process_vm_readv/writev (the child's copy of a secret). */
#include "escape.h"

#include <signal.h>
#include <sys/uio.h>
#include <sys/wait.h>

static char secret[16] = "cell-secret";

int main(void)
{
	escape_start("process_vm");
	int p[2];
	escape_call("pipe", pipe(p), errno, SETUP);
	pid_t pid = fork();
	escape_call("fork", pid, errno, SETUP);
	if (pid == 0) {
		char ready = 'r';
		if (write(p[1], &ready, 1) != 1)
			_exit(1);
		pause();
		_exit(0);
	}
	char ready;
	escape_call("read", read(p[0], &ready, 1) == 1 ? 0 : -1, errno, SETUP);
	char buf[sizeof(secret)] = "";
	struct iovec local = {buf, sizeof(buf)}, remote = {secret, sizeof(secret)};
	long rc = process_vm_readv(pid, &local, 1, &remote, 1, 0);
	escape_call("process_vm_readv(child)", rc, errno, REFUSED);
	rc = process_vm_writev(pid, &local, 1, &remote, 1, 0);
	escape_call("process_vm_writev(child)", rc, errno, REFUSED);
	kill(pid, SIGKILL);
	waitpid(pid, NULL, 0);
	return escape_finish();
}

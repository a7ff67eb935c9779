/*
 * hostile.c - makes this process as hostile to sandboxes as real hosts are,
 * then execs a command; tests/runtime/diagnose.sh runs cellrun and
 * `cell doctor` under it.
 *
 *   hostile [--userns-limit-zero] [--no-new-privs] [--block-userns] -- CMD [ARG...]
 *
 *   --userns-limit-zero  (root) CMD runs as root of a new user namespace, with
 *                        uids and gids 0 and 65534 mapped to themselves, whose
 *                        user.max_user_namespaces is 0: every user namespace
 *                        created under it fails with ENOSPC
 *   --no-new-privs       sets NO_NEW_PRIVS, as a sandbox or a systemd unit with
 *                        NoNewPrivileges=yes would
 *   --block-userns       installs the seccomp filter a container's profile
 *                        has (Docker's default, Synology's): unshare and clone
 *                        with CLONE_NEWUSER fail with EPERM, clone3 with ENOSYS
 *                        (its flags are behind a pointer); without root it needs
 *                        and sets NO_NEW_PRIVS
 *
 * The steps run in the order above. Exit status 125 when a step fails.
 */
#include <errno.h>
#include <fcntl.h>
#include <linux/audit.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <sched.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#if defined(__x86_64__)
#define NATIVE_ARCH AUDIT_ARCH_X86_64
#elif defined(__aarch64__)
#define NATIVE_ARCH AUDIT_ARCH_AARCH64
#else
#error "hostile.c knows x86_64 and aarch64"
#endif

#if __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
#define ARG0_LOW offsetof(struct seccomp_data, args[0])
#else
#define ARG0_LOW (offsetof(struct seccomp_data, args[0]) + 4)
#endif

#ifndef __NR_clone3
#define __NR_clone3 435
#endif

static void die(const char *what)
{
	fprintf(stderr, "hostile: %s: %s\n", what, strerror(errno));
	exit(125);
}

static void write_file(const char *path, const char *text)
{
	int fd = open(path, O_WRONLY | O_CLOEXEC);
	if (fd < 0 || write(fd, text, strlen(text)) != (ssize_t)strlen(text))
		die(path);
	close(fd);
}

/* Only a process outside the new namespace, with CAP_SETUID there, may map
 * more than its own id: a child left behind writes the maps. */
static void enter_limited_userns(void)
{
	int ready[2];
	pid_t self = getpid();
	if (pipe(ready) < 0)
		die("pipe");
	pid_t helper = fork();
	if (helper < 0)
		die("fork");
	if (helper == 0) {
		char c, path[64];
		if (read(ready[0], &c, 1) != 1)
			_exit(1);
		snprintf(path, sizeof(path), "/proc/%d/uid_map", (int)self);
		write_file(path, "0 0 1\n65534 65534 1\n");
		snprintf(path, sizeof(path), "/proc/%d/gid_map", (int)self);
		write_file(path, "0 0 1\n65534 65534 1\n");
		_exit(0);
	}
	if (unshare(CLONE_NEWUSER) < 0)
		die("unshare(CLONE_NEWUSER)");
	int status;
	if (write(ready[1], "x", 1) != 1 || waitpid(helper, &status, 0) < 0 || !WIFEXITED(status) ||
	    WEXITSTATUS(status) != 0)
		die("mapping the ids of the new user namespace");
	write_file("/proc/sys/user/max_user_namespaces", "0\n");
}

static void block_userns(void)
{
	struct sock_filter code[] = {
	    BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, arch)),
	    BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, NATIVE_ARCH, 1, 0),
	    BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW),
	    BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, nr)),
	    BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, __NR_clone3, 0, 1),
	    BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ERRNO | ENOSYS),
	    BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, __NR_unshare, 1, 0),
	    BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, __NR_clone, 0, 3),
	    BPF_STMT(BPF_LD | BPF_W | BPF_ABS, ARG0_LOW),
	    BPF_JUMP(BPF_JMP | BPF_JSET | BPF_K, CLONE_NEWUSER, 0, 1),
	    BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ERRNO | EPERM),
	    BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW),
	};
	struct sock_fprog prog = {sizeof(code) / sizeof(code[0]), code};
	if (geteuid() != 0 && prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0)
		die("PR_SET_NO_NEW_PRIVS");
	if (syscall(__NR_seccomp, SECCOMP_SET_MODE_FILTER, 0, &prog) < 0)
		die("seccomp");
}

int main(int argc, char **argv)
{
	int i = 1;
	int limit = 0, nnp = 0, block = 0;
	for (; i < argc && strcmp(argv[i], "--") != 0; i++) {
		if (strcmp(argv[i], "--userns-limit-zero") == 0)
			limit = 1;
		else if (strcmp(argv[i], "--no-new-privs") == 0)
			nnp = 1;
		else if (strcmp(argv[i], "--block-userns") == 0)
			block = 1;
		else
			break;
	}
	if (i + 1 >= argc || strcmp(argv[i], "--") != 0) {
		fprintf(stderr, "usage: hostile [--userns-limit-zero] [--no-new-privs] "
		                "[--block-userns] -- CMD [ARG...]\n");
		return 125;
	}
	if (limit)
		enter_limited_userns();
	if (nnp && prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0)
		die("PR_SET_NO_NEW_PRIVS");
	if (block)
		block_userns();
	execvp(argv[i + 1], argv + i + 1);
	die(argv[i + 1]);
}

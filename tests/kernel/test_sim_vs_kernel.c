/*
 * test_sim_vs_kernel.c - the simulator proved against the kernel.
 *
 * Policies are compiled from source, their programs loaded with seccomp(2)
 * in forked children, and a table of calls (harmless whether allowed or not:
 * bad fds, null pointers, invalid flags) is made there. For every call the
 * kernel's verdict must be the simulator's: death by SIGSYS for kill, -E for
 * errno E, and for allow the call's own result (what it returns with no
 * filter at all, for the calls that fail by themselves).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>
#include <linux/audit.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "bpf_sim.h"
#include "emit_seccomp.h"
#include "names.h"
#include "resolve.h"

#include "kernel_support.h"

struct call {
	long nr;
	long args[6];
	const char *what;
};

static long run_in_child(const struct buf *bpf, const struct call *call)
{
	return kernel_run(bpf, call->nr, call->args);
}

static struct bpf_sim_result simulate(const struct buf *bpf, const struct call *call)
{
	size_t len;
	const struct sock_filter *insns = bpf_sim_program(bpf->data, bpf->len, &len);
	struct seccomp_data sd = {.nr = (int)call->nr, .arch = AUDIT_ARCH_X86_64};
	for (int i = 0; i < 6; i++)
		sd.args[i] = (uint64_t)call->args[i];
	struct bpf_sim_result r;
	struct bpf_sim_problem problem;
	if (bpf_sim_run(insns, len, &sd, &r, &problem) != 0)
		fail_msg("the simulator refused the program: %s", problem.message);
	return r;
}

/* Every call of the table: the kernel and the simulator agree. Returns how
 * many calls each verdict covered, so a test can insist on variety. */
static void compare(const struct buf *bpf, const struct call *calls, size_t n, size_t counts[3])
{
	for (size_t i = 0; i < n; i++) {
		const struct call *c = &calls[i];
		struct bpf_sim_result sim = simulate(bpf, c);
		long kernel = run_in_child(bpf, c);
		char text[64];
		bpf_sim_describe(sim.ret, text, sizeof(text));
		switch (sim.action) {
		case SECCOMP_RET_KILL_PROCESS:
			if (kernel != KILLED)
				fail_msg("%s: simulator says %s, kernel returned %ld", c->what,
				         text, kernel);
			counts[0]++;
			break;
		case SECCOMP_RET_ERRNO:
			if (kernel != -(long)sim.data)
				fail_msg("%s: simulator says %s, kernel returned %ld", c->what,
				         text, kernel);
			counts[1]++;
			break;
		case SECCOMP_RET_ALLOW: {
			long natural = run_in_child(NULL, c);
			if (kernel == KILLED || (natural < 0 && kernel != natural) ||
			    (natural >= 0 && kernel < 0))
				fail_msg(
				    "%s: simulator says allow, kernel returned %ld (unfiltered: "
				    "%ld)",
				    c->what, kernel, natural);
			counts[2]++;
			break;
		}
		default:
			fail_msg("%s: unexpected simulated action %s", c->what, text);
		}
	}
}

#define CALL(nr, ...)                                                                              \
	{                                                                                          \
		nr, {__VA_ARGS__}, #nr "(" #__VA_ARGS__ ")"                                        \
	}

static const struct call table[] = {
    CALL(SYS_getpid, 0),
    CALL(SYS_getuid, 0),
    CALL(SYS_read, -1, 0, 0),
    CALL(SYS_close, -1),
    CALL(SYS_ioctl, -1, TCGETS),
    CALL(SYS_ioctl, -1, TIOCSTI),
    CALL(SYS_ioctl, -1, TIOCLINUX),
    CALL(SYS_ioctl, -1, (long)(0x100000000UL | TIOCSTI)),
    CALL(SYS_socket, AF_INET, SOCK_STREAM, 0),
    CALL(SYS_socket, AF_INET6, SOCK_DGRAM, 0),
    CALL(SYS_socket, AF_UNIX, SOCK_STREAM, 0),
    CALL(SYS_socket, AF_NETLINK, SOCK_RAW, 0),
    CALL(SYS_ptrace, -1, 0, 0, 0),
    CALL(SYS_clone3, 0, 0),
    CALL(SYS_mount, 0, 0, 0, 0, 0),
    CALL(SYS_umount2, 0, 0),
    CALL(SYS_pivot_root, 0, 0),
    CALL(SYS_chroot, 0),
    CALL(SYS_setns, -1, 0),
    CALL(SYS_unshare, 0x7fffffff),
    CALL(SYS_kexec_load, 0, 0, 0, 0),
    CALL(SYS_init_module, 0, 0, 0),
    CALL(SYS_delete_module, 0, 0),
    CALL(SYS_bpf, -1, 0, 0),
    CALL(SYS_perf_event_open, 0, 0, 0, 0, 0),
    CALL(SYS_userfaultfd, -1),
    CALL(SYS_keyctl, -1, 0, 0, 0, 0),
    CALL(SYS_open_by_handle_at, -1, 0, 0),
    CALL(SYS_process_vm_readv, 0, 0, 0, 0, 0, 0),
    CALL(SYS_io_uring_setup, 0, 0),
    CALL(SYS_reboot, 0, 0, 0, 0),
    CALL(SYS_swapon, 0, 0),
    CALL(SYS_settimeofday, 0, 0),
    CALL(SYS_personality, 0xffffffff),
    CALL(SYS_uname, 0),
};

static void test_stock_policy(void **state)
{
	(void)state;
	struct buf bpf = compile_policy("include \"system.cell\"\n"
	                                "include \"base-syscalls.cell\"\n"
	                                "policy t : system, base-syscalls {\n"
	                                "  net none\n"
	                                "  syscalls { kill ptrace }\n"
	                                "}\n");
	size_t counts[3] = {0};
	compare(&bpf, table, ARRAY_SIZE(table), counts);
	assert_true(counts[0] >= 1 && counts[1] >= 5 && counts[2] >= 5);
	buf_free(&bpf);
}

/* Argument conditions of several shapes, and several actions. */
static void test_conditions_and_actions(void **state)
{
	(void)state;
	struct buf bpf =
	    compile_policy("policy t {\n"
	                   "  net host\n"
	                   "  syscalls {\n"
	                   "    default errno ENOSYS\n"
	                   "    allow write, exit_group, exit, getpid, getuid, close, read\n"
	                   "    kill ptrace\n"
	                   "    deny socket(domain, type) errno EACCES if domain == AF_INET && "
	                   "type & SOCK_DGRAM == SOCK_DGRAM\n"
	                   "    allow socket(domain) if domain in (AF_INET, AF_UNIX)\n"
	                   "    deny ioctl(cmd) errno EPERM if cmd == TIOCSTI\n"
	                   "    allow ioctl(fd) if fd > 2\n"
	                   "    deny personality(persona) errno EINVAL if persona != 0xffffffff\n"
	                   "    allow personality\n"
	                   "  }\n"
	                   "}\n");
	static const struct call calls[] = {
	    CALL(SYS_getpid, 0),
	    CALL(SYS_read, -1, 0, 0),
	    CALL(SYS_ptrace, -1, 0, 0, 0),
	    CALL(SYS_socket, AF_INET, SOCK_DGRAM, 0),
	    CALL(SYS_socket, AF_INET, SOCK_STREAM, 0),
	    CALL(SYS_socket, AF_UNIX, SOCK_STREAM, 0),
	    CALL(SYS_socket, AF_INET6, SOCK_STREAM, 0),
	    CALL(SYS_ioctl, 5000, TIOCSTI),
	    CALL(SYS_ioctl, 5000, TCGETS),
	    CALL(SYS_ioctl, 1, TCGETS),
	    CALL(SYS_ioctl, -1, TCGETS),
	    CALL(SYS_personality, 0xffffffff),
	    CALL(SYS_personality, 0x1234),
	    CALL(SYS_uname, 0),
	};
	size_t counts[3] = {0};
	compare(&bpf, calls, ARRAY_SIZE(calls), counts);
	assert_true(counts[0] == 1 && counts[1] >= 5 && counts[2] >= 4);
	buf_free(&bpf);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_stock_policy),
	    cmocka_unit_test(test_conditions_and_actions),
	};
	int rc = cmocka_run_group_tests(tests, NULL, NULL);
	names_cleanup();
	return rc;
}

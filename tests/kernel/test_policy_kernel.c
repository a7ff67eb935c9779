/*
 * test_policy_kernel.c - kernel truth for whole policies written as text.
 *
 * Each test compiles policy source through the real front end (parser,
 * resolver) and the seccomp backend, loads the program in a forked child
 * with the kernel's seccomp(2), and makes raw syscalls there. Every call is
 * harmless even if it were allowed (bad fds, invalid flags); what is checked
 * is the kernel's verdict: the errno it returns, or death by SIGSYS.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
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

#include "emit_seccomp.h"
#include "names.h"
#include "resolve.h"

#include "kernel_support.h"

struct call {
	long nr;
	long args[6];
};

static long run_in_child(const struct buf *bpf, struct call call)
{
	return kernel_run(bpf, call.nr, call.args);
}

static const char *const demo_like = "include \"system.cell\"\n"
                                     "include \"hardening.cell\"\n"
                                     "include \"base-syscalls.cell\"\n"
                                     "policy t : system, hardening, base-syscalls { net none }\n";

static void test_stock_base_syscalls(void **state)
{
	(void)state;
	struct buf bpf = compile_policy(demo_like);
	/* Allowed: a plain call works. */
	long pid = run_in_child(&bpf, (struct call){SYS_getpid, {0}});
	assert_true(pid > 0);
	/* TIOCSTI and TIOCLINUX are refused before the fd is even looked at
	 * (EBADF would mean the call got through), also with garbage in the
	 * upper half of the 32-bit command. */
	assert_int_equal(run_in_child(&bpf, (struct call){SYS_ioctl, {-1, TIOCSTI}}), -EPERM);
	assert_int_equal(run_in_child(&bpf, (struct call){SYS_ioctl, {-1, TIOCLINUX}}), -EPERM);
	assert_int_equal(
	    run_in_child(&bpf, (struct call){SYS_ioctl, {-1, (long)0xdeadbeef00005412ULL}}),
	    -EPERM);
	/* Any other ioctl goes through to the kernel, which rejects the fd. */
	assert_int_equal(run_in_child(&bpf, (struct call){SYS_ioctl, {-1, FIONREAD}}), -EBADF);
	/* clone3 gets ENOSYS so libc falls back to clone. */
	assert_int_equal(run_in_child(&bpf, (struct call){SYS_clone3, {0, 0}}), -ENOSYS);
	/* @mount is denied: EPERM from the filter, not EFAULT from the kernel. */
	assert_int_equal(run_in_child(&bpf, (struct call){SYS_mount, {0, 0, 0, 0, 0}}), -EPERM);
	/* net none: Internet sockets are refused by the first rule... */
	assert_int_equal(run_in_child(&bpf, (struct call){SYS_socket, {AF_INET, SOCK_STREAM, 0}}),
	                 -EAFNOSUPPORT);
	assert_int_equal(run_in_child(&bpf, (struct call){SYS_socket, {AF_INET6, SOCK_DGRAM, 0}}),
	                 -EAFNOSUPPORT);
	/* ...also with the upper half of the int set. */
	assert_int_equal(
	    run_in_child(&bpf, (struct call){SYS_socket, {(long)0x100000002LL, SOCK_STREAM, 0}}),
	    -EAFNOSUPPORT);
	/* ...while local sockets work. */
	assert_true(run_in_child(&bpf, (struct call){SYS_socket, {AF_UNIX, SOCK_STREAM, 0}}) >= 0);
	/* Something no rule names gets the default, EPERM. */
	assert_int_equal(run_in_child(&bpf, (struct call){SYS_reboot, {0, 0, 0, 0}}), -EPERM);
	/* The x32 ABI is a different way into the same syscalls: killed. */
	assert_int_equal(run_in_child(&bpf, (struct call){0x40000000 | SYS_getpid, {0}}), KILLED);
	buf_free(&bpf);
}

static void test_first_match_in_written_order(void **state)
{
	(void)state;
	/* An allow written before a deny wins for what it matches, and the deny
	 * still holds for the rest: the lowering must keep both. */
	struct buf bpf = compile_policy("policy t {\n"
	                                "  net host\n"
	                                "  syscalls {\n"
	                                "    default allow\n"
	                                "    allow ioctl(cmd) if cmd == FIONREAD\n"
	                                "    kill  ioctl(cmd) if cmd == FIONBIO\n"
	                                "    deny  ioctl errno ENOTTY\n"
	                                "    deny  personality(persona) errno EINVAL\n"
	                                "          if persona != 0xffffffff && persona != 0\n"
	                                "  }\n"
	                                "}\n");
	assert_int_equal(run_in_child(&bpf, (struct call){SYS_ioctl, {-1, FIONREAD}}), -EBADF);
	assert_int_equal(run_in_child(&bpf, (struct call){SYS_ioctl, {-1, FIONBIO}}), KILLED);
	assert_int_equal(run_in_child(&bpf, (struct call){SYS_ioctl, {-1, TCGETS}}), -ENOTTY);
	/* personality(0xffffffff) only queries; 0 would set PER_LINUX, which the
	 * child already has. Anything else is refused by the filter. */
	assert_true(run_in_child(&bpf, (struct call){SYS_personality, {0xffffffffL}}) >= 0);
	assert_true(run_in_child(&bpf, (struct call){SYS_personality, {0}}) >= 0);
	assert_int_equal(run_in_child(&bpf, (struct call){SYS_personality, {0x0040000}}), -EINVAL);
	assert_int_equal(
	    run_in_child(&bpf, (struct call){SYS_personality, {(long)0x7fffffff00000000LL}}),
	    0); /* the low half is 0: PER_LINUX, allowed */
	buf_free(&bpf);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_stock_base_syscalls),
	    cmocka_unit_test(test_first_match_in_written_order),
	};
	int rc = cmocka_run_group_tests(tests, NULL, NULL);
	names_cleanup();
	return rc;
}

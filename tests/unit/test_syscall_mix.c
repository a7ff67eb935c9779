/*
 * test_syscall_mix.c - syscall mix files (`cell explain --mix`) and a
 * filter's cost over them: parsing, refusals with the line, and the
 * weighted statistics on a hand-assembled program whose answer for every
 * call is known.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <linux/audit.h>
#include <linux/seccomp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "names.h"
#include "syscall_mix.h"
#include "util.h"

#define X86_64 AUDIT_ARCH_X86_64

static char path[64];

static void write_mix(const char *text, size_t len)
{
	snprintf(path, sizeof(path), "/tmp/cell-mix-XXXXXX");
	int fd = mkstemp(path);
	assert_true(fd >= 0);
	assert_int_equal(write(fd, text, len), (ssize_t)len);
	close(fd);
}

static int load(const char *text, struct syscall_mix *m, char *err, size_t err_size)
{
	write_mix(text, strlen(text));
	int rc = syscall_mix_load(path, m, err, err_size);
	unlink(path);
	return rc;
}

static void test_parses_counts_names_and_comments(void **state)
{
	(void)state;
	struct syscall_mix m;
	char err[256] = "";
	assert_int_equal(
	    load("# header\n\n  120 read   # trailing\n7 openat\n3 getpid", &m, err, sizeof(err)),
	    0);
	assert_int_equal(m.n, 3);
	assert_string_equal(m.entries[0].name, "read");
	assert_int_equal(m.entries[0].calls, 120);
	assert_string_equal(m.entries[2].name, "getpid"); /* no final newline */
	assert_int_equal(m.entries[2].calls, 3);
	syscall_mix_free(&m);
}

static void expect_refused(const char *text, size_t len, const char *needle)
{
	struct syscall_mix m;
	char err[256] = "";
	write_mix(text, len);
	assert_int_equal(syscall_mix_load(path, &m, err, sizeof(err)), -1);
	unlink(path);
	if (!strstr(err, needle))
		fail_msg("expected '%s' in '%s'", needle, err);
	assert_int_equal(m.n, 0);
	syscall_mix_free(&m);
}

static void test_refuses_bad_lines_with_their_number(void **state)
{
	(void)state;
	expect_refused("1 read\nread 1\n", 14, ":2: expected 'COUNT SYSCALL'");
	expect_refused("1 read\n\n2 read\n", 15, ":3: 'read' is listed twice");
	expect_refused("1 read write\n", 13, ":1: expected");
	expect_refused("-1 read\n", 8, ":1: expected");
	expect_refused("99999999999999999999999 read\n", 29, ":1: expected");
	expect_refused("1 re\0ad\n", 8, ":1: a NUL byte");
	struct syscall_mix m;
	char err[256];
	assert_int_equal(syscall_mix_load("/nonexistent/mix.txt", &m, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "/nonexistent/mix.txt: No such file"));
}

/* Allows read (3 instructions, cacheable); getpid reads an argument before
 * allowing (5 instructions, not cacheable); anything else is EPERM. */
static const struct sock_filter program[] = {
    BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, nr)),
    BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, 0, 0, 1), /* read */
    BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW),
    BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, 39, 0, 3), /* getpid */
    BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, args[0])),
    BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW),
    BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW),
    BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ERRNO | 1),
};

static void test_weighted_statistics(void **state)
{
	(void)state;
	struct syscall_mix m;
	char err[256];
	assert_int_equal(
	    load("90 read\n10 getpid\n5 no_such_call\n2 mmap2\n", &m, err, sizeof(err)), 0);
	struct syscall_mix_stats s;
	assert_int_equal(syscall_mix_stats(program, ARRAY_SIZE(program), X86_64, &m, &s), 0);
	assert_int_equal(s.calls, 100);
	assert_int_equal(s.syscalls, 2);
	/* no_such_call is unknown, mmap2 does not exist on x86_64. */
	assert_int_equal(s.skipped, 2);
	assert_int_equal(s.skipped_calls, 7);
	assert_int_equal(s.cached_calls, 90);
	assert_int_equal(s.cached_syscalls, 1);
	/* read: 3 instructions; getpid: 5 (load nr, two jumps, load arg0, ret). */
	assert_int_equal(s.worst, 5);
	assert_string_equal(s.worst_name, "getpid");
	assert_true(s.mean > (90 * 3 + 10 * 5) / 100.0 - 1e-9 &&
	            s.mean < (90 * 3 + 10 * 5) / 100.0 + 1e-9);
	/* With the action cache only getpid runs the filter. */
	assert_true(s.cached_mean > 0.5 - 1e-9 && s.cached_mean < 0.5 + 1e-9);
	syscall_mix_free(&m);
}

static void test_invalid_program_is_refused(void **state)
{
	(void)state;
	static const struct sock_filter bad[] = {
	    BPF_JUMP(BPF_JMP | BPF_JA, 5, 0, 0),
	};
	struct syscall_mix m = {0};
	struct syscall_mix_stats s;
	assert_int_equal(syscall_mix_stats(bad, 1, X86_64, &m, &s), -1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_parses_counts_names_and_comments),
	    cmocka_unit_test(test_refuses_bad_lines_with_their_number),
	    cmocka_unit_test(test_weighted_statistics),
	    cmocka_unit_test(test_invalid_program_is_refused),
	};
	int rc = cmocka_run_group_tests(tests, NULL, NULL);
	names_cleanup();
	return rc;
}

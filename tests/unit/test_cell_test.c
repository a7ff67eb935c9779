/*
 * test_cell_test.c - test blocks: parsing, resolution errors with
 * suggestions, and the checks `cell test` runs on the emitted program.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cmd_explain.h"
#include "cmd_test.h"
#include "emit_seccomp.h"
#include "names.h"
#include "resolve.h"

struct run {
	struct diag_ctx *d;
	FILE *out;
	char *log;
	size_t log_len;
	struct resolve_result res;
	int rc;
	struct buf bpf;
	struct expect_counts counts;
};

/* Resolves `text`; when it resolves, emits and checks its expectations. */
static void run(struct run *r, const char *text)
{
	memset(r, 0, sizeof(*r));
	r->out = open_memstream(&r->log, &r->log_len);
	r->d = diag_new(r->out);
	const char *dirs[] = {CELL_SOURCE_DIR "/policies/lib"};
	struct resolve_options opt = {.include_dirs = dirs, .n_include_dirs = 1};
	buf_init(&r->bpf);
	r->rc = resolve_text(r->d, CELL_SOURCE_DIR "/tests/unit/t.cell", text, strlen(text), &opt,
	                     &r->res);
	if (r->rc == 0) {
		if (emit_seccomp_bpf(r->res.policies[0], r->d, &r->bpf) < 0)
			fail_msg("emit failed");
		expect_check_policy(r->d, r->res.policies[0], &r->bpf, &r->counts);
	}
	fflush(r->out);
}

static void run_free(struct run *r)
{
	buf_free(&r->bpf);
	resolve_result_free(&r->res);
	diag_free(r->d);
	fclose(r->out);
	free(r->log);
}

static void assert_log(const struct run *r, const char *needle)
{
	if (!r->log || !strstr(r->log, needle))
		fail_msg("expected a message containing:\n  %s\ngot:\n%s", needle,
		         r->log ? r->log : "");
}

#define PRELUDE                                                                                    \
	"include \"system.cell\"  include \"hardening.cell\"\n"                                    \
	"include \"base-syscalls.cell\"\n"                                                         \
	"policy p : system, hardening, base-syscalls {\n"

static void test_parses_into_ir(void **state)
{
	(void)state;
	struct run r;
	run(&r, PRELUDE "  limits { memory 512M }\n"
	                "  test {\n"
	                "    expect ioctl(0, TIOCSTI | 0x100000000) -> errno EPERM\n"
	                "    expect clone3 -> errno ENOSYS on x86_64\n"
	                "    expect kill -> allow\n"
	                "    expect fs /usr readonly\n"
	                "    expect limit memory 512M\n"
	                "    expect limit cpu none\n"
	                "  }\n"
	                "}\n");
	assert_int_equal(r.rc, 0);
	const struct ir_policy *p = r.res.policies[0];
	assert_int_equal(p->n_tests, 6);
	uint64_t tiocsti;
	assert_true(names_const_value("TIOCSTI", &tiocsti));
	assert_int_equal(p->tests[0].kind, IR_TEST_SYSCALL);
	assert_string_equal(p->tests[0].syscall, "ioctl");
	assert_int_equal(p->tests[0].n_args, 2);
	assert_int_equal(p->tests[0].args[1], tiocsti | 0x100000000ULL);
	assert_int_equal(p->tests[0].action.kind, IR_ACTION_ERRNO);
	assert_int_equal(p->tests[0].action.errno_value, EPERM);
	assert_int_equal(p->tests[1].arch, names_arch_token("x86_64"));
	assert_string_equal(p->tests[2].syscall, "kill");
	assert_int_equal(p->tests[3].fact, IR_FS_READONLY);
	assert_true(p->tests[4].expected.set);
	assert_int_equal(p->tests[4].expected.value, 512ULL << 20);
	assert_false(p->tests[5].expected.set);
	/* All hold on the emitted filter. */
	assert_int_equal(r.counts.passed, 6);
	assert_int_equal(r.counts.failed, 0);
	run_free(&r);
}

static void test_names_are_checked(void **state)
{
	(void)state;
	struct run r;
	run(&r, PRELUDE "  test {\n"
	                "    expect opnat -> allow\n"
	                "    expect ioctl(0, TIOCSTJ) -> deny\n"
	                "    expect clone3 -> errno ENOSIS\n"
	                "    expect getpid -> allow on aarch46\n"
	                "    expect fs /home hiden\n"
	                "    expect limit memory lots\n"
	                "  }\n"
	                "}\n");
	assert_int_equal(r.rc, -1);
	assert_log(&r, "t.cell:5:12: error: unknown syscall 'opnat'; did you mean 'openat'?");
	assert_log(&r, "unknown constant 'TIOCSTJ'; did you mean 'TIOCSTI'?");
	assert_log(&r, "unknown errno 'ENOSIS'; did you mean 'ENOSYS'?");
	assert_log(&r, "unknown architecture 'aarch46'; did you mean 'aarch64'?");
	assert_log(&r, "unknown fs fact 'hiden'");
	assert_log(&r, "did you mean 'hidden'?");
	assert_log(&r, "expected a value, 'infinity' or 'none' for memory, not 'lots'");
	run_free(&r);
}

static void test_syntax_errors(void **state)
{
	(void)state;
	struct run r;
	run(&r, PRELUDE "  test {\n"
	                "    expect openat allow\n"
	                "    expect limits memory 1M\n"
	                "    expect lmit memory 1M\n"
	                "    expect fs /x\n"
	                "  }\n"
	                "}\n");
	assert_int_equal(r.rc, -1);
	assert_log(&r, "t.cell:5:19: error: unexpected 'allow'");
	assert_log(&r, "t.cell:6:12: error: unexpected 'limits'");
	assert_log(&r, "t.cell:7:12: error: expected 'limit' before 'memory', not 'lmit'");
	assert_log(&r, "t.cell:9:3: error: unexpected '}', expected identifier");
	run_free(&r);
	/* A test block may not name an architecture the policy does not build. */
	run(&r, PRELUDE "  test { expect getpid -> allow on aarch64 }\n}\n");
	assert_int_equal(r.rc, -1);
	assert_log(&r, "does not target 'aarch64'");
	run_free(&r);
}

static void test_failures_name_the_deciding_rule(void **state)
{
	(void)state;
	struct run r;
	run(&r, PRELUDE "  net none\n"
	                "  limits { memory 256M }\n"
	                "  test {\n"
	                "    expect openat -> errno EPERM\n"
	                "    expect socket(AF_INET) -> allow\n"
	                "    expect mmap2 -> allow\n"
	                "    expect fs /home writable\n"
	                "    expect fs /usr writable\n"
	                "    expect limit memory 512M\n"
	                "    expect getpid -> allow\n"
	                "  }\n"
	                "}\n");
	assert_int_equal(r.rc, 0);
	assert_int_equal(r.counts.passed, 1);
	assert_int_equal(r.counts.failed, 6);
	assert_log(&r, "t.cell:7:5: error: expected errno EPERM, got allow (decided by the rule "
	               "at " CELL_SOURCE_DIR "/policies/lib/base-syscalls.cell:18)");
	assert_log(&r, "t.cell:8:5: error: expected allow, got errno EAFNOSUPPORT (decided by "
	               "the 'net none' setting at " CELL_SOURCE_DIR "/tests/unit/t.cell:4)");
	assert_log(&r, "'mmap2' does not exist on x86_64");
	assert_log(&r, "expected /home to be writable, but it is hidden (no mount covers it)");
	assert_log(&r,
	           "expected /usr to be writable, but it is read-only (decided by the mount at");
	assert_log(&r, "expected memory 512M, got 256M (set at");
	run_free(&r);
}

static void test_fs_view_follows_mount_order(void **state)
{
	(void)state;
	struct run r;
	run(&r, "policy p {\n"
	        "  param W\n"
	        "  fs { ro /usr  mask /usr/secret  rw /usr/secret/ok  tmpfs /a  ro /a/b\n"
	        "       rw ${W} at /w  tmpfs /c  }\n"
	        "  fs { ro /c/d  tmpfs /c }\n"
	        "}\n");
	assert_int_equal(r.rc, 0);
	const struct ir_policy *p = r.res.policies[0];
	struct fs_view v = expect_fs_view(p, "/usr/bin");
	assert_true(v.visible && !v.writable);
	v = expect_fs_view(p, "/usr/secret/x");
	assert_false(v.visible);
	v = expect_fs_view(p, "/usr/secret/ok/");
	assert_true(v.visible && v.writable);
	v = expect_fs_view(p, "/a/b/c");
	assert_true(v.visible && !v.writable);
	v = expect_fs_view(p, "/a/z");
	assert_true(v.visible && v.writable);
	v = expect_fs_view(p, "/w/file");
	assert_true(v.visible && v.writable);
	v = expect_fs_view(p, "/usrx");
	assert_false(v.visible);
	/* The later tmpfs /c hides the earlier bind at /c/d. */
	v = expect_fs_view(p, "/c/d");
	assert_true(v.visible && v.writable);
	assert_int_equal(v.op->kind, IR_FS_TMPFS);
	run_free(&r);
}

static void test_explain_parses_calls(void **state)
{
	(void)state;
	char *name, err[256];
	uint64_t args[6];
	uint64_t newuser, sigchld;
	assert_true(names_const_value("CLONE_NEWUSER", &newuser));
	assert_true(names_const_value("SIGCHLD", &sigchld));
	assert_int_equal(explain_parse_call("clone(CLONE_NEWUSER | SIGCHLD, 0x10, -1)", &name, args,
	                                    err, sizeof(err)),
	                 0);
	assert_string_equal(name, "clone");
	assert_int_equal(args[0], newuser | sigchld);
	assert_int_equal(args[1], 0x10);
	assert_int_equal(args[2], UINT64_MAX);
	assert_int_equal(args[3], 0);
	free(name);
	assert_int_equal(explain_parse_call("getpid", &name, args, err, sizeof(err)), 0);
	free(name);
	assert_int_equal(explain_parse_call("opnat", &name, args, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "did you mean 'openat'?"));
	assert_int_equal(explain_parse_call("ioctl(0, TIOCSTJ)", &name, args, err, sizeof(err)),
	                 -1);
	assert_non_null(strstr(err, "did you mean 'TIOCSTI'?"));
	assert_int_equal(explain_parse_call("ioctl(0", &name, args, err, sizeof(err)), -1);
	assert_null(name);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_parses_into_ir),
	    cmocka_unit_test(test_names_are_checked),
	    cmocka_unit_test(test_syntax_errors),
	    cmocka_unit_test(test_failures_name_the_deciding_rule),
	    cmocka_unit_test(test_fs_view_follows_mount_order),
	    cmocka_unit_test(test_explain_parses_calls),
	};
	int rc = cmocka_run_group_tests(tests, NULL, NULL);
	names_cleanup();
	return rc;
}

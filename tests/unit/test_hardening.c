/*
 * test_hardening.c - the hardening baseline (policies/lib/hardening.cell)
 * holds in every stock policy, on the filter each one really emits.
 *
 * Every file under policies/ and policies/examples/ (both front ends) and
 * the embedded default are compiled; each policy must list `hardening` in
 * its lineage, compile without a warning (hardening listed after a broad
 * allow-list would leave its rules dead, and cell warns about each), and
 * the simulator must give every invariant call of the baseline a refusal:
 * ENOSYS for clone3 and the new mount API, kill for foreign architectures
 * and x32, anything but allow for the rest. The checker itself is shown to
 * catch a policy without the baseline, and the fragment's own test block
 * (hardening-selftest) must hold.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>
#include <glob.h>
#include <linux/audit.h>
#include <linux/sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/personality.h>
#include <sys/socket.h>

#include "bpf_sim.h"
#include "cmd_test.h"
#include "embedded.h"
#include "emit_seccomp.h"
#include "names.h"
#include "resolve.h"

enum want { REFUSED, ENOSYS_ANSWER };

/* One call of the baseline; args are 64-bit registers as a 64-bit ABI passes them. */
struct invariant {
	const char *syscall;
	uint64_t args[6];
	enum want want;
};

#define HIGH (1ULL << 32) /* garbage in the upper half of a 32-bit argument */

static const struct invariant invariants[] = {
    {"clone3", {0}, ENOSYS_ANSWER},
    {"open_tree", {0}, ENOSYS_ANSWER},
    {"move_mount", {0}, ENOSYS_ANSWER},
    {"fsopen", {0}, ENOSYS_ANSWER},
    {"fsconfig", {0}, ENOSYS_ANSWER},
    {"fsmount", {0}, ENOSYS_ANSWER},
    {"fspick", {0}, ENOSYS_ANSWER},
    {"mount_setattr", {0}, ENOSYS_ANSWER},
    {"clone", {CLONE_NEWUSER | SIGCHLD}, REFUSED},
    {"clone", {CLONE_NEWUSER | CLONE_NEWNS | CLONE_NEWPID}, REFUSED},
    {"unshare", {CLONE_NEWUSER}, REFUSED},
    {"unshare", {CLONE_NEWUSER | CLONE_NEWNET}, REFUSED},
    {"setns", {0}, REFUSED},
    {"mount", {0}, REFUSED},
    {"umount2", {0}, REFUSED},
    {"pivot_root", {0}, REFUSED},
    {"chroot", {0}, REFUSED},
    {"ioctl", {0, TIOCSTI}, REFUSED},
    {"ioctl", {0, TIOCLINUX}, REFUSED},
    {"ioctl", {0, HIGH | TIOCSTI}, REFUSED},
    {"ioctl", {1, 0xffffffff00000000ULL | TIOCLINUX}, REFUSED},
    {"io_uring_setup", {0}, REFUSED},
    {"io_uring_enter", {0}, REFUSED},
    {"io_uring_register", {0}, REFUSED},
    {"ptrace", {0}, REFUSED},
    {"process_vm_readv", {0}, REFUSED},
    {"process_vm_writev", {0}, REFUSED},
    {"pidfd_getfd", {0}, REFUSED},
    {"bpf", {0}, REFUSED},
    {"perf_event_open", {0}, REFUSED},
    {"userfaultfd", {0}, REFUSED},
    {"keyctl", {0}, REFUSED},
    {"add_key", {0}, REFUSED},
    {"request_key", {0}, REFUSED},
    {"kexec_load", {0}, REFUSED},
    {"kexec_file_load", {0}, REFUSED},
    {"init_module", {0}, REFUSED},
    {"finit_module", {0}, REFUSED},
    {"delete_module", {0}, REFUSED},
    {"open_by_handle_at", {0}, REFUSED},
    {"personality", {READ_IMPLIES_EXEC}, REFUSED},
    {"personality", {ADDR_NO_RANDOMIZE}, REFUSED},
    {"personality", {PER_LINUX32 | MMAP_PAGE_ZERO}, REFUSED},
    {"socket", {AF_NETLINK, SOCK_RAW}, REFUSED},
    {"socket", {AF_NETLINK, SOCK_DGRAM | SOCK_CLOEXEC}, REFUSED},
    {"socket", {AF_PACKET, SOCK_RAW}, REFUSED},
    {"socket", {AF_VSOCK, SOCK_STREAM}, REFUSED},
    {"socket", {AF_INET, SOCK_RAW}, REFUSED},
    {"socket", {AF_INET6, SOCK_RAW | SOCK_NONBLOCK}, REFUSED},
    {"socket", {AF_INET, SOCK_PACKET}, REFUSED},
};

/* What a stock policy must still allow, or the checks above prove nothing. */
static const struct {
	const char *syscall;
	uint64_t args[6];
} harmless[] = {
    {"getpid", {0}},
    {"clone", {SIGCHLD}},
    {"ioctl", {0, TCGETS}},
    {"personality", {0xffffffff}},
};

struct compiled {
	struct diag_ctx *d;
	char *log;
	size_t log_len;
	FILE *out;
	struct resolve_result res;
	int rc;
};

static void compiled_open(struct compiled *c)
{
	memset(c, 0, sizeof(*c));
	c->out = open_memstream(&c->log, &c->log_len);
	c->d = diag_new(c->out);
}

static void compiled_close(struct compiled *c)
{
	resolve_result_free(&c->res);
	diag_free(c->d);
	fclose(c->out);
	free(c->log);
}

static const char *log_text(struct compiled *c)
{
	fflush(c->out);
	return c->log ? c->log : "";
}

static uint32_t run(const struct buf *bpf, uint32_t arch, int nr, const uint64_t args[6])
{
	size_t len;
	const struct sock_filter *insns = bpf_sim_program(bpf->data, bpf->len, &len);
	struct seccomp_data sd = {.nr = nr, .arch = arch};
	memcpy(sd.args, args, sizeof(sd.args));
	struct bpf_sim_result r;
	struct bpf_sim_problem problem;
	if (bpf_sim_run(insns, len, &sd, &r, &problem) < 0)
		fail_msg("the emitted program is invalid: %s", problem.message);
	return r.ret;
}

static bool allowed(uint32_t ret)
{
	uint32_t action = ret & SECCOMP_RET_ACTION_FULL;
	return action == SECCOMP_RET_ALLOW || action == SECCOMP_RET_LOG;
}

/* The invariants `bpf` breaks on `arch`, each printed unless `what` is NULL. */
static size_t violations_on(const char *what, const struct buf *bpf, uint32_t arch)
{
	size_t bad = 0;
	bool is64 = arch & __AUDIT_ARCH_64BIT;
	for (size_t i = 0; i < sizeof(invariants) / sizeof(invariants[0]); i++) {
		const struct invariant *v = &invariants[i];
		int nr = names_syscall_nr(v->syscall, arch);
		if (nr < 0)
			continue;
		uint64_t args[6];
		for (int a = 0; a < 6; a++)
			args[a] = is64 ? v->args[a] : (v->args[a] & 0xffffffffULL);
		uint32_t ret = run(bpf, arch, nr, args);
		bool ok =
		    v->want == ENOSYS_ANSWER ? ret == (SECCOMP_RET_ERRNO | ENOSYS) : !allowed(ret);
		if (!ok && what) {
			char text[64];
			print_message("%s: %s(0x%llx, 0x%llx) gets %s\n", what, v->syscall,
			              (unsigned long long)v->args[0],
			              (unsigned long long)v->args[1],
			              bpf_sim_describe(ret, text, sizeof(text)));
		}
		bad += !ok;
	}
	return bad;
}

/* Foreign architectures and the x32 ABI are killed, whatever the rules. */
static size_t foreign_abi_violations(const char *what, const struct ir_policy *p,
                                     const struct buf *bpf)
{
	static const uint32_t foreign[] = {AUDIT_ARCH_I386, AUDIT_ARCH_AARCH64, AUDIT_ARCH_ARM,
	                                   AUDIT_ARCH_PPC64LE, AUDIT_ARCH_S390X};
	size_t bad = 0;
	uint64_t none[6] = {0};
	for (size_t f = 0; f < sizeof(foreign) / sizeof(foreign[0]); f++) {
		bool targeted = false;
		for (size_t a = 0; a < p->n_arches; a++)
			targeted |= p->arches[a].token == foreign[f];
		int nr = names_syscall_nr("getpid", foreign[f]);
		if (targeted || nr < 0)
			continue;
		if (run(bpf, foreign[f], nr, none) != SECCOMP_RET_KILL_PROCESS) {
			if (what)
				print_message("%s: getpid on arch 0x%x is not killed\n", what,
				              foreign[f]);
			bad++;
		}
	}
	for (size_t a = 0; a < p->n_arches; a++)
		if (p->arches[a].token == AUDIT_ARCH_X86_64 &&
		    run(bpf, AUDIT_ARCH_X86_64,
		        0x40000000 | names_syscall_nr("getpid", AUDIT_ARCH_X86_64),
		        none) != SECCOMP_RET_KILL_PROCESS) {
			if (what)
				print_message("%s: an x32 getpid is not killed\n", what);
			bad++;
		}
	return bad;
}

static size_t harmless_refused(const char *what, const struct ir_policy *p, const struct buf *bpf)
{
	size_t bad = 0;
	for (size_t a = 0; a < p->n_arches; a++)
		for (size_t i = 0; i < sizeof(harmless) / sizeof(harmless[0]); i++) {
			int nr = names_syscall_nr(harmless[i].syscall, p->arches[a].token);
			if (nr >= 0 &&
			    !allowed(run(bpf, p->arches[a].token, nr, harmless[i].args))) {
				print_message("%s: harmless %s is refused\n", what,
				              harmless[i].syscall);
				bad++;
			}
		}
	return bad;
}

static size_t baseline_violations(const char *what, const struct ir_policy *p,
                                  const struct buf *bpf)
{
	size_t bad = foreign_abi_violations(what, p, bpf);
	for (size_t a = 0; a < p->n_arches; a++)
		bad += violations_on(what, bpf, p->arches[a].token);
	return bad;
}

static bool has_hardening(const struct ir_policy *p)
{
	for (size_t i = 0; i < p->n_lineage; i++)
		if (strcmp(p->lineage[i], "hardening") == 0)
			return true;
	return false;
}

/* Checks every policy `c` resolved; returns how many there were. */
static size_t check_stock(struct compiled *c, const char *what)
{
	if (c->rc != 0)
		fail_msg("%s does not compile:\n%s", what, log_text(c));
	for (size_t i = 0; i < c->res.n_policies; i++) {
		const struct ir_policy *p = c->res.policies[i];
		char name[512];
		snprintf(name, sizeof(name), "%s: policy %s", what, p->name);
		if (!has_hardening(p))
			fail_msg("%s does not derive from hardening", name);
		struct buf bpf;
		buf_init(&bpf);
		if (emit_seccomp_bpf(p, c->d, &bpf) < 0)
			fail_msg("%s: no filter:\n%s", name, log_text(c));
		size_t bad = baseline_violations(name, p, &bpf) + harmless_refused(name, p, &bpf);
		buf_free(&bpf);
		if (bad)
			fail_msg("%s breaks %zu invariant(s) of the baseline", name, bad);
	}
	if (diag_warning_count(c->d) > 0)
		fail_msg("%s compiles with warnings:\n%s", what, log_text(c));
	return c->res.n_policies;
}

static void test_stock_files(void **state)
{
	(void)state;
	static const char *const patterns[] = {
	    CELL_SOURCE_DIR "/policies/*.cell",
	    CELL_SOURCE_DIR "/policies/examples/*.cell",
	    CELL_SOURCE_DIR "/policies/examples/*.yaml",
	};
	size_t files = 0, policies = 0;
	for (size_t i = 0; i < sizeof(patterns) / sizeof(patterns[0]); i++) {
		glob_t g;
		if (glob(patterns[i], 0, NULL, &g) != 0)
			continue;
		for (size_t f = 0; f < g.gl_pathc; f++) {
			struct compiled c;
			compiled_open(&c);
			struct resolve_options opt = {0};
			c.rc = resolve_file(c.d, g.gl_pathv[f], &opt, &c.res);
			policies += check_stock(&c, g.gl_pathv[f]);
			compiled_close(&c);
			files++;
		}
		globfree(&g);
	}
	/* default.cell, demo.cell, demo.yaml, python-task.cell at least. */
	assert_true(files >= 4);
	assert_true(policies >= 4);
}

static void test_embedded_default(void **state)
{
	(void)state;
	const struct embedded_file *f = embedded_find(EMBEDDED_DEFAULT_PATH);
	assert_non_null(f);
	/* Its lib files are embedded too, hardening among them. */
	assert_non_null(embedded_find(EMBEDDED_PREFIX "lib/hardening.cell"));
	struct compiled c;
	compiled_open(&c);
	struct resolve_options opt = {0};
	c.rc = resolve_text(c.d, f->path, f->text, *f->len, &opt, &c.res);
	assert_int_equal(check_stock(&c, "the embedded default"), 1);
	compiled_close(&c);
}

/* The checker is not vacuous: base-syscalls without hardening breaks most of
 * the baseline (it allows @system-service: clone3, io_uring, setns, ...). */
static void test_checker_catches_a_missing_baseline(void **state)
{
	(void)state;
	static const char text[] = "include \"system.cell\"\n"
	                           "include \"base-syscalls.cell\"\n"
	                           "policy bare : system, base-syscalls { net host }\n";
	struct compiled c;
	compiled_open(&c);
	const char *dirs[] = {CELL_SOURCE_DIR "/policies/lib"};
	struct resolve_options opt = {.include_dirs = dirs, .n_include_dirs = 1};
	c.rc = resolve_text(c.d, CELL_SOURCE_DIR "/tests/unit/bare.cell", text, strlen(text), &opt,
	                    &c.res);
	assert_int_equal(c.rc, 0);
	const struct ir_policy *p = c.res.policies[0];
	assert_false(has_hardening(p));
	struct buf bpf;
	buf_init(&bpf);
	assert_int_equal(emit_seccomp_bpf(p, c.d, &bpf), 0);
	size_t bad = baseline_violations(NULL, p, &bpf);
	/* clone3 and 7 mount calls (EPERM, not ENOSYS), 2 clone, 2 unshare,
	 * setns, 4 ioctl, 3 io_uring, process_vm_*, 3 keyring, userfaultfd,
	 * 3 personality, 7 socket: 36. */
	assert_int_equal(bad, 36);
	assert_int_equal(harmless_refused("bare", p, &bpf), 0);
	buf_free(&bpf);
	compiled_close(&c);
}

/* hardening.cell's own test block, as `cell test` checks it. */
static void test_fragment_test_block(void **state)
{
	(void)state;
	struct compiled_file f;
	struct resolve_options opt = {0};
	char *log = NULL;
	size_t log_len = 0;
	FILE *out = open_memstream(&log, &log_len);
	int rc = compiled_file_load(CELL_SOURCE_DIR "/policies/lib/hardening.cell", &opt, out, &f);
	struct expect_counts counts = {0};
	for (size_t i = 0; rc == 0 && i < f.res.n_policies; i++)
		expect_check_policy(f.d, f.res.policies[i], &f.bpf[i], &counts);
	fclose(out);
	if (rc != 0 || counts.failed)
		fail_msg("hardening.cell: %zu failed:\n%s", counts.failed, log ? log : "");
	free(log);
	/* hardening itself and hardening-selftest, which holds the expectations. */
	assert_int_equal(f.res.n_policies, 2);
	assert_true(counts.passed >= 60);
	compiled_file_free(&f);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_stock_files),
	    cmocka_unit_test(test_embedded_default),
	    cmocka_unit_test(test_checker_catches_a_missing_baseline),
	    cmocka_unit_test(test_fragment_test_block),
	};
	int rc = cmocka_run_group_tests(tests, NULL, NULL);
	names_cleanup();
	return rc;
}

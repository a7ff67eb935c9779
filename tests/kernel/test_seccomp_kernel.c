/*
 * Kernel truth for the seccomp backend (compiler/emit_seccomp.h).
 *
 * For each policy: emit the BPF, load it in a forked child (NO_NEW_PRIVS,
 * then seccomp(SECCOMP_SET_MODE_FILTER)), make raw system calls and report
 * each result through a pipe. The parent compares every verdict with the
 * policy's first-match answer computed from the IR with ir_cond_eval(). A
 * child killed by the filter is replaced by a new one that carries on with
 * the next probe.
 *
 * Every probe is harmless even when the filter lets it through: bad file
 * descriptors, NULL pointers, getppid() whose arguments the kernel ignores
 * (but seccomp sees), sockets that are only created. Errno actions use values
 * the probed call cannot produce by itself, so "allowed" and "denied" never
 * look alike.
 *
 * The second half checks the backend's refusals and messages without loading
 * anything.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>
#include <fcntl.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <seccomp.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "diag.h"
#include "emit_seccomp.h"
#include "ir.h"
#include "util.h"

#define W32             0xffffffffULL
#define W64             UINT64_MAX
#define X32_SYSCALL_BIT 0x40000000L
#define I386_NR_GETPID  20 /* arch/x86/entry/syscalls/syscall_32.tbl */
#define SI_CODE_SECCOMP 1  /* SYS_SECCOMP in <asm-generic/siginfo.h>, clashes with glibc's */

static const struct ir_action ALLOW = {IR_ACTION_ALLOW, 0};
static const struct ir_action KILL = {IR_ACTION_KILL, 0};
static const struct ir_action TRAP = {IR_ACTION_TRAP, 0};
static const struct ir_action LOG = {IR_ACTION_LOG, 0};
static const struct src_loc noloc = {0};

static struct ir_action errno_action(uint16_t e)
{
	return (struct ir_action){IR_ACTION_ERRNO, e};
}

static struct ir_cond *cmp(unsigned arg, unsigned width, enum ir_cmp_op op, uint64_t mask,
                           uint64_t value)
{
	return ir_cond_cmp(arg, width, op, mask, value, noloc);
}

/* ---- policies ------------------------------------------------------------------- */

struct policy {
	struct ir_policy *ir;
	struct diag_ctx *d;
	FILE *stream;
	char *messages;
	size_t messages_len;
	const char *file;
	int next_line;
};

static void policy_start(struct policy *p, struct ir_action def)
{
	memset(p, 0, sizeof(*p));
	p->stream = open_memstream(&p->messages, &p->messages_len);
	assert_non_null(p->stream);
	p->d = diag_new(p->stream);
	p->file = diag_intern(p->d, "kernel.cell");
	p->ir = xcalloc(1, sizeof(*p->ir));
	p->ir->name = xstrdup("kernel-test");
	p->ir->loc = (struct src_loc){p->file, 1, 8, 1, 18};
	p->ir->syscalls.default_action = def;
	p->next_line = 2;
}

static void policy_add_arch(struct policy *p, uint32_t token, const char *name)
{
	p->ir->arches = xrealloc(p->ir->arches, (p->ir->n_arches + 1) * sizeof(*p->ir->arches));
	p->ir->arches[p->ir->n_arches++] = (struct ir_arch){token, xstrdup(name)};
}

static struct ir_rule *policy_add_rule(struct policy *p, const char *syscall,
                                       struct ir_action action, struct ir_cond *cond)
{
	struct ir_rule r;
	memset(&r, 0, sizeof(r));
	r.syscall = xstrdup(syscall);
	r.action = action;
	r.cond = cond;
	r.explicit_name = true;
	r.origin = IR_ORIGIN_POLICY;
	r.loc = (struct src_loc){p->file, p->next_line, 3, p->next_line, 9};
	p->next_line++;
	ir_add_rule(p->ir, r);
	return &p->ir->syscalls.rules[p->ir->syscalls.n_rules - 1];
}

/* What the child needs after the filter is in: reporting, trap handler
 * return, exit. Added last, so they never shadow a rule under test. */
static void policy_add_harness_rules(struct policy *p)
{
	static const char *const needed[] = {"write", "exit_group", "exit", "rt_sigreturn"};
	for (size_t i = 0; i < ARRAY_SIZE(needed); i++)
		policy_add_rule(p, needed[i], ALLOW, NULL);
}

static const char *policy_messages(struct policy *p)
{
	fflush(p->stream);
	return p->messages ? p->messages : "";
}

static void policy_end(struct policy *p)
{
	ir_policy_free(p->ir);
	diag_free(p->d);
	fclose(p->stream);
	free(p->messages);
}

static bool policy_has_arch(const struct ir_policy *p, uint32_t token)
{
	for (size_t i = 0; i < p->n_arches; i++)
		if (p->arches[i].token == token)
			return true;
	return false;
}

static void compile(struct policy *p, struct buf *bpf)
{
	buf_init(bpf);
	int rc = emit_seccomp_bpf(p->ir, p->d, bpf);
	if (rc != 0)
		print_error("emit_seccomp_bpf failed:\n%s", policy_messages(p));
	assert_int_equal(rc, 0);
	assert_true(bpf->len > 0 && bpf->len % sizeof(struct sock_filter) == 0);
}

/* ---- the reference -------------------------------------------------------------- */

static struct ir_action first_match(const struct ir_policy *p, const char *syscall,
                                    const uint64_t args[6])
{
	for (size_t i = 0; i < p->syscalls.n_rules; i++) {
		const struct ir_rule *r = &p->syscalls.rules[i];
		if (strcmp(r->syscall, syscall) != 0)
			continue;
		if (!r->cond || ir_cond_eval(r->cond, args))
			return r->action;
	}
	return p->syscalls.default_action;
}

enum verdict_kind { V_ALLOWED, V_ERRNO, V_TRAPPED, V_KILLED };

struct verdict {
	enum verdict_kind kind;
	int err; /* V_ERRNO: the errno; V_KILLED: the signal */
};

static struct verdict verdict_of(struct ir_action a)
{
	switch (a.kind) {
	case IR_ACTION_ALLOW:
	case IR_ACTION_LOG:
		return (struct verdict){V_ALLOWED, 0};
	case IR_ACTION_ERRNO:
		return (struct verdict){V_ERRNO, a.errno_value};
	case IR_ACTION_TRAP:
		return (struct verdict){V_TRAPPED, 0};
	case IR_ACTION_KILL:
		return (struct verdict){V_KILLED, SIGSYS};
	}
	return (struct verdict){V_KILLED, 0};
}

static const char *verdict_describe(struct verdict v, char *buf, size_t size)
{
	switch (v.kind) {
	case V_ALLOWED:
		snprintf(buf, size, "allowed");
		break;
	case V_ERRNO:
		snprintf(buf, size, "errno %d (%s)", v.err, strerror(v.err));
		break;
	case V_TRAPPED:
		snprintf(buf, size, "trapped (SIGSYS delivered)");
		break;
	case V_KILLED:
		snprintf(buf, size, "killed by signal %d", v.err);
		break;
	}
	return buf;
}

/* ---- probes in a filtered child ------------------------------------------------- */

struct probe {
	const char *syscall; /* name for the reference */
	long nr;             /* number for syscall(2) or int $0x80 */
	bool int80;          /* through the i386 entry point */
	uint64_t args[6];
};

struct report {
	uint32_t index;
	int32_t trapped;
	int64_t ret;
	int32_t err;
};

#define REPORT_LOAD_FAILED UINT32_MAX

static volatile sig_atomic_t trapped;

static void on_sigsys(int sig, siginfo_t *info, void *context)
{
	(void)sig;
	(void)context;
	if (info->si_code == SI_CODE_SECCOMP)
		trapped = 1;
}

static long int80_syscall(long nr, uint64_t a0, uint64_t a1)
{
	long ret;
	__asm__ volatile("int $0x80"
	                 : "=a"(ret)
	                 : "a"(nr), "b"(a0), "c"(a1)
	                 : "memory", "cc", "r8", "r9", "r10", "r11");
	int value = (int)ret; /* the i386 ABI returns in eax */
	if (value < 0 && value > -4096) {
		errno = -value;
		return -1;
	}
	return value;
}

static long run_one(const struct probe *pr)
{
	if (pr->int80)
		return int80_syscall(pr->nr, pr->args[0], pr->args[1]);
	return syscall(pr->nr, pr->args[0], pr->args[1], pr->args[2], pr->args[3], pr->args[4],
	               pr->args[5]);
}

/* After the filter is in, leave with the bare system call. Not declared
 * noreturn on purpose: AddressSanitizer runs a hook before every noreturn
 * call (and inside _exit), and that hook makes system calls (sigaltstack,
 * mmap, gettid) the filter under test may deny. */
static void child_exit(int status)
{
	syscall(SYS_exit_group, status);
}

static void write_report(int fd, const struct report *r)
{
	const char *p = (const char *)r;
	size_t left = sizeof(*r);
	while (left > 0) {
		ssize_t n = write(fd, p, left);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			child_exit(3);
		p += n;
		left -= (size_t)n;
	}
}

static int load_filter(const struct buf *bpf)
{
	struct sock_fprog prog = {
	    .len = (unsigned short)(bpf->len / sizeof(struct sock_filter)),
	    .filter = (struct sock_filter *)bpf->data,
	};
	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0)
		return -1;
	return (int)syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, 0, &prog);
}

/* In the child: no core files for the kills to come, a SIGSYS handler for
 * traps, the filter, then the probes from `first` on. */
static void child_run(int fd, const struct buf *bpf, const struct probe *probes, size_t first,
                      size_t n)
{
	struct rlimit no_core = {0, 0};
	setrlimit(RLIMIT_CORE, &no_core);
	prctl(PR_SET_DUMPABLE, 0, 0, 0, 0);
	struct sigaction sa;
	memset(&sa, 0, sizeof(sa));
	sa.sa_sigaction = on_sigsys;
	sa.sa_flags = SA_SIGINFO;
	sigaction(SIGSYS, &sa, NULL);
	if (bpf && load_filter(bpf) != 0) {
		struct report r = {REPORT_LOAD_FAILED, 0, -1, errno};
		write_report(fd, &r);
		_exit(2);
	}
	for (size_t i = first; i < n; i++) {
		trapped = 0;
		errno = 0;
		long ret = run_one(&probes[i]);
		struct report r = {(uint32_t)i, trapped, ret, errno};
		write_report(fd, &r);
	}
	child_exit(0);
}

struct observed {
	bool done;
	bool killed;
	int signal;
	struct report report;
};

/* Runs the probes under the filter (none when bpf is NULL), each child
 * carrying on after the probe that killed the previous one. */
static void run_probes(const struct buf *bpf, const struct probe *probes, size_t n,
                       struct observed *out)
{
	memset(out, 0, n * sizeof(*out));
	size_t next = 0;
	while (next < n) {
		int fds[2];
		assert_int_equal(pipe2(fds, O_CLOEXEC), 0);
		fflush(NULL);
		pid_t pid = fork();
		assert_true(pid >= 0);
		if (pid == 0) {
			close(fds[0]);
			child_run(fds[1], bpf, probes, next, n);
			child_exit(4); /* not reached: child_run() always exits */
		}
		close(fds[1]);
		struct report r;
		ssize_t got;
		size_t last_done = next;
		bool any = false;
		while ((got = read(fds[0], &r, sizeof(r))) == (ssize_t)sizeof(r)) {
			if (r.index == REPORT_LOAD_FAILED) {
				print_error("the child could not load the filter: %s\n",
				            strerror(r.err));
				fail();
			}
			assert_true(r.index < n);
			out[r.index] = (struct observed){.done = true, .report = r};
			last_done = r.index;
			any = true;
		}
		close(fds[0]);
		int status;
		assert_int_equal(waitpid(pid, &status, 0), pid);
		if (WIFSIGNALED(status)) {
			size_t victim = any ? last_done + 1 : next;
			assert_true(victim < n);
			out[victim] = (struct observed){
			    .done = true, .killed = true, .signal = WTERMSIG(status)};
			next = victim + 1;
		} else {
			assert_true(WIFEXITED(status) && WEXITSTATUS(status) == 0);
			next = n;
		}
	}
}

static bool policy_uses_errno(const struct ir_policy *p, int err)
{
	if (p->syscalls.default_action.kind == IR_ACTION_ERRNO &&
	    p->syscalls.default_action.errno_value == err)
		return true;
	for (size_t i = 0; i < p->syscalls.n_rules; i++) {
		struct ir_action a = p->syscalls.rules[i].action;
		if (a.kind == IR_ACTION_ERRNO && a.errno_value == err)
			return true;
	}
	return false;
}

static struct verdict classify(const struct ir_policy *p, const struct observed *o)
{
	if (o->killed)
		return (struct verdict){V_KILLED, o->signal};
	if (o->report.trapped)
		return (struct verdict){V_TRAPPED, 0};
	if (o->report.ret == -1 && policy_uses_errno(p, o->report.err))
		return (struct verdict){V_ERRNO, o->report.err};
	return (struct verdict){V_ALLOWED, 0};
}

/* The first-match answer for a probe. The i386 entry point is a foreign
 * architecture unless the policy lists x86; when listed, an argument there
 * is its low 32 bits. */
static struct verdict expected(const struct ir_policy *p, const struct probe *pr)
{
	uint64_t args[6];
	memcpy(args, pr->args, sizeof(args));
	if (pr->int80) {
		if (!policy_has_arch(p, SCMP_ARCH_X86))
			return (struct verdict){V_KILLED, SIGSYS};
		for (unsigned i = 0; i < 6; i++)
			args[i] &= W32;
	}
	return verdict_of(first_match(p, pr->syscall, args));
}

static bool verdicts_equal(struct verdict a, struct verdict b)
{
	return a.kind == b.kind && (a.kind == V_ALLOWED || a.kind == V_TRAPPED || a.err == b.err);
}

/* Compiles the policy, runs the probes in the kernel and checks each verdict
 * against `want` (or the first-match reference when want is NULL). */
static void check_in_kernel(struct policy *p, const struct probe *probes, size_t n,
                            const struct verdict *want)
{
	struct buf bpf;
	compile(p, &bpf);
	struct observed *seen = xcalloc(n, sizeof(*seen));
	run_probes(&bpf, probes, n, seen);
	int mismatches = 0;
	for (size_t i = 0; i < n; i++) {
		assert_true(seen[i].done);
		struct verdict w = want ? want[i] : expected(p->ir, &probes[i]);
		struct verdict got = classify(p->ir, &seen[i]);
		if (verdicts_equal(w, got))
			continue;
		char a[64], b[64];
		print_error("%s%s(%#llx, %#llx, %#llx): expected %s, kernel said %s\n",
		            probes[i].int80 ? "int80 " : "", probes[i].syscall,
		            (unsigned long long)probes[i].args[0],
		            (unsigned long long)probes[i].args[1],
		            (unsigned long long)probes[i].args[2],
		            verdict_describe(w, a, sizeof(a)), verdict_describe(got, b, sizeof(b)));
		mismatches++;
	}
	free(seen);
	buf_free(&bpf);
	assert_int_equal(mismatches, 0);
}

static long nr_of(const char *name)
{
	int nr = seccomp_syscall_resolve_name(name);
	assert_true(nr >= 0);
	return nr;
}

static struct probe probe(const char *name, uint64_t a0, uint64_t a1, uint64_t a2)
{
	return (struct probe){name, nr_of(name), false, {a0, a1, a2, 0, 0, 0}};
}

static void policy_start_native(struct policy *p, struct ir_action def)
{
	policy_start(p, def);
	policy_add_arch(p, SCMP_ARCH_X86_64, "x86_64");
}

/* ---- representative policies ----------------------------------------------------- */

#define BAD_FD ((uint64_t)-1)

static void check_tiocsti_policy(struct ir_action def)
{
	struct policy p;
	policy_start_native(&p, def);
	policy_add_rule(&p, "ioctl", errno_action(EPERM), cmp(1, 32, IR_CMP_EQ, W32, TIOCSTI));
	policy_add_rule(&p, "ioctl", ALLOW, NULL);
	policy_add_harness_rules(&p);
	const struct probe probes[] = {
	    probe("ioctl", BAD_FD, TIOCSTI, 0),
	    probe("ioctl", BAD_FD, 0xdeadbeef00000000ULL | TIOCSTI, 0),
	    probe("ioctl", BAD_FD, 0x100000000ULL | TIOCSTI, 0),
	    probe("ioctl", BAD_FD, TIOCSTI + 1, 0),
	    probe("ioctl", BAD_FD, TIOCSTI - 1, 0),
	    probe("ioctl", BAD_FD, TCGETS, 0),
	    probe("ioctl", BAD_FD, TIOCLINUX, 0),
	    probe("ioctl", BAD_FD, 0x5412000000000000ULL, 0),
	    probe("getuid", 0, 0, 0),
	};
	/* Not only the reference: the point of the exercise, spelt out. */
	assert_int_equal(expected(p.ir, &probes[0]).kind, V_ERRNO);
	assert_int_equal(expected(p.ir, &probes[1]).kind, V_ERRNO);
	assert_int_equal(expected(p.ir, &probes[5]).kind, V_ALLOWED);
	check_in_kernel(&p, probes, ARRAY_SIZE(probes), NULL);
	policy_end(&p);
}

static void test_tiocsti_is_denied_before_ioctl_is_allowed(void **state)
{
	(void)state;
	check_tiocsti_policy(errno_action(ENOSYS));
	/* With the deny being the default, only the allow region is emitted: 32
	 * prefix pieces that together are "cmd's low half is not TIOCSTI". */
	check_tiocsti_policy(errno_action(EPERM));
}

static void test_socket_only_af_unix(void **state)
{
	(void)state;
	struct policy p;
	policy_start_native(&p, errno_action(EPERM));
	policy_add_rule(&p, "socket", ALLOW, cmp(0, 32, IR_CMP_EQ, W32, AF_UNIX));
	policy_add_harness_rules(&p);
	const struct probe probes[] = {
	    probe("socket", AF_UNIX, SOCK_STREAM, 0),
	    probe("socket", AF_INET, SOCK_STREAM, 0),
	    probe("socket", AF_INET6, SOCK_DGRAM, 0),
	    probe("socket", 0x500000000ULL | AF_UNIX, SOCK_DGRAM, 0),
	    probe("socket", 0x100000000ULL | AF_INET, SOCK_STREAM, 0),
	    probe("socketpair", AF_UNIX, SOCK_STREAM, 0),
	};
	assert_int_equal(expected(p.ir, &probes[0]).kind, V_ALLOWED);
	assert_int_equal(expected(p.ir, &probes[1]).kind, V_ERRNO);
	check_in_kernel(&p, probes, ARRAY_SIZE(probes), NULL);
	policy_end(&p);
}

static void test_allow_if_then_kill(void **state)
{
	(void)state;
	struct policy p;
	policy_start_native(&p, errno_action(ENOSYS));
	policy_add_rule(&p, "prctl", ALLOW, cmp(0, 32, IR_CMP_EQ, W32, PR_GET_DUMPABLE));
	policy_add_rule(&p, "prctl", KILL, NULL);
	policy_add_harness_rules(&p);
	const struct probe probes[] = {
	    probe("prctl", PR_GET_DUMPABLE, 0, 0),
	    probe("prctl", PR_GET_NAME, 0, 0), /* NULL buffer: EFAULT, were it allowed */
	    probe("prctl", 0x700000000ULL | PR_GET_DUMPABLE, 0, 0),
	    probe("prctl", PR_GET_DUMPABLE + 1, 0, 0),
	    probe("getppid", 0, 0, 0),
	};
	assert_int_equal(expected(p.ir, &probes[1]).kind, V_KILLED);
	check_in_kernel(&p, probes, ARRAY_SIZE(probes), NULL);
	policy_end(&p);
}

static void test_three_actions_overlapping_on_two_arguments(void **state)
{
	(void)state;
	struct policy p;
	policy_start_native(&p, errno_action(ENOSYS));
	/* fcntl(-1, cmd, arg) is EBADF whenever it gets through. The rules
	 * overlap pairwise: (F_GETFD, 7) is in the first two, F_GETFL with
	 * 0x100000000 in the second and third, 0x400-ish commands with
	 * 0x500000005 in the third and fourth. */
	policy_add_rule(&p, "fcntl", errno_action(EDOM),
	                ir_cond_binary(IR_COND_AND, cmp(1, 32, IR_CMP_EQ, W32, F_GETFD),
	                               cmp(2, 64, IR_CMP_EQ, W64, 7), noloc));
	policy_add_rule(&p, "fcntl", TRAP,
	                ir_cond_binary(IR_COND_OR, cmp(1, 32, IR_CMP_EQ, W32, F_GETFD),
	                               cmp(2, 64, IR_CMP_EQ, W64, 0x100000000ULL), noloc));
	policy_add_rule(&p, "fcntl", ALLOW, cmp(1, 32, IR_CMP_EQ, 0xff00, 0x400));
	policy_add_rule(&p, "fcntl", errno_action(ERANGE),
	                cmp(2, 64, IR_CMP_EQ, W64, 0x500000005ULL));
	policy_add_rule(&p, "fcntl", LOG, cmp(1, 32, IR_CMP_EQ, W32, F_GETFL));
	policy_add_harness_rules(&p);
	const uint64_t cmds[] = {F_GETFD,
	                         F_SETFD,
	                         F_GETFL,
	                         F_GETPIPE_SZ,
	                         F_ADD_SEALS,
	                         0x4ff,
	                         0x500,
	                         0x100000000ULL | F_GETFD,
	                         0xffffffff00000000ULL | F_GETPIPE_SZ};
	const uint64_t vals[] = {0, 7, 0x100000007ULL, 0x100000000ULL, 0x500000005ULL, 5, W64};
	struct probe probes[ARRAY_SIZE(cmds) * ARRAY_SIZE(vals)];
	size_t n = 0;
	for (size_t i = 0; i < ARRAY_SIZE(cmds); i++)
		for (size_t j = 0; j < ARRAY_SIZE(vals); j++)
			probes[n++] = probe("fcntl", BAD_FD, cmds[i], vals[j]);
	/* Each of the five actions and the default is someone's answer. */
	const enum verdict_kind kinds[] = {V_ERRNO, V_TRAPPED, V_ALLOWED};
	for (size_t k = 0; k < ARRAY_SIZE(kinds); k++) {
		bool seen = false;
		for (size_t i = 0; i < n; i++)
			seen = seen || expected(p.ir, &probes[i]).kind == kinds[k];
		assert_true(seen);
	}
	check_in_kernel(&p, probes, n, NULL);
	policy_end(&p);
}

static void test_ne_and_ranges_on_32_and_64_bits(void **state)
{
	(void)state;
	struct policy p;
	policy_start_native(&p, errno_action(ENOSYS));
	/* getppid ignores its arguments, but seccomp sees all six registers;
	 * getpgid and getsid on pids that cannot exist fail with ESRCH. */
	policy_add_rule(&p, "getppid", errno_action(ERANGE),
	                cmp(0, 64, IR_CMP_GT, W64, 0xfffffffeffffffffULL));
	policy_add_rule(&p, "getppid", errno_action(EDOM),
	                cmp(0, 64, IR_CMP_LT, W64, 0x80000005ULL));
	policy_add_rule(&p, "getppid", TRAP, cmp(0, 64, IR_CMP_LE, W64, 0x100000004ULL));
	policy_add_rule(&p, "getppid", ALLOW, NULL);
	policy_add_rule(&p, "getpgid", errno_action(EXFULL),
	                cmp(0, 32, IR_CMP_NE, W32, 0x7ffffffe));
	policy_add_rule(&p, "getpgid", ALLOW, NULL);
	policy_add_rule(&p, "getsid", errno_action(EDOM), cmp(0, 32, IR_CMP_GT, W32, 0x7ffffff0));
	policy_add_rule(&p, "getsid", ALLOW,
	                cmp(0, 64, IR_CMP_NE, W64, 0x100000000ULL | 0x7ffffff0));
	policy_add_harness_rules(&p);

	const uint64_t a0s[] = {0xfffffffeffffffffULL, 0xffffffff00000000ULL, 0x100000005ULL,
	                        0x7ffffff0ULL,         0x7ffffffeULL,         0x80000004ULL,
	                        0x80000005ULL,         0x80000006ULL,         0xffffffffULL,
	                        0x100000000ULL,        0x100000004ULL,        0x17ffffff0ULL,
	                        0x17ffffffeULL};
	const uint64_t a1s[] = {0xffffffff00000000ULL, 0xffffffff00000001ULL, 0, W64};
	struct probe probes[ARRAY_SIZE(a0s) * (ARRAY_SIZE(a1s) + 2)];
	size_t n = 0;
	for (size_t i = 0; i < ARRAY_SIZE(a0s); i++) {
		for (size_t j = 0; j < ARRAY_SIZE(a1s); j++)
			probes[n++] = probe("getppid", a0s[i], a1s[j], 0);
		probes[n++] = probe("getpgid", a0s[i], 0, 0);
		probes[n++] = probe("getsid", a0s[i], 0, 0);
	}
	check_in_kernel(&p, probes, n, NULL);
	policy_end(&p);
}

static void test_x32_syscalls_are_killed(void **state)
{
	(void)state;
	struct policy p;
	policy_start_native(&p, errno_action(ENOSYS));
	policy_add_rule(&p, "getpid", ALLOW, NULL);
	policy_add_harness_rules(&p);
	struct probe probes[] = {
	    probe("getpid", 0, 0, 0),
	    probe("getpid", 0, 0, 0),
	    probe("getuid", 0, 0, 0),
	};
	probes[1].nr |= X32_SYSCALL_BIT;
	/* The x32 answer is fixed by design, not by the rules: foreign ABIs die. */
	const struct verdict want[] = {
	    {V_ALLOWED, 0},
	    {V_KILLED, SIGSYS},
	    {V_ERRNO, ENOSYS},
	};
	check_in_kernel(&p, probes, ARRAY_SIZE(probes), want);
	policy_end(&p);
}

/* Whether this kernel runs i386 system calls from a 64-bit process at all
 * (CONFIG_IA32_EMULATION, ia32_emulation=). Tried in a child without filter. */
static bool int80_works(void)
{
	const struct probe getpid_int80 = {"getpid", I386_NR_GETPID, true, {0}};
	struct observed seen;
	run_probes(NULL, &getpid_int80, 1, &seen);
	return !seen.killed && seen.report.ret > 0;
}

static void test_i386_entry_is_a_foreign_architecture(void **state)
{
	(void)state;
	if (!int80_works()) {
		print_message("int $0x80 does not work on this kernel (no IA32 emulation); "
		              "skipping the i386 checks\n");
		skip();
	}
	const struct probe probes[] = {
	    {"getpid", I386_NR_GETPID, true, {0}},
	    {"getpid", I386_NR_GETPID, true, {7}},
	    {"getpid", I386_NR_GETPID, true, {0x100000000ULL}},
	    {"getpid", I386_NR_GETPID, true, {0x100000007ULL}},
	    probe("getpid", 0, 0, 0),
	    probe("getpid", 7, 0, 0),
	    probe("getpid", 0x100000000ULL, 0, 0),
	};

	/* x86_64 only: every i386 call dies, even one the rules allow. */
	struct policy p;
	policy_start_native(&p, errno_action(ENOSYS));
	policy_add_rule(&p, "getpid", errno_action(EDOM),
	                cmp(0, 64, IR_CMP_EQ, W64, 0x100000000ULL));
	policy_add_rule(&p, "getpid", errno_action(ERANGE), cmp(0, 64, IR_CMP_EQ, W64, 7));
	policy_add_rule(&p, "getpid", ALLOW, NULL);
	policy_add_harness_rules(&p);
	assert_int_equal(expected(p.ir, &probes[0]).kind, V_KILLED);
	check_in_kernel(&p, probes, ARRAY_SIZE(probes), NULL);

	/* With x86 listed, the same rules hold there on 32-bit arguments: the
	 * rule on 0x100000000 can never match (libseccomp alone would cut it to
	 * "arg0 == 0" and deny getpid(0)). */
	policy_add_arch(&p, SCMP_ARCH_X86, "x86");
	assert_int_equal(expected(p.ir, &probes[0]).kind, V_ALLOWED);
	assert_int_equal(expected(p.ir, &probes[3]).kind, V_ERRNO);
	check_in_kernel(&p, probes, ARRAY_SIZE(probes), NULL);
	policy_end(&p);
}

/* On x86, socket() is also socketcall(SYS_SOCKET, args): an unconditional
 * rule must hold on both entry points. The arguments of socketcall live in
 * memory below 4 GiB, where the i386 ABI can point. */
static void test_i386_socketcall_follows_socket_rules(void **state)
{
	(void)state;
	if (!int80_works()) {
		print_message("int $0x80 does not work on this kernel; skipping\n");
		skip();
	}
	uint32_t *args = mmap(NULL, 4096, PROT_READ | PROT_WRITE,
	                      MAP_PRIVATE | MAP_ANONYMOUS | MAP_32BIT, -1, 0);
	assert_true(args != MAP_FAILED);
	args[0] = AF_UNIX;
	args[1] = SOCK_STREAM;
	args[2] = 0;
	const long socketcall = seccomp_syscall_resolve_name_arch(SCMP_ARCH_X86, "socketcall");
	const long direct = 359; /* i386 socket(), syscall_32.tbl */
	assert_true(socketcall > 0);
	const struct probe probes[] = {
	    {"socketcall", socketcall, true, {1 /* SYS_SOCKET */, (uintptr_t)args}},
	    {"socketcall", socketcall, true, {2 /* SYS_BIND */, (uintptr_t)args}},
	    {"socket", direct, true, {AF_UNIX, SOCK_STREAM}},
	};
	const struct ir_action actions[] = {ALLOW, KILL};
	for (size_t k = 0; k < ARRAY_SIZE(actions); k++) {
		struct policy p;
		policy_start_native(&p, errno_action(ENOSYS));
		policy_add_arch(&p, SCMP_ARCH_X86, "x86");
		policy_add_rule(&p, "socket", actions[k], NULL);
		policy_add_harness_rules(&p);
		const struct verdict want[] = {
		    verdict_of(actions[k]),
		    {V_ERRNO, ENOSYS},
		    verdict_of(actions[k]),
		};
		check_in_kernel(&p, probes, ARRAY_SIZE(probes), want);
		policy_end(&p);
	}
	munmap(args, 4096);
}

/* ---- random policies -------------------------------------------------------------- */

struct rng {
	uint64_t state;
};

static uint64_t rng_next(struct rng *r)
{
	uint64_t z = (r->state += 0x9e3779b97f4a7c15ULL);
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

static unsigned rng_below(struct rng *r, unsigned n)
{
	return (unsigned)(rng_next(r) % n);
}

static const uint64_t constants[] = {0,
                                     1,
                                     2,
                                     5,
                                     7,
                                     0x7fffffffULL,
                                     0x80000000ULL,
                                     0xffffffffULL,
                                     0x100000000ULL,
                                     0x100000005ULL,
                                     0x500000005ULL,
                                     0xfffffffe00000003ULL,
                                     UINT64_MAX};

static unsigned random_width(unsigned arg)
{
	return arg == 1 ? 32 : 64;
}

static struct ir_cond *random_cond(struct rng *r, int depth)
{
	unsigned kind = depth > 0 ? rng_below(r, 6) : 0;
	if (kind == 3 || kind == 4)
		return ir_cond_binary(kind == 3 ? IR_COND_AND : IR_COND_OR,
		                      random_cond(r, depth - 1), random_cond(r, depth - 1), noloc);
	if (kind == 5)
		return ir_cond_not(random_cond(r, depth - 1), noloc);
	unsigned arg = rng_below(r, 3), width = random_width(arg);
	enum ir_cmp_op op = (enum ir_cmp_op)rng_below(r, 6);
	uint64_t mask = width == 32 ? W32 : W64;
	if (op <= IR_CMP_NE && rng_below(r, 3) == 0)
		mask = rng_below(r, 2) ? 0xff00000000ULL : 0xf0f0;
	return cmp(arg, width, op, mask, constants[rng_below(r, ARRAY_SIZE(constants))]);
}

static uint64_t random_arg(struct rng *r)
{
	uint64_t v = constants[rng_below(r, ARRAY_SIZE(constants))];
	switch (rng_below(r, 5)) {
	case 0:
		return v + 1;
	case 1:
		return v - 1;
	case 2:
		return v ^ (rng_next(r) << 32);
	case 3:
		return rng_next(r);
	default:
		return v;
	}
}

static void test_random_policies_agree_with_first_match(void **state)
{
	(void)state;
	const struct ir_action actions[] = {
	    ALLOW, errno_action(EDOM), errno_action(ERANGE), errno_action(EXFULL), TRAP, KILL};
	struct rng r = {0x5eccbeef};
	unsigned loaded = 0;
	for (unsigned round = 0; round < 150; round++) {
		struct policy p;
		policy_start_native(&p, rng_below(&r, 2) ? ALLOW : errno_action(ENOSYS));
		unsigned n_rules = 1 + rng_below(&r, 4);
		for (unsigned i = 0; i < n_rules; i++) {
			/* Kills cost a child each; keep them rare. */
			struct ir_action a = actions[rng_below(&r, ARRAY_SIZE(actions) - 1)];
			if (rng_below(&r, 24) == 0)
				a = KILL;
			policy_add_rule(&p, "getppid", a,
			                rng_below(&r, 5) ? random_cond(&r, 2) : NULL);
		}
		policy_add_harness_rules(&p);

		struct buf bpf;
		buf_init(&bpf);
		if (emit_seccomp_bpf(p.ir, p.d, &bpf) != 0) {
			/* Only the size limits may refuse a random policy. */
			assert_non_null(strstr(policy_messages(&p), "more than"));
			buf_free(&bpf);
			policy_end(&p);
			continue;
		}
		buf_free(&bpf);
		struct probe probes[120];
		for (size_t i = 0; i < ARRAY_SIZE(probes); i++)
			probes[i] =
			    probe("getppid", random_arg(&r), random_arg(&r), random_arg(&r));
		check_in_kernel(&p, probes, ARRAY_SIZE(probes), NULL);
		loaded++;
		policy_end(&p);
	}
	assert_true(loaded >= 125);
}

/* ---- the backend's refusals and messages (nothing loaded) ------------------------ */

static void test_missing_syscall_per_architecture(void **state)
{
	(void)state;
	struct policy p;
	struct buf out;
	buf_init(&out);

	/* Named directly, not optional: an error that suggests `optional`. */
	policy_start_native(&p, errno_action(EPERM));
	policy_add_arch(&p, SCMP_ARCH_X86, "x86");
	policy_add_rule(&p, "mmap2", ALLOW, NULL);
	assert_int_equal(emit_seccomp_bpf(p.ir, p.d, &out), -1);
	assert_int_equal(out.len, 0);
	assert_non_null(strstr(policy_messages(&p),
	                       "kernel.cell:2:3: error: syscall 'mmap2' does not exist on x86_64; "
	                       "write 'optional mmap2'"));
	policy_end(&p);

	/* Optional: skipped there, with a note naming it. */
	policy_start_native(&p, errno_action(EPERM));
	policy_add_arch(&p, SCMP_ARCH_X86, "x86");
	policy_add_rule(&p, "mmap2", ALLOW, NULL)->optional = true;
	policy_add_rule(&p, "getpid", ALLOW, NULL);
	assert_int_equal(emit_seccomp_bpf(p.ir, p.d, &out), 0);
	assert_true(out.len > 0);
	assert_int_equal(diag_error_count(p.d), 0);
	assert_non_null(strstr(policy_messages(&p),
	                       "note: on x86_64, these optional syscalls do not exist and get no "
	                       "rule: mmap2"));
	policy_end(&p);

	/* Through a group: skipped without a word. */
	policy_start_native(&p, errno_action(EPERM));
	policy_add_rule(&p, "mmap2", ALLOW, NULL)->explicit_name = false;
	policy_add_rule(&p, "getpid", ALLOW, NULL);
	buf_reset(&out);
	assert_int_equal(emit_seccomp_bpf(p.ir, p.d, &out), 0);
	assert_string_equal(policy_messages(&p), "");
	policy_end(&p);
	buf_free(&out);
}

static void test_x32_cannot_be_listed(void **state)
{
	(void)state;
	struct policy p;
	struct buf out;
	buf_init(&out);
	policy_start_native(&p, errno_action(EPERM));
	policy_add_arch(&p, SCMP_ARCH_X32, "x32");
	policy_add_rule(&p, "getpid", ALLOW, NULL);
	assert_int_equal(emit_seccomp_bpf(p.ir, p.d, &out), -1);
	assert_non_null(strstr(policy_messages(&p), "the x32 ABI is never allowed"));
	policy_end(&p);
	buf_free(&out);
}

static void test_condition_on_multiplexed_syscall_is_refused(void **state)
{
	(void)state;
	struct policy p;
	struct buf out;
	buf_init(&out);
	policy_start_native(&p, errno_action(EPERM));
	policy_add_arch(&p, SCMP_ARCH_X86, "x86");
	policy_add_rule(&p, "socket", ALLOW, cmp(0, 32, IR_CMP_EQ, W32, AF_UNIX));
	assert_int_equal(emit_seccomp_bpf(p.ir, p.d, &out), -1);
	assert_non_null(strstr(policy_messages(&p), "on x86, 'socket' can also be called through "
	                                            "socketcall(2)"));
	policy_end(&p);

	/* socketcall(2) itself allowed, socket() killed: one tree cannot say it. */
	policy_start_native(&p, errno_action(EPERM));
	policy_add_arch(&p, SCMP_ARCH_X86, "x86");
	policy_add_rule(&p, "socketcall", ALLOW, NULL)->optional = true;
	policy_add_rule(&p, "socket", KILL, NULL);
	assert_int_equal(emit_seccomp_bpf(p.ir, p.d, &out), -1);
	assert_non_null(strstr(policy_messages(&p), "gives socketcall(2) a different action"));
	policy_end(&p);

	/* Unconditional is fine: libseccomp covers socketcall(SYS_SOCKET) too. */
	policy_start_native(&p, errno_action(EPERM));
	policy_add_arch(&p, SCMP_ARCH_X86, "x86");
	policy_add_rule(&p, "socket", ALLOW, NULL);
	assert_int_equal(emit_seccomp_pfc(p.ir, p.d, &out), 0);
	assert_non_null(strstr(buf_cstr(&out), "\"socketcall\""));
	policy_end(&p);
	buf_free(&out);
}

static void test_oversized_program_is_refused(void **state)
{
	(void)state;
	struct policy p;
	struct buf out;
	buf_init(&out);
	policy_start_native(&p, ALLOW);
	/* 700 rules of three 64-bit comparisons each: nothing for the lowering,
	 * but some 6 BPF instructions a rule, too long for the kernel. */
	for (uint64_t i = 0; i < 700; i++) {
		struct ir_cond *c = ir_cond_binary(
		    IR_COND_AND,
		    ir_cond_binary(IR_COND_AND, cmp(0, 64, IR_CMP_EQ, W64, 0x100000001ULL * i),
		                   cmp(1, 64, IR_CMP_EQ, W64, 0x300000001ULL * i + 7), noloc),
		    cmp(2, 64, IR_CMP_EQ, W64, 0x500000001ULL * i + 9), noloc);
		policy_add_rule(&p, "getppid", errno_action(EDOM), c);
	}
	assert_int_equal(emit_seccomp_bpf(p.ir, p.d, &out), -1);
	assert_int_equal(out.len, 0);
	assert_non_null(strstr(policy_messages(&p), "BPF instructions long; the kernel loads at "
	                                            "most 4096"));
	/* The listing still comes out, to see why. */
	assert_int_equal(emit_seccomp_pfc(p.ir, p.d, &out), 0);
	assert_true(out.len > 0);
	policy_end(&p);
	buf_free(&out);
}

static void test_pfc_shows_actions_and_foreign_architecture_kill(void **state)
{
	(void)state;
	struct policy p;
	struct buf out;
	buf_init(&out);
	policy_start_native(&p, errno_action(EPERM));
	policy_add_rule(&p, "ioctl", errno_action(EPERM), cmp(1, 32, IR_CMP_EQ, W32, TIOCSTI));
	policy_add_rule(&p, "ioctl", ALLOW, NULL);
	policy_add_rule(&p, "ptrace", KILL, NULL);
	assert_int_equal(emit_seccomp_pfc(p.ir, p.d, &out), 0);
	const char *pfc = buf_cstr(&out);
	assert_non_null(strstr(pfc, "filter for syscall \"ioctl\""));
	assert_non_null(strstr(pfc, "filter for syscall \"ptrace\""));
	assert_non_null(strstr(pfc, "action KILL_PROCESS;"));
	assert_non_null(strstr(pfc, "# invalid architecture action\naction KILL_PROCESS;"));
	assert_non_null(strstr(pfc, "action ERRNO(1);"));
	policy_end(&p);
	buf_free(&out);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_tiocsti_is_denied_before_ioctl_is_allowed),
	    cmocka_unit_test(test_socket_only_af_unix),
	    cmocka_unit_test(test_allow_if_then_kill),
	    cmocka_unit_test(test_three_actions_overlapping_on_two_arguments),
	    cmocka_unit_test(test_ne_and_ranges_on_32_and_64_bits),
	    cmocka_unit_test(test_x32_syscalls_are_killed),
	    cmocka_unit_test(test_i386_entry_is_a_foreign_architecture),
	    cmocka_unit_test(test_i386_socketcall_follows_socket_rules),
	    cmocka_unit_test(test_random_policies_agree_with_first_match),
	    cmocka_unit_test(test_missing_syscall_per_architecture),
	    cmocka_unit_test(test_x32_cannot_be_listed),
	    cmocka_unit_test(test_condition_on_multiplexed_syscall_is_refused),
	    cmocka_unit_test(test_oversized_program_is_refused),
	    cmocka_unit_test(test_pfc_shows_actions_and_foreign_architecture_kill),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}

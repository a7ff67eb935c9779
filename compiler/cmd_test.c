/* cmd_test.c - `cell test`: expectations checked on the emitted filter (see cmd_test.h). */
#include "cmd_test.h"
#include "cli.h"
#include "emit_seccomp.h"
#include "names.h"

#include <errno.h>
#include <getopt.h>
#include <linux/audit.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

const char cmd_test_usage[] =
    "usage: cell test FILE [-p NAME] [-D NAME=VALUE]... [-I DIR]...\n"
    "\n"
    "Checks the expectations in the test blocks of every policy in FILE (or\n"
    "only NAME). Syscall expectations run the emitted seccomp program in a\n"
    "simulator, on every architecture the policy targets; fs and limit\n"
    "expectations are checked against the resolved policy.\n"
    "\n"
    "  -p, --policy NAME    test only policy NAME\n"
    "  -D, --define N=V     give param N the value V at compile time\n"
    "  -I, --include DIR    search DIR for included files\n"
    "  -h, --help           show this help\n"
    "\n"
    "The output ends with 'N passed, M failed'. Exit status: 0 every\n"
    "expectation holds, 1 one failed or the policy has errors, 2 usage.\n";

/* ---- compiling ---------------------------------------------------------------- */

int compiled_file_load(const char *path, const struct resolve_options *ro, FILE *diag_out,
                       struct compiled_file *out)
{
	memset(out, 0, sizeof(*out));
	out->d = diag_new(diag_out);
	if (access(path, R_OK) < 0) {
		fprintf(diag_out, "cell: cannot read '%s': %s\n", path, strerror(errno));
		return 2;
	}
	int rc = resolve_file(out->d, path, ro, &out->res);
	out->bpf = xcalloc(out->res.n_policies ? out->res.n_policies : 1, sizeof(*out->bpf));
	for (size_t i = 0; i < out->res.n_policies; i++)
		buf_init(&out->bpf[i]);
	for (size_t i = 0; rc == 0 && i < out->res.n_policies; i++)
		if (emit_seccomp_bpf(out->res.policies[i], out->d, &out->bpf[i]) < 0)
			rc = -1;
	if (diag_error_count(out->d) > 0) {
		int n = diag_error_count(out->d);
		fprintf(diag_out, "cell: %d error%s in %s\n", n, n == 1 ? "" : "s", path);
		return 1;
	}
	return 0;
}

void compiled_file_free(struct compiled_file *f)
{
	for (size_t i = 0; f->bpf && i < f->res.n_policies; i++)
		buf_free(&f->bpf[i]);
	free(f->bpf);
	resolve_result_free(&f->res);
	if (f->d)
		diag_free(f->d);
	memset(f, 0, sizeof(*f));
}

/* ---- syscall expectations ------------------------------------------------------- */

const struct ir_rule *expect_deciding_rule(const struct ir_policy *p, const char *syscall,
                                           const uint64_t args[6])
{
	for (size_t i = 0; i < p->syscalls.n_rules; i++) {
		const struct ir_rule *r = &p->syscalls.rules[i];
		if (strcmp(r->syscall, syscall) == 0 && (!r->cond || ir_cond_eval(r->cond, args)))
			return r;
	}
	return NULL;
}

const char *expect_describe_decider(const struct ir_policy *p, const struct ir_rule *rule,
                                    char *buf, size_t size)
{
	struct src_loc loc = rule ? rule->loc : p->syscalls.default_loc;
	const char *what = !rule                           ? "the default"
	                   : rule->origin == IR_ORIGIN_NET ? "the 'net none' setting"
	                                                   : "the rule";
	if (loc.line > 0 && loc.file)
		snprintf(buf, size, "%s at %s:%d", what, loc.file, loc.line);
	else if (!rule)
		snprintf(buf, size, "the built-in default");
	else
		snprintf(buf, size, "%s (implicit: no 'net' section)", what);
	return buf;
}

int expect_call_verdict(const struct ir_policy *p, const struct sock_filter *insns, size_t len,
                        uint32_t arch, const char *syscall, const uint64_t args[6],
                        struct call_verdict *out, char *why, size_t why_size)
{
	memset(out, 0, sizeof(*out));
	out->nr = names_syscall_nr(syscall, arch);
	if (out->nr < 0) {
		if (why)
			snprintf(why, why_size, "'%s' does not exist on %s", syscall,
			         names_arch_name(arch) ? names_arch_name(arch)
			                               : "this architecture");
		return -1;
	}
	/* A 32-bit ABI hands the filter zero-extended 32-bit registers. */
	uint64_t seen[6];
	for (int i = 0; i < 6; i++)
		seen[i] = (arch & __AUDIT_ARCH_64BIT) ? args[i] : (args[i] & 0xffffffffULL);
	struct seccomp_data sd = {.nr = out->nr, .arch = arch};
	memcpy(sd.args, seen, sizeof(sd.args));
	struct bpf_sim_problem problem;
	if (bpf_sim_run(insns, len, &sd, &out->sim, &problem) < 0) {
		if (why)
			snprintf(why, why_size, "the emitted program is invalid: %s",
			         problem.message);
		return -1;
	}
	out->cacheable = bpf_sim_cacheable(insns, len, out->nr, arch);
	out->rule = expect_deciding_rule(p, syscall, seen);
	return 0;
}

/* One syscall expectation, on every architecture it applies to. */
static bool check_syscall(struct diag_ctx *d, const struct ir_policy *p, const struct ir_test *t,
                          const struct sock_filter *insns, size_t len)
{
	bool ok = true, checked = false;
	char why[256] = "";
	for (size_t i = 0; i < p->n_arches; i++) {
		uint32_t arch = p->arches[i].token;
		if (t->arch && t->arch != arch)
			continue;
		struct call_verdict v;
		if (expect_call_verdict(p, insns, len, arch, t->syscall, t->args, &v, why,
		                        sizeof(why)) < 0) {
			if (names_syscall_nr(t->syscall, arch) >= 0) {
				diag_error(d, t->loc, "%s", why);
				return false;
			}
			continue;
		}
		checked = true;
		struct ir_action got;
		if (bpf_sim_ir_action(v.sim.ret, &got) && ir_action_equal(got, t->action))
			continue;
		char want_text[64], got_text[64], decider[256], where[64] = "";
		if (p->n_arches > 1)
			snprintf(where, sizeof(where), " on %s", p->arches[i].name);
		diag_error(d, t->loc, "expected %s, got %s%s (decided by %s)",
		           ir_action_describe(t->action, want_text, sizeof(want_text)),
		           bpf_sim_describe(v.sim.ret, got_text, sizeof(got_text)), where,
		           expect_describe_decider(p, v.rule, decider, sizeof(decider)));
		ok = false;
	}
	if (!checked && ok) {
		diag_error(d, t->loc, "%s: nothing to test on the architectures of policy '%s'",
		           why, p->name);
		return false;
	}
	return ok;
}

/* ---- filesystem expectations ------------------------------------------------------ */

/* `path` without trailing slashes ("/" stays "/"), as a length. */
static size_t trimmed_len(const char *path)
{
	size_t n = strlen(path);
	while (n > 1 && path[n - 1] == '/')
		n--;
	return n;
}

/* Is `mount` (a sandbox path) `path` itself or one of its ancestors? */
static bool covers(const char *mount, const char *path)
{
	size_t m = trimmed_len(mount), n = trimmed_len(path);
	if (m == 1 && mount[0] == '/')
		return true;
	return m <= n && strncmp(mount, path, m) == 0 && (m == n || path[m] == '/');
}

static bool is_mount(enum ir_fs_kind kind)
{
	return kind != IR_FS_DIR && kind != IR_FS_FILE && kind != IR_FS_SYMLINK;
}

struct fs_view expect_fs_view(const struct ir_policy *p, const char *path)
{
	struct fs_view v = {0};
	for (size_t i = p->fs.n_ops; i-- > 0;) {
		const struct ir_fs_op *op = &p->fs.ops[i];
		bool exact = trimmed_len(op->dst) == trimmed_len(path) && covers(op->dst, path);
		if (!(is_mount(op->kind) ? covers(op->dst, path) : exact))
			continue;
		v.op = op;
		switch (op->kind) {
		case IR_FS_BIND_RO:
		case IR_FS_SYMLINK:
		case IR_FS_FILE:
			v.visible = true;
			break;
		case IR_FS_BIND_RW:
		case IR_FS_TMPFS:
		case IR_FS_DEV:
		case IR_FS_PROC:
		case IR_FS_DIR:
			v.visible = v.writable = true;
			break;
		case IR_FS_MASK:
			break;
		}
		return v;
	}
	/* No mount covers it: it exists only as a directory on the way to
	 * something mounted below it. */
	for (size_t i = 0; i < p->fs.n_ops; i++)
		if (covers(path, p->fs.ops[i].dst))
			v.visible = true;
	return v;
}

static bool fs_fact_holds(enum ir_fs_fact fact, struct fs_view v)
{
	switch (fact) {
	case IR_FS_HIDDEN:
		return !v.visible;
	case IR_FS_VISIBLE:
		return v.visible;
	case IR_FS_READONLY:
		return v.visible && !v.writable;
	case IR_FS_WRITABLE:
		return v.visible && v.writable;
	}
	return false;
}

static bool check_fs(struct diag_ctx *d, const struct ir_policy *p, const struct ir_test *t)
{
	struct fs_view v = expect_fs_view(p, t->path);
	if (fs_fact_holds(t->fact, v))
		return true;
	const char *state = !v.visible ? "hidden" : v.writable ? "writable" : "read-only";
	if (v.op && v.op->loc.line > 0)
		diag_error(
		    d, t->loc, "expected %s to be %s, but it is %s (decided by the mount at %s:%d)",
		    t->path, ir_fs_fact_name(t->fact), state, v.op->loc.file, v.op->loc.line);
	else
		diag_error(d, t->loc, "expected %s to be %s, but it is %s (no mount covers it)",
		           t->path, ir_fs_fact_name(t->fact), state);
	return false;
}

/* ---- limit expectations -------------------------------------------------------------- */

static void format_bytes(uint64_t v, char *buf, size_t size)
{
	static const char units[] = "KMGT";
	int unit = -1;
	while (unit < 3 && v >= 1024 && v % 1024 == 0) {
		v /= 1024;
		unit++;
	}
	if (unit < 0)
		snprintf(buf, size, "%llu", (unsigned long long)v);
	else
		snprintf(buf, size, "%llu%c", (unsigned long long)v, units[unit]);
}

const char *expect_format_limit(enum ir_limit_kind kind, const struct ir_limit *l, char *buf,
                                size_t size)
{
	if (!l->set) {
		snprintf(buf, size, "none");
		return buf;
	}
	if (l->infinite) {
		snprintf(buf, size, "infinity");
		return buf;
	}
	unsigned long long v = (unsigned long long)l->value;
	switch (kind) {
	case IR_LIMIT_MEMORY:
	case IR_LIMIT_FSIZE:
		format_bytes(l->value, buf, size);
		break;
	case IR_LIMIT_TIME:
		if (v % 1000 == 0)
			snprintf(buf, size, "%llus", v / 1000);
		else
			snprintf(buf, size, "%llums", v);
		break;
	case IR_LIMIT_CPU:
		if (v % 1000 == 0)
			snprintf(buf, size, "%llu", v / 1000);
		else
			snprintf(buf, size, "%llu.%03llu", v / 1000, v % 1000);
		break;
	case IR_LIMIT_PIDS:
	case IR_LIMIT_NOFILE:
		snprintf(buf, size, "%llu", v);
		break;
	}
	return buf;
}

static bool limits_equal(const struct ir_limit *a, const struct ir_limit *b)
{
	if (a->set != b->set)
		return false;
	if (!a->set)
		return true;
	if (a->infinite != b->infinite)
		return false;
	return a->infinite || a->value == b->value;
}

static bool check_limit(struct diag_ctx *d, const struct ir_policy *p, const struct ir_test *t)
{
	const struct ir_limit *actual = ir_limits_get(&p->limits, t->limit);
	if (limits_equal(actual, &t->expected))
		return true;
	char want[48], got[48];
	expect_format_limit(t->limit, &t->expected, want, sizeof(want));
	expect_format_limit(t->limit, actual, got, sizeof(got));
	if (actual->set && actual->loc.line > 0)
		diag_error(d, t->loc, "expected %s %s, got %s (set at %s:%d)",
		           ir_limit_name(t->limit), want, got, actual->loc.file, actual->loc.line);
	else
		diag_error(d, t->loc, "expected %s %s, got %s", ir_limit_name(t->limit), want, got);
	return false;
}

/* ---- driver ------------------------------------------------------------------------ */

void expect_check_policy(struct diag_ctx *d, const struct ir_policy *p, const struct buf *bpf,
                         struct expect_counts *counts)
{
	size_t len;
	const struct sock_filter *insns = bpf_sim_program(bpf->data, bpf->len, &len);
	for (size_t i = 0; i < p->n_tests; i++) {
		const struct ir_test *t = &p->tests[i];
		bool ok = false;
		switch (t->kind) {
		case IR_TEST_SYSCALL:
			ok = check_syscall(d, p, t, insns, len);
			break;
		case IR_TEST_FS:
			ok = check_fs(d, p, t);
			break;
		case IR_TEST_LIMIT:
			ok = check_limit(d, p, t);
			break;
		}
		if (ok)
			counts->passed++;
		else
			counts->failed++;
	}
}

int cmd_test(int argc, char **argv)
{
	static const struct option options[] = {
	    CLI_POLICY_LONGOPTS,
	    {"help", no_argument, NULL, 'h'},
	    {NULL, 0, NULL, 0},
	};
	struct cli_policy_args pa = {0};
	int c, rc = -1;
	optind = 1;
	while (rc < 0 &&
	       (c = getopt_long(argc, argv, CLI_POLICY_SHORTOPTS "h", options, NULL)) != -1) {
		if (cli_policy_option(&pa, c, optarg))
			continue;
		if (c == 'h') {
			fputs(cmd_test_usage, stdout);
			rc = 0;
		} else {
			fputs(cmd_test_usage, stderr);
			rc = 2;
		}
	}
	if (rc < 0 && argc - optind != 1) {
		fprintf(stderr, "cell: %s\n%s",
		        argc - optind ? "test takes one policy file" : "test needs a policy file",
		        cmd_test_usage);
		rc = 2;
	}
	if (rc < 0) {
		struct compiled_file f;
		rc = compiled_file_load(argv[optind], &pa.ro, stderr, &f);
		if (rc == 0) {
			struct expect_counts counts = {0};
			for (size_t i = 0; i < f.res.n_policies; i++)
				expect_check_policy(f.d, f.res.policies[i], &f.bpf[i], &counts);
			fflush(stderr);
			printf("%zu passed, %zu failed\n", counts.passed, counts.failed);
			fflush(stdout);
			rc = counts.failed ? 1 : 0;
		}
		compiled_file_free(&f);
		names_cleanup();
	}
	cli_policy_args_free(&pa);
	return rc;
}

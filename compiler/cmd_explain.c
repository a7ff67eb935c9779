/* cmd_explain.c - `cell explain` (see cmd_explain.h). */
#include "cmd_explain.h"
#include "cli.h"
#include "bpf_disasm.h"
#include "bpf_sim.h"
#include "cmd_test.h"
#include "explain_tier.h"
#include "names.h"
#include "quantity.h"
#include "syscall_mix.h"

#include <ctype.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

const char cmd_explain_usage[] =
    "usage: cell explain FILE [-p NAME] [-D NAME=VALUE]... [-I DIR]... [--bpf]\n"
    "                    [--mix MIXFILE]... [CALL]...\n"
    "\n"
    "Explains what the compiled policy does. With CALLs (name or name(args),\n"
    "arguments numbers or constants joined with '|'), gives each one's verdict\n"
    "on every target architecture, the policy line that decided it, the\n"
    "instructions executed and whether the kernel's action cache serves it.\n"
    "Without CALL, summarises what the policy grants and how its filter\n"
    "performs over every syscall number.\n"
    "\n"
    "  -p, --policy NAME    explain only policy NAME\n"
    "  -D, --define N=V     give param N the value V at compile time\n"
    "  -I, --include DIR    search DIR for included files\n"
    "      --bpf            print the filter disassembled\n"
    "      --mix MIXFILE    instead of the summary, the filter's cost over a\n"
    "                       recorded syscall mix ('COUNT NAME' lines, as\n"
    "                       strace -c -U calls,name prints them)\n"
    "  -h, --help           show this help\n";

/* ---- CALL arguments ------------------------------------------------------------ */

static char *trim(char *s)
{
	while (isspace((unsigned char)*s))
		s++;
	size_t n = strlen(s);
	while (n && isspace((unsigned char)s[n - 1]))
		s[--n] = '\0';
	return s;
}

/* One term: a number (C notation, a leading '-' allowed) or a constant. */
static int parse_term(char *term, uint64_t *out, char *err, size_t err_size)
{
	term = trim(term);
	bool negative = term[0] == '-';
	const char *digits = negative ? term + 1 : term;
	char qerr[160];
	if (isdigit((unsigned char)digits[0])) {
		if (!quantity_parse(digits, QUANTITY_INTEGER, out, qerr, sizeof(qerr))) {
			snprintf(err, err_size, "%s", qerr);
			return -1;
		}
		if (negative)
			*out = -*out;
		return 0;
	}
	if (!negative && names_const_value(term, out))
		return 0;
	size_t n;
	const char *const *all = names_const_list(&n);
	const char *best = diag_suggest(term, all, n);
	snprintf(err, err_size, "unknown constant '%s'%s%s%s", term, best ? "; did you mean '" : "",
	         best ? best : "", best ? "'?" : "");
	return -1;
}

static int parse_arg(char *arg, uint64_t *out, char *err, size_t err_size)
{
	*out = 0;
	char *save = NULL;
	int terms = 0;
	for (char *t = strtok_r(arg, "|", &save); t; t = strtok_r(NULL, "|", &save), terms++) {
		uint64_t v;
		if (parse_term(t, &v, err, err_size) < 0)
			return -1;
		*out |= v;
	}
	if (terms == 0) {
		snprintf(err, err_size, "an empty argument");
		return -1;
	}
	return 0;
}

int explain_parse_call(const char *text, char **name, uint64_t args[6], char *err, size_t err_size)
{
	memset(args, 0, 6 * sizeof(args[0]));
	*name = NULL;
	char *copy = xstrdup(text);
	char *open = strchr(copy, '(');
	int rc = 0;
	if (open) {
		char *close = strrchr(open, ')');
		if (!close || trim(close + 1)[0] != '\0') {
			snprintf(err, err_size, "'%s': expected NAME(ARG, ...) with a closing ')'",
			         text);
			free(copy);
			return -1;
		}
		*open = *close = '\0';
		char *save = NULL;
		int n = 0;
		char *inner = trim(open + 1);
		for (char *a = inner[0] ? strtok_r(inner, ",", &save) : NULL; a && rc == 0;
		     a = strtok_r(NULL, ",", &save), n++) {
			if (n == 6) {
				snprintf(err, err_size, "'%s': a syscall has at most 6 arguments",
				         text);
				rc = -1;
			} else {
				rc = parse_arg(a, &args[n], err, err_size);
			}
		}
	}
	char *base = trim(copy);
	if (rc == 0 && !names_syscall_known(base)) {
		size_t n;
		const char *const *all = names_syscall_list(&n);
		const char *best = diag_suggest(base, all, n);
		snprintf(err, err_size, "unknown syscall '%s'%s%s%s", base,
		         best ? "; did you mean '" : "", best ? best : "", best ? "'?" : "");
		rc = -1;
	}
	if (rc == 0)
		*name = xstrdup(base);
	free(copy);
	return rc;
}

/* ---- one call --------------------------------------------------------------------- */

static void explain_call(const struct ir_policy *p, const struct buf *bpf, const char *call,
                         const char *name, const uint64_t args[6])
{
	size_t len;
	const struct sock_filter *insns = bpf_sim_program(bpf->data, bpf->len, &len);
	for (size_t i = 0; i < p->n_arches; i++) {
		struct call_verdict v;
		char why[256], action[64], decider[256];
		printf("%s on %s: ", call, p->arches[i].name);
		if (expect_call_verdict(p, insns, len, p->arches[i].token, name, args, &v, why,
		                        sizeof(why)) < 0) {
			printf("not checked: %s\n", why);
			continue;
		}
		printf("%s\n", bpf_sim_describe(v.sim.ret, action, sizeof(action)));
		printf("  decided by:   %s",
		       expect_describe_decider(p, v.rule, decider, sizeof(decider)));
		if (v.rule && v.rule->group)
			printf(" (via @%s)", v.rule->group);
		if (v.rule && v.rule->policy && p->n_lineage > 1)
			printf(" in policy %s", v.rule->policy);
		printf("\n  instructions: %zu executed\n", v.sim.executed);
		printf("  action cache: %s\n",
		       v.cacheable ? "yes, the kernel allows it without running the filter"
		                   : "no, the filter runs on every call");
	}
}

/* ---- summary ------------------------------------------------------------------------ */

static void summarise_fs(const struct ir_policy *p)
{
	static const char *const kinds[] = {
	    [IR_FS_BIND_RO] = "read-only", [IR_FS_BIND_RW] = "writable",
	    [IR_FS_DEV] = "devices",       [IR_FS_PROC] = "procfs",
	    [IR_FS_TMPFS] = "tmpfs",       [IR_FS_SYMLINK] = "symlink",
	    [IR_FS_DIR] = "directory",     [IR_FS_FILE] = "file",
	    [IR_FS_MASK] = "hidden",
	};
	printf("filesystem (in mount order; anything else is hidden):\n");
	if (p->fs.n_ops == 0)
		printf("  nothing is mounted\n");
	for (size_t i = 0; i < p->fs.n_ops; i++) {
		const struct ir_fs_op *op = &p->fs.ops[i];
		printf("  %-28s %-10s", op->dst, kinds[op->kind]);
		if ((op->kind == IR_FS_BIND_RO || op->kind == IR_FS_BIND_RW) &&
		    strcmp(op->src, op->dst) != 0)
			printf(" from %s", op->src);
		if (op->kind == IR_FS_SYMLINK)
			printf(" -> %s", op->src);
		if (op->optional)
			printf(" (if present)");
		printf("\n");
	}
	if (p->fs.cwd)
		printf("  working directory: %s\n", p->fs.cwd);
}

static void summarise_net(const struct ir_policy *p)
{
	static const char *const modes[] = {
	    [IR_NET_NONE] = "none: own network namespace, Internet sockets refused",
	    [IR_NET_LOOPBACK] = "loopback: own network namespace with a private loopback",
	    [IR_NET_HOST] = "host: the host's network",
	};
	printf("network: %s\n", modes[p->net]);
}

/* Rules are listed one line per rule as written: consecutive IR rules from
 * one source rule (a group expanded) collapse into one line. */
static void summarise_rules(const struct ir_policy *p)
{
	char action[64];
	printf("syscalls (first match wins; otherwise %s):\n",
	       ir_action_describe(p->syscalls.default_action, action, sizeof(action)));
	for (size_t i = 0; i < p->syscalls.n_rules;) {
		const struct ir_rule *r = &p->syscalls.rules[i];
		size_t j = i + 1;
		while (j < p->syscalls.n_rules && p->syscalls.rules[j].loc.file == r->loc.file &&
		       p->syscalls.rules[j].loc.line == r->loc.line &&
		       p->syscalls.rules[j].loc.col == r->loc.col &&
		       ir_action_equal(p->syscalls.rules[j].action, r->action))
			j++;
		const char *verdict =
		    r->action.kind == IR_ACTION_ALLOW || r->action.kind == IR_ACTION_LOG
		        ? "allowed"
		        : "denied ";
		printf("  %s %-12s ", verdict,
		       ir_action_describe(r->action, action, sizeof(action)));
		if (r->group)
			printf("@%s (%zu syscalls)", r->group, j - i);
		else if (j - i > 1)
			printf("%s and %zu more", r->syscall, j - i - 1);
		else
			printf("%s", r->syscall);
		if (r->cond)
			printf(" if arguments match");
		if (r->loc.line > 0)
			printf("  [%s:%d]", r->loc.file, r->loc.line);
		if (r->origin == IR_ORIGIN_NET)
			printf("  [net none]");
		printf("\n");
		i = j;
	}
}

static void summarise_limits_params(const struct ir_policy *p)
{
	printf("limits:");
	bool any = false;
	for (int k = 0; k < IR_LIMIT_COUNT; k++) {
		const struct ir_limit *l = ir_limits_get(&p->limits, (enum ir_limit_kind)k);
		if (!l->set)
			continue;
		char value[48];
		printf(" %s %s%s", ir_limit_name((enum ir_limit_kind)k),
		       expect_format_limit((enum ir_limit_kind)k, l, value, sizeof(value)),
		       l->best_effort ? " (best effort)" : "");
		any = true;
	}
	printf("%s\n", any ? "" : " none");
	printf("params:");
	for (size_t i = 0; i < p->n_params; i++)
		printf(" %s%s", p->params[i].name, p->params[i].used_as_path ? " (a path)" : "");
	printf("%s\n", p->n_params ? "" : " none");
}

/* Mean and worst instructions over every syscall number of every target
 * architecture, arguments all zero, and how many the action cache serves. */
static void summarise_program(const struct ir_policy *p, const struct buf *bpf)
{
	size_t len;
	const struct sock_filter *insns = bpf_sim_program(bpf->data, bpf->len, &len);
	struct bpf_sim_problem problem;
	if (bpf_sim_validate(insns, len, &problem) < 0) {
		printf("program: %zu instructions, INVALID: %s\n", len, problem.message);
		return;
	}
	size_t calls = 0, total = 0, worst = 0, cached = 0;
	const char *worst_name = "";
	for (size_t a = 0; a < p->n_arches; a++) {
		uint32_t arch = p->arches[a].token;
		size_t n;
		const char *const *names = names_syscall_list(&n);
		for (size_t i = 0; i < n; i++) {
			int nr = names_syscall_nr(names[i], arch);
			if (nr < 0)
				continue;
			struct seccomp_data sd = {.nr = nr, .arch = arch};
			struct bpf_sim_result r;
			if (bpf_sim_run(insns, len, &sd, &r, NULL) < 0)
				continue;
			calls++;
			total += r.executed;
			if (r.executed > worst) {
				worst = r.executed;
				worst_name = names[i];
			}
			cached += bpf_sim_cacheable(insns, len, nr, arch);
		}
	}
	printf("program: %zu instructions\n", len);
	if (calls)
		printf("  over %zu syscalls: mean %.1f, worst %zu instructions (%s)\n", calls,
		       (double)total / (double)calls, worst, worst_name);
	printf("  action cache: %zu of %zu syscalls served without running the filter\n", cached,
	       calls);
}

static void summarise(const struct ir_policy *p, const struct buf *bpf)
{
	printf("policy %s", p->name);
	if (p->n_lineage > 1) {
		printf(" (inherits");
		for (size_t i = 1; i < p->n_lineage; i++)
			printf(" %s", p->lineage[i]);
		printf(")");
	}
	printf("\narchitectures:");
	for (size_t i = 0; i < p->n_arches; i++)
		printf(" %s", p->arches[i].name);
	printf(" (every other one, and x32, is killed)\n");
	summarise_fs(p);
	summarise_net(p);
	summarise_rules(p);
	summarise_limits_params(p);
	summarise_program(p, bpf);
	explain_tier(p, stdout);
}

/* ---- syscall mixes ------------------------------------------------------------------ */

struct mix_file {
	const char *path;
	struct syscall_mix mix;
};

static void print_mix_stats(const struct syscall_mix_stats *s)
{
	double cached = s->calls ? 100.0 * (double)s->cached_calls / (double)s->calls : 0.0;
	printf("%llu calls of %zu syscalls: mean %.1f, worst %zu (%s) instructions; ",
	       (unsigned long long)s->calls, s->syscalls, s->mean, s->worst, s->worst_name);
	printf("action cache: %.1f%% of calls (%zu of %zu syscalls), mean %.1f with it", cached,
	       s->cached_syscalls, s->syscalls, s->cached_mean);
	if (s->skipped)
		printf("; %zu syscalls (%llu calls) unknown here, skipped", s->skipped,
		       (unsigned long long)s->skipped_calls);
	printf("\n");
}

/* The program's cost over each mix, on every target architecture. */
static void explain_mixes(const struct ir_policy *p, const struct buf *bpf,
                          const struct mix_file *mixes, size_t n_mixes)
{
	size_t len;
	const struct sock_filter *insns = bpf_sim_program(bpf->data, bpf->len, &len);
	printf("policy %s: %zu instructions\n", p->name, len);
	for (size_t m = 0; m < n_mixes; m++)
		for (size_t a = 0; a < p->n_arches; a++) {
			struct syscall_mix_stats s;
			uint32_t arch = p->arches[a].token;
			printf("  mix %s on %s: ", mixes[m].path, p->arches[a].name);
			if (syscall_mix_stats(insns, len, arch, &mixes[m].mix, &s) < 0)
				printf("the program is invalid\n");
			else
				print_mix_stats(&s);
		}
}

/* ---- driver ----------------------------------------------------------------------- */

struct explain_args {
	struct cli_policy_args policy;
	bool bpf;
	const char *file;
	char **calls;
	size_t n_calls;
	struct mix_file *mixes;
	size_t n_mixes, mixes_cap;
};

/* Loads the mix at `path` into `a`; returns -1, or 2 after reporting why not. */
static int add_mix(struct explain_args *a, const char *path)
{
	char err[512];
	struct syscall_mix mix;
	if (syscall_mix_load(path, &mix, err, sizeof(err)) < 0) {
		fprintf(stderr, "cell: %s\n", err);
		return 2;
	}
	xgrow((void **)&a->mixes, &a->mixes_cap, a->n_mixes + 1, sizeof(*a->mixes));
	a->mixes[a->n_mixes++] = (struct mix_file){path, mix};
	return -1;
}

/* Returns -1 to go on, or an exit status. */
static int parse_args(int argc, char **argv, struct explain_args *a)
{
	enum { OPT_BPF = 256, OPT_MIX };
	static const struct option options[] = {
	    CLI_POLICY_LONGOPTS,
	    {"bpf", no_argument, NULL, OPT_BPF},
	    {"mix", required_argument, NULL, OPT_MIX},
	    {"help", no_argument, NULL, 'h'},
	    {NULL, 0, NULL, 0},
	};
	int c;
	optind = 1;
	while ((c = getopt_long(argc, argv, CLI_POLICY_SHORTOPTS "h", options, NULL)) != -1) {
		if (cli_policy_option(&a->policy, c, optarg))
			continue;
		switch (c) {
		case OPT_BPF:
			a->bpf = true;
			break;
		case OPT_MIX: {
			int rc = add_mix(a, optarg);
			if (rc >= 0)
				return rc;
			break;
		}
		case 'h':
			fputs(cmd_explain_usage, stdout);
			return 0;
		default:
			fputs(cmd_explain_usage, stderr);
			return 2;
		}
	}
	if (optind >= argc) {
		fprintf(stderr, "cell: explain needs a policy file\n%s", cmd_explain_usage);
		return 2;
	}
	a->file = argv[optind];
	a->calls = argv + optind + 1;
	a->n_calls = (size_t)(argc - optind - 1);
	return -1;
}

/* Every CALL is checked before anything is compiled or printed. */
static int check_calls(const struct explain_args *a)
{
	for (size_t c = 0; c < a->n_calls; c++) {
		char *name, err[256];
		uint64_t args[6];
		if (explain_parse_call(a->calls[c], &name, args, err, sizeof(err)) < 0) {
			fprintf(stderr, "cell: %s\n", err);
			return 2;
		}
		free(name);
	}
	return -1;
}

static int explain_file(const struct explain_args *a)
{
	int rc = check_calls(a);
	if (rc >= 0)
		return rc;
	struct compiled_file f;
	rc = compiled_file_load(a->file, &a->policy.ro, stderr, &f);
	for (size_t i = 0; rc == 0 && i < f.res.n_policies; i++) {
		const struct ir_policy *p = f.res.policies[i];
		if (i > 0)
			printf("\n");
		if (a->n_mixes > 0)
			explain_mixes(p, &f.bpf[i], a->mixes, a->n_mixes);
		else if (a->n_calls == 0)
			summarise(p, &f.bpf[i]);
		for (size_t c = 0; c < a->n_calls && rc == 0; c++) {
			char *name, err[256];
			uint64_t args[6];
			if (explain_parse_call(a->calls[c], &name, args, err, sizeof(err)) < 0) {
				fprintf(stderr, "cell: %s\n", err);
				rc = 2;
				break;
			}
			if (f.res.n_policies > 1 && c == 0)
				printf("policy %s:\n", p->name);
			explain_call(p, &f.bpf[i], a->calls[c], name, args);
			free(name);
		}
		if (rc == 0 && a->bpf) {
			size_t len;
			const struct sock_filter *insns =
			    bpf_sim_program(f.bpf[i].data, f.bpf[i].len, &len);
			struct buf listing;
			buf_init(&listing);
			bpf_disasm(insns, len, &listing);
			printf("\nBPF program of %s (%zu instructions):\n%s", p->name, len,
			       buf_cstr(&listing));
			buf_free(&listing);
		}
	}
	compiled_file_free(&f);
	return rc;
}

int cmd_explain(int argc, char **argv)
{
	struct explain_args a = {0};
	int rc = parse_args(argc, argv, &a);
	if (rc < 0)
		rc = explain_file(&a);
	fflush(stdout);
	cli_policy_args_free(&a.policy);
	for (size_t i = 0; i < a.n_mixes; i++)
		syscall_mix_free(&a.mixes[i].mix);
	free(a.mixes);
	names_cleanup();
	return rc;
}

/*
 * lint_syscalls.c - the system-call lint rules, CL001-CL019 (see lint.h and
 * docs/lint.md, which gives each rule's exact semantics).
 *
 * Every check reasons on the IR's first-match list, one syscall at a time,
 * with the same condition algebra the lowering uses (lower.h): a rule's
 * *region* is its condition minus the conditions of the rules before it, so
 * "the rule decides some call" is "its region is not empty", and "the rule
 * allows every call" is "the complement of its region is empty". Both are
 * exact. When a condition is too large to decide (LOWER_TOO_BIG), the check
 * says nothing about that rule rather than guess.
 *
 * A rule as written (`allow @system-service`) is many IR rules, one per
 * syscall, all with the target's location: findings are gathered per
 * location (a "site") so that each written rule is reported once.
 */
#include "lint.h"
#include "lower.h"
#include "names.h"
#include "util.h"

#include <stdlib.h>
#include <string.h>

#define HARDENING "hardening"

/* ---- conditions ------------------------------------------------------------------ */

/* A condition being built: `c` NULL means always, unless `never`. */
struct cx {
	struct ir_cond *c;
	bool never;
};

static const struct src_loc no_loc;

static struct cx cx_always(void)
{
	return (struct cx){NULL, false};
}

static struct cx cx_never(void)
{
	return (struct cx){NULL, true};
}

static struct cx cx_of(const struct ir_rule *r)
{
	return (struct cx){r->cond ? ir_cond_clone(r->cond) : NULL, false};
}

static struct cx cx_clone(const struct cx *a)
{
	return (struct cx){a->c ? ir_cond_clone(a->c) : NULL, a->never};
}

static void cx_free(struct cx a)
{
	if (a.c)
		ir_cond_free(a.c);
}

static struct cx cx_and(struct cx a, struct cx b)
{
	if (a.never || b.never) {
		cx_free(a);
		cx_free(b);
		return cx_never();
	}
	if (!a.c)
		return b;
	if (!b.c)
		return a;
	return (struct cx){ir_cond_binary(IR_COND_AND, a.c, b.c, no_loc), false};
}

static struct cx cx_or(struct cx a, struct cx b)
{
	if (a.never)
		return b;
	if (b.never)
		return a;
	if (!a.c || !b.c) {
		cx_free(a);
		cx_free(b);
		return cx_always();
	}
	return (struct cx){ir_cond_binary(IR_COND_OR, a.c, b.c, no_loc), false};
}

static struct cx cx_not(struct cx a)
{
	if (a.never)
		return cx_always();
	if (!a.c)
		return cx_never();
	return (struct cx){ir_cond_not(a.c, no_loc), false};
}

enum tri { NO, YES, UNKNOWN };

/* Lowers `a` into `d` (initialised by the caller). */
static enum lower_status cx_lower(const struct cx *a, struct lower_dnf *d)
{
	if (a->never) {
		d->n = 0;
		return LOWER_OK;
	}
	if (!a->c) {
		struct ir_cond *t = ir_cond_cmp(0, 64, IR_CMP_EQ, 0, 0, no_loc);
		enum lower_status st = lower_cond(t, d, NULL);
		ir_cond_free(t);
		return st;
	}
	return lower_cond(a->c, d, NULL);
}

static enum tri cx_empty(const struct cx *a)
{
	if (a->never)
		return YES;
	if (!a->c)
		return NO;
	struct lower_dnf d;
	lower_dnf_init(&d);
	enum tri t = cx_lower(a, &d) != LOWER_OK ? UNKNOWN : d.n == 0 ? YES : NO;
	lower_dnf_free(&d);
	return t;
}

/* ---- the rules of one syscall ------------------------------------------------------ */

/* The rules naming one syscall, in first-match order. */
struct span {
	const struct ir_policy *p;
	const char *name;
	const struct ir_rule **r;
	size_t n;
};

static int by_name_then_order(const void *a, const void *b)
{
	const struct ir_rule *const *x = a, *const *y = b;
	int c = strcmp((*x)->syscall, (*y)->syscall);
	return c ? c : (*x > *y) - (*x < *y);
}

/* All rules of `p`, grouped by syscall (rules are one array, so pointer order
 * is first-match order). A syscall that exists on none of the policy's
 * architectures (an optional group member: socketcall on x86_64) gets no
 * rule in any filter, so it is left out. */
struct spans {
	const struct ir_rule **all;
	struct span *v;
	size_t n;
};

static bool exists_on_target(const struct ir_policy *p, const char *name)
{
	for (size_t i = 0; i < p->n_arches; i++)
		if (names_syscall_nr(name, p->arches[i].token) >= 0)
			return true;
	return p->n_arches == 0;
}

static void spans_build(const struct ir_policy *p, struct spans *s)
{
	size_t n = p->syscalls.n_rules;
	s->all = xcalloc(n ? n : 1, sizeof(*s->all));
	s->v = xcalloc(n ? n : 1, sizeof(*s->v));
	s->n = 0;
	size_t kept = 0;
	for (size_t i = 0; i < n; i++)
		if (exists_on_target(p, p->syscalls.rules[i].syscall))
			s->all[kept++] = &p->syscalls.rules[i];
	n = kept;
	qsort(s->all, n, sizeof(*s->all), by_name_then_order);
	for (size_t i = 0; i < n;) {
		size_t j = i;
		while (j < n && strcmp(s->all[j]->syscall, s->all[i]->syscall) == 0)
			j++;
		s->v[s->n++] = (struct span){p, s->all[i]->syscall, &s->all[i], j - i};
		i = j;
	}
}

static void spans_free(struct spans *s)
{
	free(s->all);
	free(s->v);
}

static const struct span *span_find(const struct spans *s, const char *name)
{
	for (size_t i = 0; i < s->n; i++)
		if (strcmp(s->v[i].name, name) == 0)
			return &s->v[i];
	return NULL;
}

typedef bool (*rule_pred)(const struct ir_rule *earlier, const struct ir_rule *rule);

static bool any_rule(const struct ir_rule *earlier, const struct ir_rule *rule)
{
	(void)earlier, (void)rule;
	return true;
}

/* The calls rule k of the span decides, given the earlier rules `pred`
 * accepts: its condition minus theirs. */
static struct cx region(const struct span *s, size_t k, rule_pred pred)
{
	struct cx before = cx_never();
	for (size_t j = 0; j < k; j++)
		if (pred(s->r[j], s->r[k]))
			before = cx_or(before, cx_of(s->r[j]));
	return cx_and(cx_of(s->r[k]), cx_not(before));
}

static enum tri decides_some(const struct span *s, size_t k)
{
	struct cx reg = region(s, k, any_rule);
	enum tri t = cx_empty(&reg);
	cx_free(reg);
	return t == UNKNOWN ? UNKNOWN : t == YES ? NO : YES;
}

static bool allows(struct ir_action a)
{
	return a.kind == IR_ACTION_ALLOW || a.kind == IR_ACTION_LOG;
}

static bool from_hardening(const struct ir_rule *r)
{
	return r->policy && strcmp(r->policy, HARDENING) == 0;
}

/* ---- sites: a rule as written -------------------------------------------------------- */

struct site {
	const struct ir_rule *rule;  /* the first IR rule of the target */
	const struct ir_rule *other; /* a related rule for the message, or NULL */
	struct buf names;            /* syscalls, comma-separated */
	size_t n_names, n_rules, n_hits;
};

struct sites {
	struct site *v;
	size_t n, cap;
};

static bool same_target(const struct ir_rule *a, const struct ir_rule *b)
{
	return a->loc.line == b->loc.line && a->loc.col == b->loc.col &&
	       (a->loc.file == b->loc.file ||
	        (a->loc.file && b->loc.file && strcmp(a->loc.file, b->loc.file) == 0)) &&
	       ir_action_equal(a->action, b->action) && strcmp(a->policy, b->policy) == 0;
}

static struct site *site_of(struct sites *s, const struct ir_rule *r)
{
	for (size_t i = 0; i < s->n; i++)
		if (same_target(s->v[i].rule, r))
			return &s->v[i];
	xgrow((void **)&s->v, &s->cap, s->n + 1, sizeof(*s->v));
	struct site *site = &s->v[s->n++];
	memset(site, 0, sizeof(*site));
	site->rule = r;
	buf_init(&site->names);
	return site;
}

#define SITE_MAX_NAMES 8

static void site_add(struct site *site, const char *name, const struct ir_rule *other)
{
	if (!site->other)
		site->other = other;
	site->n_hits++;
	if (site->n_names++ < SITE_MAX_NAMES)
		buf_printf(&site->names, "%s%s", site->n_names > 1 ? ", " : "", name);
}

/* "a, b, c and 4 more" */
static const char *site_list(struct site *site)
{
	if (site->n_names > SITE_MAX_NAMES) {
		buf_printf(&site->names, " and %zu more", site->n_names - SITE_MAX_NAMES);
		site->n_names = SITE_MAX_NAMES;
	}
	return buf_cstr(&site->names);
}

static void sites_free(struct sites *s)
{
	for (size_t i = 0; i < s->n; i++)
		buf_free(&s->v[i].names);
	free(s->v);
}

/* "allow @system-service", "deny ptrace", as the rule was written. */
static char *rule_text(const struct ir_rule *r)
{
	char action[64];
	ir_action_describe(r->action, action, sizeof(action));
	if (r->action.kind == IR_ACTION_ERRNO)
		snprintf(action, sizeof(action), "deny");
	return r->group ? xasprintf("%s @%s", action, r->group)
	                : xasprintf("%s %s", action, r->syscall);
}

/* "policies/lib/hardening.cell:31" */
static char *where(const struct ir_rule *r)
{
	if (r->origin == IR_ORIGIN_NET)
		return r->loc.line
		           ? xasprintf("the 'net none' setting at %s:%d", r->loc.file, r->loc.line)
		           : xstrdup("the 'net none' setting (the default)");
	return xasprintf("the rule at %s:%d", r->loc.file ? r->loc.file : "?", r->loc.line);
}

/* ---- CL001 dangerous syscalls --------------------------------------------------------- */

/* Syscalls that are an escape or an exploit primitive whatever group they
 * come through. docs/lint.md lists them with the reasons. */
static const char *const dangerous_syscalls[] = {
    "ptrace",
    "process_vm_readv",
    "process_vm_writev",
    "pidfd_getfd",
    "bpf",
    "perf_event_open",
    "userfaultfd",
    "lookup_dcookie",
    "mount",
    "umount",
    "umount2",
    "pivot_root",
    "chroot",
    "fsopen",
    "fsconfig",
    "fsmount",
    "fspick",
    "move_mount",
    "open_tree",
    "mount_setattr",
    "unshare",
    "setns",
    "keyctl",
    "add_key",
    "request_key",
    "io_uring_setup",
    "io_uring_enter",
    "io_uring_register",
    "kexec_load",
    "kexec_file_load",
    "reboot",
    "init_module",
    "finit_module",
    "delete_module",
    "open_by_handle_at",
    "personality",
    "iopl",
    "ioperm",
    "swapon",
    "swapoff",
};

/* Groups that are dangerous as a whole: allowing one by name is flagged even
 * where its members would not be on their own (@privileged holds chown). */
static const char *const dangerous_groups[] = {
    "privileged", "debug", "mount",   "module",        "reboot",   "raw-io",
    "swap",       "clock", "keyring", "cpu-emulation", "obsolete",
};

static bool in_list(const char *name, const char *const *list, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (strcmp(list[i], name) == 0)
			return true;
	return false;
}

/* An earlier conditional rule of the baseline, or one with a written reason,
 * narrows the call deliberately: the allow after it is what is left. */
static bool reviewed_before(const struct span *s, size_t k)
{
	for (size_t j = 0; j < k; j++)
		if (s->r[j]->cond && (from_hardening(s->r[j]) || s->r[j]->reason))
			return true;
	return false;
}

static void check_dangerous(struct lint_ctx *ctx)
{
	const struct ir_policy *p = lint_policy(ctx);
	struct spans sp;
	spans_build(p, &sp);
	struct sites sites = {0};
	for (size_t i = 0; i < sp.n; i++) {
		const struct span *s = &sp.v[i];
		for (size_t k = 0; k < s->n; k++) {
			const struct ir_rule *r = s->r[k];
			bool bad_group = r->group && in_list(r->group, dangerous_groups,
			                                     ARRAY_SIZE(dangerous_groups));
			if (!allows(r->action) || r->reason || r->origin != IR_ORIGIN_POLICY)
				continue;
			if (!bad_group &&
			    !in_list(s->name, dangerous_syscalls, ARRAY_SIZE(dangerous_syscalls)))
				continue;
			if (decides_some(s, k) != YES || reviewed_before(s, k))
				continue;
			site_add(site_of(&sites, r), s->name, NULL);
		}
	}
	for (size_t i = 0; i < sites.n; i++) {
		struct site *site = &sites.v[i];
		const struct ir_rule *r = site->rule;
		char *text = rule_text(r);
		char *fix =
		    xasprintf("say why the task needs it (%s because \"...\"), or deny it", text);
		if (r->group && in_list(r->group, dangerous_groups, ARRAY_SIZE(dangerous_groups)))
			lint_report(ctx, "CL001", r->loc, r->policy, fix,
			            "'%s' allows a dangerous group without a reason (%s)", text,
			            site_list(site));
		else if (r->group)
			lint_report(ctx, "CL001", r->loc, r->policy, fix,
			            "'%s' allows dangerous syscalls without a reason: %s", text,
			            site_list(site));
		else
			lint_report(ctx, "CL001", r->loc, r->policy, fix,
			            "'%s' allows a dangerous syscall without a reason", text);
		free(fix);
		free(text);
	}
	sites_free(&sites);
	spans_free(&sp);
}

/* ---- CL002 permissive default ----------------------------------------------------------- */

static void check_default(struct lint_ctx *ctx)
{
	const struct ir_policy *p = lint_policy(ctx);
	struct ir_action a = p->syscalls.default_action;
	if (!allows(a) || p->syscalls.default_loc.line == 0)
		return;
	lint_report(ctx, "CL002", p->syscalls.default_loc, NULL, NULL,
	            "'default %s' allows every syscall no rule names, including those the "
	            "kernel adds later",
	            a.kind == IR_ACTION_LOG ? "log" : "allow");
}

/* ---- CL003 hardening baseline left out -------------------------------------------------- */

static bool allows_anything(const struct ir_policy *p)
{
	if (allows(p->syscalls.default_action))
		return true;
	for (size_t i = 0; i < p->syscalls.n_rules; i++)
		if (allows(p->syscalls.rules[i].action) &&
		    p->syscalls.rules[i].origin == IR_ORIGIN_POLICY)
			return true;
	return false;
}

static void check_baseline(struct lint_ctx *ctx)
{
	const struct ir_policy *p = lint_policy(ctx);
	for (size_t i = 0; i < p->n_lineage; i++)
		if (strcmp(p->lineage[i], HARDENING) == 0)
			return;
	if (!allows_anything(p))
		return;
	char *fix = xasprintf("include \"lib/hardening.cell\" and derive from it, listed before "
	                      "any base that allows broadly (policy %s : hardening, ...)",
	                      p->name);
	lint_report(ctx, "CL003", p->loc, p->name, fix,
	            "policy '%s' allows syscalls without the hardening baseline: no policy "
	            "named 'hardening' in its lineage",
	            p->name);
	free(fix);
}

/* ---- CL004 a hardening denial overridden ------------------------------------------------ */

static void check_overridden(struct lint_ctx *ctx)
{
	const struct ir_policy *p = lint_policy(ctx);
	struct spans sp;
	spans_build(p, &sp);
	struct sites sites = {0};
	for (size_t i = 0; i < sp.n; i++) {
		const struct span *s = &sp.v[i];
		for (size_t h = 0; h < s->n; h++) {
			if (!from_hardening(s->r[h]) || allows(s->r[h]->action))
				continue;
			for (size_t e = 0; e < h; e++) {
				const struct ir_rule *r = s->r[e];
				if (!allows(r->action) || from_hardening(r))
					continue;
				struct cx x = cx_and(region(s, e, any_rule), cx_of(s->r[h]));
				if (cx_empty(&x) == NO)
					site_add(site_of(&sites, r), s->name, s->r[h]);
				cx_free(x);
			}
		}
	}
	for (size_t i = 0; i < sites.n; i++) {
		struct site *site = &sites.v[i];
		char *text = rule_text(site->rule), *at = where(site->other);
		lint_report(ctx, "CL004", site->rule->loc, site->rule->policy, NULL,
		            "'%s' comes before the hardening baseline and allows calls it denies: "
		            "%s (first denied by %s)",
		            text, site_list(site), at);
		free(text);
		free(at);
	}
	sites_free(&sites);
	spans_free(&sp);
}

/* ---- CL005 ioctl, CL006 socket ------------------------------------------------------------- */

/* The calls of the span that do not end up allowed: the regions of the
 * rules that deny, and what falls through to a denying default. */
static struct cx not_allowed(const struct span *s)
{
	struct cx out = cx_never(), any = cx_never();
	for (size_t k = 0; k < s->n; k++) {
		if (!allows(s->r[k]->action))
			out = cx_or(out, region(s, k, any_rule));
		any = cx_or(any, cx_of(s->r[k]));
	}
	if (!allows(s->p->syscalls.default_action))
		return cx_or(out, cx_not(any));
	cx_free(any);
	return out;
}

/* The first rule that allows some call of the span, or NULL. */
static const struct ir_rule *first_allowing(const struct span *s)
{
	for (size_t k = 0; k < s->n; k++)
		if (allows(s->r[k]->action) && decides_some(s, k) == YES)
			return s->r[k];
	return NULL;
}

static void check_ioctl(struct lint_ctx *ctx)
{
	const struct ir_policy *p = lint_policy(ctx);
	struct spans sp;
	spans_build(p, &sp);
	const struct span *s = span_find(&sp, "ioctl");
	const struct ir_rule *r = s ? first_allowing(s) : NULL;
	if (r) {
		struct cx denied = not_allowed(s);
		if (cx_empty(&denied) == YES) {
			char *text = rule_text(r);
			lint_report(ctx, "CL005", r->loc, r->policy, NULL,
			            "'%s' allows ioctl whatever its request, TIOCSTI and TIOCLINUX "
			            "included",
			            text);
			free(text);
		}
		cx_free(denied);
	}
	spans_free(&sp);
}

/* An allow-list of families: the calls the region decides have at most
 * FAMILY_LIST_MAX values of socket's first argument (its low 32 bits, all
 * the kernel reads). The region's pieces are projected on that argument
 * (the other arguments split a family into several pieces) and each
 * distinct block counts 2^(its free bits): blocks that overlap count twice,
 * so the bound errs towards reporting. A list is not kept as single values:
 * the lowering merges AF_INET and AF_INET6, one bit apart. */
#define FAMILY_LIST_MAX 16

static enum tri family_listed(const struct cx *reg)
{
	struct lower_dnf d;
	lower_dnf_init(&d);
	if (cx_lower(reg, &d) != LOWER_OK) {
		lower_dnf_free(&d);
		return UNKNOWN;
	}
	uint64_t values = 0;
	for (size_t i = 0; i < d.n && values <= FAMILY_LIST_MAX; i++) {
		uint64_t mask = d.c[i].mask[0] & 0xffffffffULL, value = d.c[i].value[0] & mask;
		bool seen = false;
		for (size_t j = 0; j < i && !seen; j++)
			seen = (d.c[j].mask[0] & 0xffffffffULL) == mask &&
			       (d.c[j].value[0] & mask) == value;
		int free_bits = 32 - __builtin_popcountll(mask);
		if (!seen)
			values += free_bits > 5 ? FAMILY_LIST_MAX + 1 : 1ULL << free_bits;
	}
	lower_dnf_free(&d);
	return values > FAMILY_LIST_MAX ? NO : YES;
}

static void check_socket(struct lint_ctx *ctx)
{
	const struct ir_policy *p = lint_policy(ctx);
	if (p->net == IR_NET_NONE)
		return;
	const char *net = p->net == IR_NET_HOST ? "host" : "loopback";
	struct spans sp;
	spans_build(p, &sp);
	struct sites sites = {0};
	const struct span *s = span_find(&sp, "socket");
	for (size_t k = 0; s && k < s->n; k++) {
		if (!allows(s->r[k]->action))
			continue;
		struct cx reg = region(s, k, any_rule);
		if (cx_empty(&reg) == NO && family_listed(&reg) == NO)
			site_add(site_of(&sites, s->r[k]), "socket", NULL);
		cx_free(reg);
	}
	for (size_t i = 0; i < sites.n; i++) {
		char *text = rule_text(sites.v[i].rule);
		lint_report(ctx, "CL006", sites.v[i].rule->loc, sites.v[i].rule->policy, NULL,
		            "'%s' allows socket() without a list of address families, and the "
		            "network is '%s'",
		            text, net);
		free(text);
	}
	s = span_find(&sp, "socketcall");
	const struct ir_rule *r = s ? first_allowing(s) : NULL;
	if (r) {
		char *text = rule_text(r);
		lint_report(ctx, "CL006", r->loc, r->policy,
		            "deny socketcall: the C library falls back to socket(), whose family "
		            "a rule can check",
		            "'%s' allows socketcall, which hides socket()'s family from seccomp, "
		            "and the network is '%s'",
		            text, net);
		free(text);
	}
	sites_free(&sites);
	spans_free(&sp);
}

/* ---- CL007 rules that never match -------------------------------------------------------- */

/* A rule is judged against the earlier rules of its own policy (and the
 * 'net none' rule): rules of a derived policy that take over a base's are
 * the derived policy's intent, not a mistake in the base. */
static bool same_policy(const struct ir_rule *earlier, const struct ir_rule *rule)
{
	return earlier->origin == IR_ORIGIN_NET || strcmp(earlier->policy, rule->policy) == 0;
}

static bool cond_equal(const struct ir_cond *a, const struct ir_cond *b)
{
	if (!a || !b)
		return a == b;
	if (a->kind != b->kind)
		return false;
	if (a->kind == IR_COND_CMP)
		return a->arg == b->arg && a->width == b->width && a->op == b->op &&
		       a->mask == b->mask && a->value == b->value;
	return cond_equal(a->lhs, b->lhs) && cond_equal(a->rhs, b->rhs);
}

/* The earlier rule that covers rule k on its own, or NULL when it takes
 * several. */
static const struct ir_rule *coverer(const struct span *s, size_t k)
{
	for (size_t j = 0; j < k; j++) {
		if (!same_policy(s->r[j], s->r[k]))
			continue;
		struct cx rest = cx_and(cx_of(s->r[k]), cx_not(cx_of(s->r[j])));
		enum tri t = cx_empty(&rest);
		cx_free(rest);
		if (t == YES)
			return s->r[j];
	}
	return NULL;
}

static void report_dead(struct lint_ctx *ctx, const struct site *site)
{
	const struct ir_rule *r = site->rule, *by = site->other;
	char *text = rule_text(r);
	if (by && by->origin == IR_ORIGIN_POLICY && ir_action_equal(by->action, r->action) &&
	    cond_equal(by->cond, r->cond)) {
		char *at = where(by);
		lint_report(ctx, "CL007", r->loc, r->policy, "remove it",
		            "'%s' never matches: it repeats %s", text, at);
		free(at);
	} else if (by) {
		char *at = where(by);
		lint_report(ctx, "CL007", r->loc, r->policy, NULL,
		            "'%s' never matches: %s decides every call it would", text, at);
		free(at);
	} else {
		lint_report(ctx, "CL007", r->loc, r->policy, NULL,
		            "'%s' never matches: the earlier rules of policy '%s' decide every "
		            "call it would",
		            text, r->policy);
	}
	free(text);
}

static void check_unreachable(struct lint_ctx *ctx)
{
	const struct ir_policy *p = lint_policy(ctx);
	struct spans sp;
	spans_build(p, &sp);
	struct sites sites = {0};
	for (size_t i = 0; i < sp.n; i++) {
		const struct span *s = &sp.v[i];
		for (size_t k = 0; k < s->n; k++) {
			if (s->r[k]->origin != IR_ORIGIN_POLICY)
				continue;
			struct site *site = site_of(&sites, s->r[k]);
			site->n_rules++;
			struct cx reg = region(s, k, same_policy);
			if (cx_empty(&reg) == YES) {
				site->n_hits++;
				if (!site->other)
					site->other = coverer(s, k);
			}
			cx_free(reg);
		}
	}
	/* A group overlapping other rules is normal: only a target that never
	 * matches for any of its syscalls is dead. */
	for (size_t i = 0; i < sites.n; i++)
		if (sites.v[i].n_rules > 0 && sites.v[i].n_hits == sites.v[i].n_rules)
			report_dead(ctx, &sites.v[i]);
	sites_free(&sites);
	spans_free(&sp);
}

/* ---- CL008 a group re-allowing a base's denial ------------------------------------------- */

static void check_group_reallow(struct lint_ctx *ctx)
{
	const struct ir_policy *p = lint_policy(ctx);
	struct spans sp;
	spans_build(p, &sp);
	struct sites sites = {0};
	for (size_t i = 0; i < sp.n; i++) {
		const struct span *s = &sp.v[i];
		for (size_t k = 0; k < s->n; k++) {
			const struct ir_rule *g = s->r[k];
			if (!g->group || !allows(g->action) || g->origin != IR_ORIGIN_POLICY)
				continue;
			struct cx reg = region(s, k, any_rule);
			for (size_t j = k + 1; j < s->n; j++) {
				const struct ir_rule *d = s->r[j];
				if (allows(d->action) || from_hardening(d) ||
				    d->origin != IR_ORIGIN_POLICY ||
				    strcmp(d->policy, g->policy) == 0)
					continue;
				struct cx x = cx_and(cx_clone(&reg), cx_of(d));
				bool hit = cx_empty(&x) == NO;
				cx_free(x);
				if (hit) {
					site_add(site_of(&sites, g), s->name, d);
					break;
				}
			}
			cx_free(reg);
		}
	}
	for (size_t i = 0; i < sites.n; i++) {
		struct site *site = &sites.v[i];
		char *text = rule_text(site->rule), *at = where(site->other);
		lint_report(ctx, "CL008", site->rule->loc, site->rule->policy, NULL,
		            "'%s' re-allows what a base denies by an explicit rule: %s (first "
		            "denied by %s, of policy '%s')",
		            text, site_list(site), at, site->other->policy);
		free(text);
		free(at);
	}
	sites_free(&sites);
	spans_free(&sp);
}

/* ---- the table --------------------------------------------------------------------------------
 */

const struct lint_check lint_syscall_checks[] = {
    {
        .id = "CL001",
        .name = "dangerous-syscall",
        .severity = LINT_WARNING,
        .summary = "A dangerous syscall or group is allowed without a written reason",
        .why = "These calls are how sandboxed code gets out, or into the kernel's "
               "least-reviewed code: ptrace, process_vm_readv/writev and pidfd_getfd reach "
               "into other processes (CVE-2019-13272); bpf and perf_event_open expose the "
               "verifier and the perf core (CVE-2021-3490, CVE-2022-23222, CVE-2013-2094); "
               "userfaultfd lets a program pause the kernel in the middle of a copy, the "
               "usual way to win an exploit's race; the mount family, unshare and setns "
               "reach filesystem and namespace code written for root (CVE-2022-0185 went "
               "through fsconfig); keyctl and the keyring (CVE-2016-0728); io_uring, whose "
               "operations seccomp never sees (CVE-2022-29582, CVE-2023-2598); kexec, "
               "reboot and modules replace or extend the kernel; open_by_handle_at opens "
               "files by handle past the bind mounts (the 2014 \"shocker\" container "
               "escape); personality can switch ASLR off; iopl, ioperm, swapon, swapoff "
               "and lookup_dcookie administer the machine. Groups flagged as a whole: "
               "@privileged, @debug, @mount, @module, @reboot, @raw-io, @swap, @clock, "
               "@keyring, @cpu-emulation, @obsolete. The rule is flagged when it is the "
               "first match for some call of such a syscall, has no `because`, and no "
               "earlier rule with a condition from the hardening baseline or with a "
               "`because` narrows that syscall first (that narrowing is the review).",
        .example = "syscalls { allow ptrace }",
        .fix = "say why the task needs it: allow ptrace because \"the debugger under test "
               "traces its child\"; or deny it",
        .run = check_dangerous,
    },
    {
        .id = "CL002",
        .name = "permissive-default",
        .severity = LINT_WARNING,
        .summary = "The syscall default is allow or log",
        .why = "With `default allow` the filter is a deny-list: every syscall the author "
               "did not think of is allowed, and so is every one the kernel adds later "
               "(io_uring in 5.1, clone3 in 5.3, the new mount API in 5.2: CVE-2022-0185 "
               "was reached through fsconfig, which older deny-lists did not name). "
               "`default log` allows too; it only writes to the audit log. Allow-lists are "
               "what Docker, systemd and Flatpak ship for this reason.",
        .example = "syscalls { default allow  deny ptrace }",
        .fix = "default errno EPERM, and allow what the task needs (allow @system-service)",
        .run = check_default,
    },
    {
        .id = "CL003",
        .name = "hardening-missing",
        .severity = LINT_WARNING,
        .summary = "The policy allows syscalls without the hardening baseline",
        .why = "The baseline (policies/lib/hardening.cell) denies what no allow-list should "
               "let through by accident: TIOCSTI and TIOCLINUX terminal injection "
               "(CVE-2017-5226 in bubblewrap itself, CVE-2023-1523), new user namespaces "
               "(CVE-2022-0185), clone3 and the new mount API whose arguments seccomp cannot "
               "see, io_uring, ptrace, bpf, keyctl, kexec, modules, dangerous personality "
               "flags and raw or netlink sockets. A policy that allows any syscall (a rule "
               "or the default) and has no policy named `hardening` in its lineage gets "
               "none of it. A policy that allows nothing is not flagged.",
        .example = "policy task : system {\n  syscalls { default errno EPERM  allow "
                   "@system-service }\n}",
        .fix = "include \"lib/hardening.cell\" and derive from it, listed before any base "
               "that allows broadly: policy task : system, hardening, base-syscalls",
        .run = check_baseline,
    },
    {
        .id = "CL004",
        .name = "hardening-overridden",
        .severity = LINT_ERROR,
        .summary = "A rule before the hardening baseline allows a call the baseline denies",
        .why = "First match wins, and a policy's own rules (and those of bases listed "
               "before `hardening`) come before the baseline's. An allow there that "
               "matches some call the baseline denies reopens it: listing base-syscalls "
               "before hardening, or a task's `allow ioctl`, lets TIOCSTI through again "
               "(CVE-2017-5226). The rule is flagged for every baseline denial it "
               "overlaps, computed exactly on the conditions; a `because` does not "
               "silence it, a `# lint: CL004` on the rule's line (whose reason is the "
               "rule's `because`) does.",
        .example = "policy task : system, hardening {\n  syscalls { allow ioctl }\n}",
        .fix = "narrow the rule so that it leaves the baseline's calls alone, list "
               "hardening before the base that allows, or suppress it on the rule's line "
               "with the reason",
        .run = check_overridden,
    },
    {
        .id = "CL005",
        .name = "ioctl-unfiltered",
        .severity = LINT_WARNING,
        .summary = "ioctl is allowed whatever its arguments",
        .why = "ioctl is hundreds of operations behind one syscall number, one set per "
               "driver. Allowed without any condition it includes TIOCSTI, which pushes "
               "characters into the terminal's input so that the sandboxed program types "
               "commands into the shell that started it (CVE-2017-5226 in bubblewrap, "
               "CVE-2016-7545 in the SELinux sandbox), and TIOCLINUX (CVE-2023-1523 in "
               "snapd). Flagged when some rule allows ioctl and no call of ioctl is denied, "
               "by a rule or by the default.",
        .example = "syscalls { default errno EPERM  allow ioctl }",
        .fix = "deny ioctl(cmd) if cmd in (TIOCSTI, TIOCLINUX) before the allow (the "
               "hardening baseline does), or allow only the requests the task needs",
        .run = check_ioctl,
    },
    {
        .id = "CL006",
        .name = "socket-family-unfiltered",
        .severity = LINT_WARNING,
        .summary = "socket() is allowed without a list of address families while the "
                   "network is not none",
        .why = "With a network, socket() with any family reaches protocol code most "
               "programs never use: AF_PACKET (CVE-2017-7308, CVE-2020-14386), netlink and "
               "nftables (CVE-2022-1015, CVE-2023-32233), AF_VSOCK (CVE-2021-26708). A "
               "rule allowing socket is flagged when `net` is loopback or host and the "
               "calls it decides (its condition minus every earlier rule's) allow more "
               "than 16 families: a list, not a few denials. socketcall, the 32-bit "
               "multiplexer, hides the family altogether and is flagged whenever it is "
               "allowed on an architecture that has it.",
        .example = "policy fetch {\n  net host\n  syscalls { allow socket }\n}",
        .fix = "refuse the other families before the allow: deny socket(domain) errno "
               "EAFNOSUPPORT if !(domain in (AF_UNIX, AF_INET, AF_INET6))",
        .run = check_socket,
    },
    {
        .id = "CL007",
        .name = "unreachable-rule",
        .severity = LINT_WARNING,
        .summary = "A rule never matches: earlier rules of its policy decide every call it "
                   "would",
        .why = "First match wins, so a rule whose calls are all decided earlier is dead "
               "text that reads as policy: usually a deny written after the allow that "
               "covers it, which the author believes is in force. A rule is judged "
               "against the earlier rules of its own policy and the 'net none' setting "
               "(a derived policy overriding a base is intended); a rule naming a group "
               "is flagged only when none of the group's syscalls can reach it. A rule "
               "that repeats an earlier one exactly is reported as a duplicate.",
        .example = "syscalls {\n  allow @system-service\n  deny ptrace\n  allow read\n}",
        .fix = "move the rule before the one that decides its calls, or remove it",
        .run = check_unreachable,
    },
    {
        .id = "CL008",
        .name = "group-reallows-denied",
        .severity = LINT_WARNING,
        .summary = "A group allowed in a policy re-allows a call a base denies explicitly",
        .why = "A derived policy's rules come before its bases', so `allow @group` in the "
               "task takes over every member of the group, including those a base "
               "denied on purpose, without anyone writing the syscall's name (setns and "
               "unshare are in @process, io_uring in @aio, the keyring in "
               "@system-service). Flagged when a rule naming a group allows some call that "
               "a later rule of another policy denies, kills or traps. Denials of the "
               "hardening baseline are CL004's.",
        .example = "policy base { syscalls { deny unshare } }\npolicy task : base {\n  "
                   "syscalls { allow @process }\n}",
        .fix = "deny the syscall again before the group in the derived policy, or allow "
               "the members the task needs by name",
        .run = check_group_reallow,
    },
};

const size_t lint_n_syscall_checks = ARRAY_SIZE(lint_syscall_checks);

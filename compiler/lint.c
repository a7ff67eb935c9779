/* lint.c - the lint engine: runs the checks, applies suppressions, builds
 * inheritance chains (see lint.h). */
#include "lint.h"
#include "util.h"

#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>

/* ---- the catalogue -------------------------------------------------------------- */

static const struct lint_check lint_engine_checks[] = {
    {
        .id = "CL090",
        .name = "suppression-without-reason",
        .severity = LINT_WARNING,
        .summary = "A lint suppression gives no reason",
        .why = "A suppression is a decision that a reviewer has to be able to check "
               "later: what was accepted, and why. Without a reason it reads as \"make "
               "the warning go away\", and nobody can tell whether the reason still "
               "holds when the policy changes. The suppression still applies; this "
               "finding asks for the reason.",
        .example = "lint { ignore CL002 }",
        .fix = "add the reason: lint { ignore CL002 because \"...\" }, or "
               "# lint: CL002 because \"...\" (or a `because` on the rule of that line)",
        .run = NULL,
    },
    {
        .id = "CL091",
        .name = "unused-suppression",
        .severity = LINT_WARNING,
        .summary = "A lint suppression silences nothing",
        .why = "A suppression that no longer matches a finding is left over from an "
               "earlier version of the policy. Left in place, it silently swallows the "
               "next finding of that rule, the one nobody has reviewed yet. It is judged "
               "over every policy of the run that carries it: a suppression in a base "
               "counts as used when it silences a finding of any linted policy. Like "
               "CL090 and CL092, it is judged only when the policy holding the "
               "suppression is itself linted.",
        .example = "policy p {\n  lint { ignore CL002 because \"no longer needed\" }\n  "
                   "syscalls { default errno EPERM }\n}",
        .fix = "remove the suppression",
        .run = NULL,
    },
    {
        .id = "CL092",
        .name = "unknown-rule-in-suppression",
        .severity = LINT_ERROR,
        .summary = "A lint suppression names no rule, or a rule that cannot be suppressed",
        .why = "A mistyped rule ID silences nothing, so the finding it was meant for "
               "stays, or, worse, the author believes a rule is silenced that is not. "
               "The rules about suppressions themselves (CL090-CL092) cannot be "
               "suppressed.",
        .example = "lint { ignore CL0002 because \"the self-test allows everything\" }",
        .fix = "use the rule's ID as `cell lint --list-rules` prints it",
        .run = NULL,
    },
};

static bool is_engine_rule(const struct lint_check *c)
{
	return c >= lint_engine_checks && c < lint_engine_checks + ARRAY_SIZE(lint_engine_checks);
}

static int by_id(const void *a, const void *b)
{
	const struct lint_check *const *x = a, *const *y = b;
	return strcmp((*x)->id, (*y)->id);
}

/* Built once: the tables are constant. */
static const struct lint_check **catalogue(size_t *n)
{
	static const struct lint_check **all;
	static size_t n_all;
	if (!all) {
		n_all = lint_n_syscall_checks + lint_n_fs_checks + ARRAY_SIZE(lint_engine_checks);
		all = xcalloc(n_all, sizeof(*all));
		size_t k = 0;
		for (size_t i = 0; i < lint_n_syscall_checks; i++)
			all[k++] = &lint_syscall_checks[i];
		for (size_t i = 0; i < lint_n_fs_checks; i++)
			all[k++] = &lint_fs_checks[i];
		for (size_t i = 0; i < ARRAY_SIZE(lint_engine_checks); i++)
			all[k++] = &lint_engine_checks[i];
		qsort(all, n_all, sizeof(*all), by_id);
	}
	*n = n_all;
	return all;
}

size_t lint_rule_count(void)
{
	size_t n;
	catalogue(&n);
	return n;
}

const struct lint_check *lint_rule_at(size_t i)
{
	size_t n;
	const struct lint_check **all = catalogue(&n);
	return i < n ? all[i] : NULL;
}

const struct lint_check *lint_rule_find(const char *id)
{
	size_t n;
	const struct lint_check **all = catalogue(&n);
	for (size_t i = 0; i < n; i++)
		if (strcmp(all[i]->id, id) == 0)
			return all[i];
	return NULL;
}

const char *lint_severity_name(enum lint_severity s)
{
	switch (s) {
	case LINT_NOTE:
		return "note";
	case LINT_WARNING:
		return "warning";
	case LINT_ERROR:
		return "error";
	}
	return "warning";
}

/* ---- the run ---------------------------------------------------------------------- */

/* One suppression as written, however many linted policies inherit it. */
struct supp_record {
	char *id;
	char *reason;
	bool scoped;
	struct src_loc loc;
	char *policy;
	const struct lint_check *rule; /* NULL: names no (suppressible) rule */
	bool used;
};

struct linted_policy {
	char *name;
	char *file; /* where it is defined: names are unique per resolution only */
};

struct lint_run {
	struct lint_options opt;
	struct lint_finding *findings;
	size_t n_findings, cap_findings;
	struct supp_record *supps;
	size_t n_supps, cap_supps;
	size_t n_policies;
	struct linted_policy *linted; /* the policies linted, whose suppressions are judged */
	size_t n_linted, cap_linted;
	bool finished;
};

struct lint_ctx {
	struct lint_run *run;
	const struct ir_policy *p;
	const struct lint_check *check;
};

struct lint_run *lint_run_new(const struct lint_options *opt)
{
	struct lint_run *run = xcalloc(1, sizeof(*run));
	if (opt)
		run->opt = *opt;
	return run;
}

static void finding_free(struct lint_finding *f)
{
	free(f->message);
	free(f->fix);
	free(f->policy);
	for (size_t i = 0; i < f->n_chain; i++)
		free(f->chain[i].policy);
	free(f->chain);
	free(f->justification);
}

void lint_run_free(struct lint_run *run)
{
	if (!run)
		return;
	for (size_t i = 0; i < run->n_findings; i++)
		finding_free(&run->findings[i]);
	free(run->findings);
	for (size_t i = 0; i < run->n_supps; i++) {
		free(run->supps[i].id);
		free(run->supps[i].reason);
		free(run->supps[i].policy);
	}
	free(run->supps);
	for (size_t i = 0; i < run->n_linted; i++) {
		free(run->linted[i].name);
		free(run->linted[i].file);
	}
	free(run->linted);
	free(run);
}

static struct lint_finding *add_finding(struct lint_run *run, const struct lint_check *rule,
                                        struct src_loc loc, const char *policy, const char *fix,
                                        char *message)
{
	xgrow((void **)&run->findings, &run->cap_findings, run->n_findings + 1,
	      sizeof(*run->findings));
	struct lint_finding *f = &run->findings[run->n_findings++];
	memset(f, 0, sizeof(*f));
	f->rule = rule;
	f->loc = loc;
	f->message = message;
	f->fix = xstrdup(fix ? fix : rule->fix);
	f->policy = xstrdup(policy);
	return f;
}

/* ---- the chain ---------------------------------------------------------------------- */

/* The position of `name` in the linted policy's lineage, or n_lineage. */
static size_t lineage_index(const struct ir_policy *p, const char *name)
{
	size_t i = 0;
	while (i < p->n_lineage && strcmp(p->lineage[i], name) != 0)
		i++;
	return i;
}

static bool same_file(const char *a, const char *b)
{
	return a && b && (a == b || strcmp(a, b) == 0);
}

/* The lineage policy whose definition comes last before `loc` in its file:
 * policies do not nest, so that is the one whose text holds `loc`. */
static const char *infer_holder(const struct lint_ctx *ctx, struct src_loc loc)
{
	const struct ir_policy *p = ctx->p;
	const char *best = NULL;
	int best_line = 0;
	for (size_t i = 0; p->ancestors && i < p->n_lineage; i++) {
		struct src_loc at = p->ancestors[i].loc;
		if (same_file(at.file, loc.file) && at.line <= loc.line && at.line > best_line) {
			best = p->lineage[i];
			best_line = at.line;
		}
	}
	return best ? best : p->name;
}

static void set_link(const struct ir_policy *p, struct lint_link *l, size_t i)
{
	l->policy = xstrdup(p->lineage[i]);
	if (p->ancestors)
		l->loc = p->ancestors[i].loc;
}

/* Breadth first from the linted policy to `holder` over the bases each
 * policy names, in the order written (ir_policy.ancestors). */
static void build_chain(const struct lint_ctx *ctx, struct lint_finding *f, const char *holder)
{
	const struct ir_policy *p = ctx->p;
	size_t n = p->n_lineage, target = lineage_index(p, holder);
	if (n == 0 || target == n || !p->ancestors)
		return;
	size_t *prev = xcalloc(n, sizeof(*prev));
	size_t *queue = xcalloc(n, sizeof(*queue));
	bool *seen = xcalloc(n, sizeof(*seen));
	size_t head = 0, tail = 0;
	queue[tail++] = 0;
	seen[0] = true;
	while (head < tail && !seen[target]) {
		const struct ir_ancestor *a = &p->ancestors[queue[head]];
		for (size_t b = 0; b < a->n_bases; b++) {
			size_t j = lineage_index(p, a->bases[b]);
			if (j < n && !seen[j]) {
				seen[j] = true;
				prev[j] = queue[head];
				queue[tail++] = j;
			}
		}
		head++;
	}
	if (seen[target]) {
		size_t len = 1;
		for (size_t k = target; k != 0; k = prev[k])
			len++;
		f->chain = xcalloc(len, sizeof(*f->chain));
		f->n_chain = len;
		size_t k = target;
		for (size_t i = len; i-- > 0; k = prev[k])
			set_link(p, &f->chain[i], k);
	}
	free(prev);
	free(queue);
	free(seen);
}

/* ---- for checks --------------------------------------------------------------------- */

const struct ir_policy *lint_policy(const struct lint_ctx *ctx)
{
	return ctx->p;
}

void lint_report(struct lint_ctx *ctx, const char *id, struct src_loc loc, const char *holder,
                 const char *fix, const char *fmt, ...)
{
	const struct lint_check *rule = lint_rule_find(id);
	if (!rule || is_engine_rule(rule))
		rule = ctx->check; /* a check reports its own rules only */
	va_list ap;
	va_start(ap, fmt);
	char *message = xvasprintf(fmt, ap);
	va_end(ap);
	struct lint_finding *f = add_finding(ctx->run, rule, loc, ctx->p->name, fix, message);
	if (!holder && loc.file)
		holder = infer_holder(ctx, loc);
	if (holder && strcmp(holder, ctx->p->name) != 0)
		build_chain(ctx, f, holder);
}

bool lint_host_path_exists(const struct lint_ctx *ctx, const char *path)
{
	const char *root = ctx->run->opt.host_root;
	struct stat st;
	if (!root || strcmp(root, "/") == 0)
		return stat(path, &st) == 0;
	char *full = xasprintf("%s/%s", root, path[0] == '/' ? path + 1 : path);
	bool exists = stat(full, &st) == 0;
	free(full);
	return exists;
}

/* ---- suppressions ------------------------------------------------------------------- */

static bool same_loc(struct src_loc a, struct src_loc b)
{
	return a.line == b.line && a.col == b.col &&
	       (a.file == b.file || same_file(a.file, b.file));
}

static void engine_report(struct lint_run *run, const char *id, struct src_loc loc,
                          const char *policy, const char *fix, char *message)
{
	add_finding(run, lint_rule_find(id), loc, policy, fix, message);
}

static const char *describe_supp(const struct supp_record *r, char *buf, size_t size)
{
	if (r->scoped)
		snprintf(buf, size, "the comment '# lint: %s'", r->id);
	else
		snprintf(buf, size, "'ignore %s'", r->id);
	return buf;
}

/* The closest rule ID to a word that names none: the same ID in another
 * case, the ID of a rule given by name, or one a typo away. */
static const char *id_hint(const char *word, const char **how)
{
	size_t n;
	const struct lint_check **all = catalogue(&n);
	*how = "";
	for (size_t i = 0; i < n; i++) {
		if (strcasecmp(all[i]->id, word) == 0)
			return all[i]->id;
		if (strcmp(all[i]->name, word) == 0) {
			*how = " (suppressions name rules by ID)";
			return all[i]->id;
		}
	}
	const char **ids = xcalloc(n, sizeof(*ids));
	for (size_t i = 0; i < n; i++)
		ids[i] = is_engine_rule(all[i]) ? NULL : all[i]->id;
	const char *hint = diag_suggest(word, ids, n);
	free(ids);
	return hint;
}

/* CL092: the ID names no rule, or a rule about suppressions. */
static void report_bad_id(struct lint_run *run, const struct supp_record *r)
{
	char what[160];
	describe_supp(r, what, sizeof(what));
	const struct lint_check *rule = lint_rule_find(r->id);
	if (rule) {
		engine_report(run, "CL092", r->loc, r->policy, "remove it",
		              xasprintf("%s: %s is about suppressions and cannot be suppressed",
		                        what, rule->id));
		return;
	}
	const char *how, *hint = id_hint(r->id, &how);
	char *fix = hint ? xasprintf("write %s", hint) : NULL;
	engine_report(
	    run, "CL092", r->loc, r->policy, fix,
	    hint ? xasprintf("%s names no lint rule; did you mean '%s'%s?", what, hint, how)
	         : xasprintf("%s names no lint rule", what));
	free(fix);
}

static void report_no_reason(struct lint_run *run, const struct supp_record *r)
{
	char what[160];
	char *fix = r->scoped ? xasprintf("# lint: %s because \"...\" (or a `because` on the "
	                                  "rule of that line)",
	                                  r->id)
	                      : xasprintf("ignore %s because \"...\"", r->id);
	engine_report(run, "CL090", r->loc, r->policy, fix,
	              xasprintf("%s gives no reason", describe_supp(r, what, sizeof(what))));
	free(fix);
}

/* The index of the run's record of `s`, created when first seen. An index,
 * not a pointer: creating a record may move them all. */
static size_t record_of(struct lint_run *run, const struct ir_suppression *s)
{
	for (size_t i = 0; i < run->n_supps; i++) {
		struct supp_record *r = &run->supps[i];
		if (r->scoped == s->scoped && strcmp(r->id, s->id) == 0 && same_loc(r->loc, s->loc))
			return i;
	}
	const struct lint_check *rule = lint_rule_find(s->id);
	xgrow((void **)&run->supps, &run->cap_supps, run->n_supps + 1, sizeof(*run->supps));
	struct supp_record *r = &run->supps[run->n_supps++];
	*r = (struct supp_record){
	    .id = xstrdup(s->id),
	    .reason = s->reason ? xstrdup(s->reason) : NULL,
	    .scoped = s->scoped,
	    .loc = s->loc,
	    .policy = xstrdup(s->policy),
	    .rule = rule && !is_engine_rule(rule) ? rule : NULL,
	};
	return run->n_supps - 1;
}

static bool suppresses(const struct supp_record *r, const struct lint_finding *f)
{
	if (!r->rule || r->rule != f->rule)
		return false;
	if (!r->scoped)
		return true;
	/* A comment covers its line; a YAML rule's `lint:` key, all the rule's lines. */
	int last = r->loc.end_line > r->loc.line ? r->loc.end_line : r->loc.line;
	return f->loc.line >= r->loc.line && f->loc.line <= last &&
	       same_file(f->loc.file, r->loc.file);
}

/* Scoped suppressions are tried first: they are the closer statement. */
static void apply_suppressions(struct lint_run *run, const struct ir_policy *p, size_t first)
{
	size_t *at = xcalloc(p->n_suppressions + 1, sizeof(*at));
	for (size_t i = 0; i < p->n_suppressions; i++)
		at[i] = record_of(run, &p->suppressions[i]);
	struct supp_record **recs = xcalloc(p->n_suppressions + 1, sizeof(*recs));
	for (size_t i = 0; i < p->n_suppressions; i++)
		recs[i] = &run->supps[at[i]];
	free(at);
	for (size_t i = first; i < run->n_findings; i++) {
		struct lint_finding *f = &run->findings[i];
		if (is_engine_rule(f->rule))
			continue;
		struct supp_record *hit = NULL;
		for (int pass = 0; pass < 2 && !hit; pass++)
			for (size_t j = 0; j < p->n_suppressions && !hit; j++)
				if (recs[j]->scoped == (pass == 0) && suppresses(recs[j], f))
					hit = recs[j];
		if (!hit)
			continue;
		hit->used = true;
		f->suppressed = true;
		f->justification = hit->reason ? xstrdup(hit->reason) : NULL;
		f->suppression_loc = hit->loc;
	}
	free(recs);
}

void lint_run_policy(struct lint_run *run, const struct ir_policy *p)
{
	struct lint_ctx ctx = {run, p, NULL};
	size_t first = run->n_findings;
	const struct lint_check *tables[] = {lint_syscall_checks, lint_fs_checks};
	const size_t sizes[] = {lint_n_syscall_checks, lint_n_fs_checks};
	for (size_t t = 0; t < ARRAY_SIZE(tables); t++) {
		for (size_t i = 0; i < sizes[t]; i++) {
			ctx.check = &tables[t][i];
			if (ctx.check->run)
				ctx.check->run(&ctx);
		}
	}
	apply_suppressions(run, p, first);
	xgrow((void **)&run->linted, &run->cap_linted, run->n_linted + 1, sizeof(*run->linted));
	run->linted[run->n_linted++] = (struct linted_policy){
	    xstrdup(p->name ? p->name : ""), p->loc.file ? xstrdup(p->loc.file) : NULL};
	run->n_policies++;
}

/* ---- finishing ------------------------------------------------------------------------ */

static bool holder_linted(const struct lint_run *run, const struct supp_record *r)
{
	for (size_t i = 0; i < run->n_linted; i++)
		if (strcmp(run->linted[i].name, r->policy) == 0 &&
		    same_file(run->linted[i].file, r->loc.file))
			return true;
	return false;
}

/* CL090-CL092, for the suppressions of the policies linted: a base's are
 * judged where the base itself is linted, not in every policy using it. */
static void judge_suppressions(struct lint_run *run)
{
	for (size_t i = 0; i < run->n_supps; i++) {
		const struct supp_record *r = &run->supps[i];
		if (!holder_linted(run, r))
			continue;
		if (!r->rule) {
			report_bad_id(run, r);
			continue;
		}
		if (!r->reason)
			report_no_reason(run, r);
		if (r->used)
			continue;
		char *msg = r->scoped
		                ? xasprintf("the comment '# lint: %s' silences nothing: no %s "
		                            "finding starts on its line",
		                            r->id, r->id)
		                : xasprintf("'ignore %s' silences nothing: policy '%s' and "
		                            "those linted that derive from it have no %s "
		                            "finding",
		                            r->id, r->policy, r->id);
		engine_report(run, "CL091", r->loc, r->policy, NULL, msg);
	}
}

static int cmp_str(const char *a, const char *b)
{
	if (!a || !b)
		return (a != NULL) - (b != NULL);
	return strcmp(a, b);
}

static int cmp_findings(const void *pa, const void *pb)
{
	const struct lint_finding *a = pa, *b = pb;
	int c = cmp_str(a->loc.file, b->loc.file);
	if (c == 0)
		c = (a->loc.line > b->loc.line) - (a->loc.line < b->loc.line);
	if (c == 0)
		c = (a->loc.col > b->loc.col) - (a->loc.col < b->loc.col);
	if (c == 0)
		c = strcmp(a->rule->id, b->rule->id);
	return c;
}

static bool same_finding(const struct lint_finding *a, const struct lint_finding *b)
{
	return a->rule == b->rule && same_loc(a->loc, b->loc) &&
	       strcmp(a->message, b->message) == 0 && a->suppressed == b->suppressed;
}

/* A stable sort: the standard qsort is not, so equal keys are ordered by
 * their position before sorting, kept in a parallel index. */
struct keyed {
	struct lint_finding f;
	size_t pos;
};

static int cmp_keyed(const void *pa, const void *pb)
{
	const struct keyed *a = pa, *b = pb;
	int c = cmp_findings(&a->f, &b->f);
	return c ? c : (a->pos > b->pos) - (a->pos < b->pos);
}

static void sort_and_dedupe(struct lint_run *run)
{
	size_t n = run->n_findings;
	struct keyed *k = xcalloc(n ? n : 1, sizeof(*k));
	for (size_t i = 0; i < n; i++)
		k[i] = (struct keyed){run->findings[i], i};
	qsort(k, n, sizeof(*k), cmp_keyed);
	size_t out = 0;
	for (size_t i = 0; i < n; i++) {
		bool repeat = false;
		for (size_t j = out; j-- > 0 && cmp_findings(&run->findings[j], &k[i].f) == 0;)
			if (same_finding(&run->findings[j], &k[i].f))
				repeat = true;
		if (repeat)
			finding_free(&k[i].f);
		else
			run->findings[out++] = k[i].f;
	}
	run->n_findings = out;
	free(k);
}

void lint_run_finish(struct lint_run *run)
{
	if (run->finished)
		return;
	run->finished = true;
	judge_suppressions(run);
	sort_and_dedupe(run);
}

const struct lint_finding *lint_run_findings(const struct lint_run *run, size_t *n)
{
	*n = run->n_findings;
	return run->findings;
}

size_t lint_run_count(const struct lint_run *run, enum lint_severity min)
{
	size_t n = 0;
	for (size_t i = 0; i < run->n_findings; i++)
		n += !run->findings[i].suppressed && run->findings[i].rule->severity >= min;
	return n;
}

size_t lint_run_policies(const struct lint_run *run)
{
	return run->n_policies;
}

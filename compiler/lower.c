/* lower.c - first-match rules to disjoint libseccomp pieces; lower.h tells why and how. */
#include "lower.h"
#include "util.h"

#include <stdlib.h>
#include <string.h>

static uint64_t width_mask(unsigned width)
{
	return width >= 64 ? UINT64_MAX : ((uint64_t)1 << width) - 1;
}

static uint64_t highest_bit(uint64_t x)
{
	return (uint64_t)1 << (63 - __builtin_clzll(x));
}

/* ---- conjuncts ------------------------------------------------------------ */

bool lower_conjunct_matches(const struct lower_conjunct *c, const uint64_t args[LOWER_MAX_ARGS])
{
	for (unsigned i = 0; i < LOWER_MAX_ARGS; i++)
		if ((args[i] & c->mask[i]) != c->value[i])
			return false;
	return true;
}

bool lower_conjuncts_overlap(const struct lower_conjunct *a, const struct lower_conjunct *b)
{
	for (unsigned i = 0; i < LOWER_MAX_ARGS; i++)
		if ((a->value[i] ^ b->value[i]) & a->mask[i] & b->mask[i])
			return false;
	return true;
}

bool lower_conjunct_covers(const struct lower_conjunct *outer, const struct lower_conjunct *inner)
{
	for (unsigned i = 0; i < LOWER_MAX_ARGS; i++) {
		if (outer->mask[i] & ~inner->mask[i])
			return false;
		if ((outer->value[i] ^ inner->value[i]) & outer->mask[i])
			return false;
	}
	return true;
}

unsigned lower_conjunct_atoms(const struct lower_conjunct *c)
{
	unsigned n = 0;
	for (unsigned i = 0; i < LOWER_MAX_ARGS; i++)
		n += c->mask[i] != 0;
	return n;
}

/* Both must overlap: the result is the vectors matching both. */
static struct lower_conjunct conjunct_intersect(const struct lower_conjunct *a,
                                                const struct lower_conjunct *b)
{
	struct lower_conjunct r;
	for (unsigned i = 0; i < LOWER_MAX_ARGS; i++) {
		r.mask[i] = a->mask[i] | b->mask[i];
		r.value[i] = a->value[i] | b->value[i];
	}
	return r;
}

/* Two conjuncts with the same masks whose values differ in exactly one bit are
 * halves of one larger conjunct: returns that bit's argument and the bit. */
static bool conjuncts_are_siblings(const struct lower_conjunct *a, const struct lower_conjunct *b,
                                   unsigned *arg, uint64_t *bit)
{
	unsigned found = 0;
	for (unsigned i = 0; i < LOWER_MAX_ARGS; i++) {
		if (a->mask[i] != b->mask[i])
			return false;
		uint64_t diff = a->value[i] ^ b->value[i];
		if (!diff)
			continue;
		if (found++ || (diff & (diff - 1)))
			return false;
		*arg = i;
		*bit = diff;
	}
	return found == 1;
}

/* ---- DNF lists ------------------------------------------------------------- */

void lower_dnf_init(struct lower_dnf *d)
{
	memset(d, 0, sizeof(*d));
	d->disjoint = true;
}

void lower_dnf_free(struct lower_dnf *d)
{
	free(d->c);
	lower_dnf_init(d);
}

bool lower_dnf_matches(const struct lower_dnf *d, const uint64_t args[LOWER_MAX_ARGS])
{
	for (size_t i = 0; i < d->n; i++)
		if (lower_conjunct_matches(&d->c[i], args))
			return true;
	return false;
}

static void dnf_push(struct lower_dnf *d, const struct lower_conjunct *c)
{
	xgrow((void **)&d->c, &d->cap, d->n + 1, sizeof(*d->c));
	d->c[d->n++] = *c;
}

static void dnf_set_true(struct lower_dnf *d)
{
	static const struct lower_conjunct always = {{0}, {0}};
	d->n = 0;
	d->disjoint = true;
	dnf_push(d, &always);
}

static void dnf_move(struct lower_dnf *dst, struct lower_dnf *src)
{
	lower_dnf_free(dst);
	*dst = *src;
	lower_dnf_init(src);
}

static void dnf_copy(struct lower_dnf *dst, const struct lower_dnf *src)
{
	dst->n = 0;
	for (size_t i = 0; i < src->n; i++)
		dnf_push(dst, &src->c[i]);
	dst->disjoint = src->disjoint;
}

/* Simplification may carry a parallel array of tags (the rule each conjunct
 * came from); it follows its conjunct through every removal. */
static void dnf_compact(struct lower_dnf *d, const struct ir_rule **tags, const bool *dead)
{
	size_t w = 0;
	for (size_t r = 0; r < d->n; r++) {
		if (dead[r])
			continue;
		d->c[w] = d->c[r];
		if (tags)
			tags[w] = tags[r];
		w++;
	}
	d->n = w;
}

static unsigned fixed_bits(const struct lower_conjunct *c)
{
	unsigned n = 0;
	for (unsigned i = 0; i < LOWER_MAX_ARGS; i++)
		n += (unsigned)__builtin_popcountll(c->mask[i]);
	return n;
}

/* Drops every conjunct another one covers; of equal ones the first stays, so
 * the result does not depend on anything but the input order. */
static void dnf_remove_covered(struct lower_dnf *d, const struct ir_rule **tags)
{
	size_t n = d->n ? d->n : 1;
	bool *dead = xcalloc(n, sizeof(*dead));
	unsigned *fixed = xcalloc(n, sizeof(*fixed));
	for (size_t i = 0; i < d->n; i++)
		fixed[i] = fixed_bits(&d->c[i]);
	for (size_t i = 0; i < d->n; i++) {
		if (dead[i])
			continue;
		/* Only a conjunct fixing no more bits can cover another. */
		for (size_t j = 0; j < d->n; j++)
			if (j != i && !dead[j] && fixed[i] <= fixed[j] &&
			    lower_conjunct_covers(&d->c[i], &d->c[j]))
				dead[j] = true;
	}
	dnf_compact(d, tags, dead);
	free(fixed);
	free(dead);
}

static int compare_masks(const void *pa, const void *pb, void *list)
{
	const struct lower_conjunct *c = list;
	size_t a = *(const size_t *)pa, b = *(const size_t *)pb;
	int order = memcmp(c[a].mask, c[b].mask, sizeof(c[a].mask));
	if (order)
		return order;
	return a < b ? -1 : a > b;
}

/* Siblings share their masks, so only conjuncts with equal masks are paired:
 * sorting an index by masks makes those runs contiguous, and the pieces of a
 * subtraction or a range, whose masks all differ, cost nothing. */
static bool dnf_merge_siblings(struct lower_dnf *d, const struct ir_rule **tags)
{
	size_t n = d->n ? d->n : 1;
	size_t *order = xcalloc(n, sizeof(*order));
	bool *dead = xcalloc(n, sizeof(*dead));
	bool merged = false;
	for (size_t i = 0; i < d->n; i++)
		order[i] = i;
	qsort_r(order, d->n, sizeof(*order), compare_masks, d->c);
	for (size_t run = 0; run < d->n;) {
		size_t end = run + 1;
		while (end < d->n && memcmp(d->c[order[run]].mask, d->c[order[end]].mask,
		                            sizeof(d->c->mask)) == 0)
			end++;
		for (size_t x = run; x < end; x++) {
			struct lower_conjunct *keep = &d->c[order[x]];
			/* Once widened, keep's masks no longer match the run. */
			for (size_t y = x + 1; y < end && !dead[order[x]]; y++) {
				unsigned arg;
				uint64_t bit;
				if (dead[order[y]] ||
				    !conjuncts_are_siblings(keep, &d->c[order[y]], &arg, &bit))
					continue;
				dead[order[y]] = true;
				keep->mask[arg] &= ~bit;
				keep->value[arg] &= ~bit;
				merged = true;
				break;
			}
		}
		run = end;
	}
	dnf_compact(d, tags, dead);
	free(dead);
	free(order);
	return merged;
}

/* Merging two disjoint siblings keeps a list disjoint, and a disjoint list has
 * nothing covered; a list with overlap is searched again after each merge. */
static void dnf_simplify_tagged(struct lower_dnf *d, const struct ir_rule **tags)
{
	do {
		if (!d->disjoint)
			dnf_remove_covered(d, tags);
	} while (dnf_merge_siblings(d, tags));
}

static void dnf_simplify(struct lower_dnf *d)
{
	dnf_simplify_tagged(d, NULL);
}

/* A list under construction may run past the cap before simplification
 * shrinks it; this bounds the memory and time spent on a lost cause. */
static bool dnf_within_budget(struct lower_dnf *d)
{
	if (d->n <= 2 * LOWER_MAX_CONJUNCTS)
		return true;
	dnf_simplify(d);
	return d->n <= LOWER_MAX_CONJUNCTS;
}

static enum lower_status dnf_finish(struct lower_dnf *d)
{
	dnf_simplify(d);
	return d->n <= LOWER_MAX_CONJUNCTS ? LOWER_OK : LOWER_TOO_BIG;
}

/* Appends the part of k outside c. The pieces walk c's bits that k leaves
 * free, most significant first: piece b agrees with c on the bits before b and
 * differs on b. They are disjoint, and together with k-and-c they make k. */
static void conjunct_minus(const struct lower_conjunct *k, const struct lower_conjunct *c,
                           struct lower_dnf *out)
{
	if (!lower_conjuncts_overlap(k, c)) {
		dnf_push(out, k);
		return;
	}
	struct lower_conjunct agreeing = *k;
	for (unsigned arg = 0; arg < LOWER_MAX_ARGS; arg++) {
		uint64_t free_bits = c->mask[arg] & ~k->mask[arg];
		while (free_bits) {
			uint64_t bit = highest_bit(free_bits);
			free_bits &= ~bit;
			struct lower_conjunct piece = agreeing;
			piece.mask[arg] |= bit;
			piece.value[arg] |= ~c->value[arg] & bit;
			dnf_push(out, &piece);
			agreeing.mask[arg] |= bit;
			agreeing.value[arg] |= c->value[arg] & bit;
		}
	}
}

/* d = d minus c, unsimplified. Returns false when the result outgrew the
 * budget. A conjunct of d that c does not touch passes through as it is. */
static bool dnf_subtract_conjunct(struct lower_dnf *d, const struct lower_conjunct *c)
{
	size_t i = 0;
	while (i < d->n && !lower_conjuncts_overlap(&d->c[i], c))
		i++;
	if (i == d->n)
		return true;

	struct lower_dnf out;
	lower_dnf_init(&out);
	out.disjoint = d->disjoint;
	for (i = 0; i < d->n; i++) {
		conjunct_minus(&d->c[i], c, &out);
		if (!dnf_within_budget(&out)) {
			lower_dnf_free(&out);
			return false;
		}
	}
	dnf_move(d, &out);
	return true;
}

/* d = d AND NOT sub, by subtracting sub's conjuncts one at a time: the output
 * only grows where a conjunct actually cuts into d, and stays disjoint when d
 * was, so simplifying once at the end is enough. */
static enum lower_status dnf_minus(struct lower_dnf *d, const struct lower_dnf *sub)
{
	for (size_t i = 0; i < sub->n && d->n > 0; i++)
		if (!dnf_subtract_conjunct(d, &sub->c[i]))
			return LOWER_TOO_BIG;
	return dnf_finish(d);
}

static enum lower_status dnf_minus_conjunct(struct lower_dnf *d, const struct lower_conjunct *c)
{
	if (!dnf_subtract_conjunct(d, c))
		return LOWER_TOO_BIG;
	return dnf_finish(d);
}

static enum lower_status dnf_and(const struct lower_dnf *a, const struct lower_dnf *b,
                                 struct lower_dnf *out)
{
	out->n = 0;
	out->disjoint = a->disjoint && b->disjoint;
	for (size_t i = 0; i < a->n; i++) {
		for (size_t j = 0; j < b->n; j++) {
			if (!lower_conjuncts_overlap(&a->c[i], &b->c[j]))
				continue;
			struct lower_conjunct both = conjunct_intersect(&a->c[i], &b->c[j]);
			dnf_push(out, &both);
		}
		if (!dnf_within_budget(out))
			return LOWER_TOO_BIG;
	}
	return dnf_finish(out);
}

/* ---- comparisons ----------------------------------------------------------- */

static struct lower_conjunct atom(unsigned arg, uint64_t mask, uint64_t value)
{
	struct lower_conjunct c;
	memset(&c, 0, sizeof(c));
	c.mask[arg] = mask;
	c.value[arg] = value & mask;
	return c;
}

/* x < bound on `width` bits: for each 1-bit i of bound, the block whose bits
 * above i equal bound's and whose bit i is 0. */
static void range_below(unsigned arg, unsigned width, uint64_t bound, struct lower_dnf *out)
{
	uint64_t wm = width_mask(width);
	for (int i = (int)width - 1; i >= 0; i--) {
		uint64_t bit = (uint64_t)1 << i;
		if (!(bound & bit))
			continue;
		uint64_t prefix = wm & ~(bit - 1);
		struct lower_conjunct block = atom(arg, prefix, bound & prefix & ~bit);
		dnf_push(out, &block);
	}
}

/* x > bound: for each 0-bit i of bound, bits above i equal bound's, bit i 1. */
static void range_above(unsigned arg, unsigned width, uint64_t bound, struct lower_dnf *out)
{
	uint64_t wm = width_mask(width);
	for (int i = (int)width - 1; i >= 0; i--) {
		uint64_t bit = (uint64_t)1 << i;
		if (bound & bit)
			continue;
		uint64_t prefix = wm & ~(bit - 1);
		struct lower_conjunct block = atom(arg, prefix, (bound & prefix) | bit);
		dnf_push(out, &block);
	}
}

static enum lower_status lower_ordering(const struct ir_cond *c, uint64_t wm, uint64_t mask,
                                        uint64_t value, struct lower_dnf *out)
{
	/* (x & m) < v is expressible with masked atoms too, but reads like a
	 * range check while being something else; the language refuses it. */
	if (mask != wm)
		return LOWER_MASKED_ORDER;
	switch (c->op) {
	case IR_CMP_LT:
		range_below(c->arg, c->width, value, out);
		break;
	case IR_CMP_LE:
		if (value == wm)
			dnf_set_true(out);
		else
			range_below(c->arg, c->width, value + 1, out);
		break;
	case IR_CMP_GT:
		range_above(c->arg, c->width, value, out);
		break;
	case IR_CMP_GE:
		if (value == 0)
			dnf_set_true(out);
		else
			range_above(c->arg, c->width, value - 1, out);
		break;
	default:
		return LOWER_MALFORMED;
	}
	return dnf_finish(out);
}

/* Matches ir_cond_eval(): both sides are cut to the width, and a value with
 * bits outside the mask can never equal the masked argument. */
static enum lower_status lower_cmp(const struct ir_cond *c, struct lower_dnf *out)
{
	if (c->arg >= LOWER_MAX_ARGS || (c->width != 32 && c->width != 64))
		return LOWER_MALFORMED;
	uint64_t wm = width_mask(c->width);
	uint64_t mask = c->mask & wm, value = c->value & wm;
	bool never_equal = (value & ~mask) != 0;
	struct lower_conjunct eq = atom(c->arg, mask, value);

	out->n = 0;
	out->disjoint = true;
	switch (c->op) {
	case IR_CMP_EQ:
		if (!never_equal)
			dnf_push(out, &eq);
		return LOWER_OK;
	case IR_CMP_NE:
		dnf_set_true(out);
		return never_equal ? LOWER_OK : dnf_minus_conjunct(out, &eq);
	case IR_CMP_LT:
	case IR_CMP_LE:
	case IR_CMP_GT:
	case IR_CMP_GE:
		return lower_ordering(c, wm, mask, value, out);
	}
	return LOWER_MALFORMED;
}

static enum lower_status lower_rec(const struct ir_cond *c, struct lower_dnf *out,
                                   const struct ir_cond **culprit)
{
	struct lower_dnf lhs, rhs;
	enum lower_status status = LOWER_OK;

	if (!c)
		return LOWER_MALFORMED;
	if (c->kind == IR_COND_CMP) {
		status = lower_cmp(c, out);
		if (status != LOWER_OK)
			*culprit = c;
		return status;
	}
	if (!c->lhs || (c->kind != IR_COND_NOT && !c->rhs)) {
		*culprit = c;
		return LOWER_MALFORMED;
	}

	lower_dnf_init(&lhs);
	lower_dnf_init(&rhs);
	status = lower_rec(c->lhs, &lhs, culprit);
	if (status == LOWER_OK && c->kind != IR_COND_NOT)
		status = lower_rec(c->rhs, &rhs, culprit);
	if (status == LOWER_OK) {
		switch (c->kind) {
		case IR_COND_AND:
			status = dnf_and(&lhs, &rhs, out);
			break;
		case IR_COND_OR:
			dnf_copy(out, &lhs);
			for (size_t i = 0; i < rhs.n; i++)
				dnf_push(out, &rhs.c[i]);
			out->disjoint = lhs.n == 0 || rhs.n == 0;
			status = dnf_finish(out);
			break;
		case IR_COND_NOT:
			dnf_set_true(out);
			status = dnf_minus(out, &lhs);
			break;
		case IR_COND_CMP:
			break;
		}
		if (status != LOWER_OK)
			*culprit = c;
	}
	lower_dnf_free(&lhs);
	lower_dnf_free(&rhs);
	return status;
}

enum lower_status lower_cond(const struct ir_cond *c, struct lower_dnf *out,
                             const struct ir_cond **culprit)
{
	const struct ir_cond *ignored = NULL;
	out->n = 0;
	enum lower_status status = lower_rec(c, out, culprit ? culprit : &ignored);
	if (status != LOWER_OK)
		out->n = 0;
	return status;
}

const char *lower_status_reason(enum lower_status status)
{
	switch (status) {
	case LOWER_OK:
		return "no problem";
	case LOWER_TOO_BIG:
		return "it lowers to more than 1024 libseccomp rules";
	case LOWER_MASKED_ORDER:
		return "libseccomp has no masked <, <=, > or >=, and a masked ordering comparison "
		       "is easy to misread; compare the masked bits with == or != instead, or "
		       "compare the whole argument";
	case LOWER_MALFORMED:
		return "the condition is malformed (argument index above 5, or a width other "
		       "than 32 or 64 bits)";
	}
	return "unknown status";
}

/* ---- one syscall ------------------------------------------------------------ */

/* What has been reported about which rule location, so that a rule a group
 * expanded to forty syscalls is reported once, not forty times. */
enum report_kind { REPORT_SHADOWED, REPORT_COVERED, REPORT_UNSAT, REPORT_ERROR };

struct report_entry {
	struct src_loc loc;
	enum report_kind kind;
};

struct report_log {
	struct report_entry *entries;
	size_t n, cap;
};

static bool report_once(struct report_log *log, struct src_loc loc, enum report_kind kind)
{
	for (size_t i = 0; i < log->n; i++) {
		const struct report_entry *e = &log->entries[i];
		if (e->kind == kind && e->loc.file == loc.file && e->loc.line == loc.line &&
		    e->loc.col == loc.col)
			return false;
	}
	xgrow((void **)&log->entries, &log->cap, log->n + 1, sizeof(*log->entries));
	log->entries[log->n++] = (struct report_entry){loc, kind};
	return true;
}

/* Groups overlap by design (@file-system and @basic-io both hold read), and
 * net rules are synthesised: only a rule that names the syscall itself is
 * worth a warning when it never matches. */
static bool rule_is_named_by_user(const struct ir_rule *r)
{
	return r->explicit_name && r->origin == IR_ORIGIN_POLICY;
}

struct lowering {
	struct diag_ctx *d;
	struct report_log log;
	struct ir_action default_action;
	int errors;
};

static void report_cond_failure(struct lowering *lw, const struct ir_rule *r,
                                const struct ir_cond *culprit, enum lower_status status)
{
	struct src_loc loc = culprit && culprit->loc.line > 0 ? culprit->loc : r->loc;
	lw->errors++;
	if (!report_once(&lw->log, loc, REPORT_ERROR))
		return;
	if (status == LOWER_MASKED_ORDER)
		diag_error(lw->d, loc,
		           "cannot lower the ordering comparison on a masked argument (arg%u & "
		           "0x%llx) in the rule for '%s': %s",
		           culprit->arg, (unsigned long long)culprit->mask, r->syscall,
		           lower_status_reason(status));
	else
		diag_error(lw->d, loc, "cannot lower the condition of the rule for '%s': %s",
		           r->syscall, lower_status_reason(status));
}

static void report_region_too_big(struct lowering *lw, const struct ir_rule *r)
{
	lw->errors++;
	if (!report_once(&lw->log, r->loc, REPORT_ERROR))
		return;
	diag_error(lw->d, r->loc,
	           "the calls this rule for '%s' decides (its condition minus what earlier rules "
	           "with other actions take) need more than %d libseccomp rules; simplify the "
	           "conditions, e.g. fewer != and ranges combined with 'and'",
	           r->syscall, LOWER_MAX_CONJUNCTS);
}

static void warn_shadowed(struct lowering *lw, const struct ir_rule *dead,
                          const struct ir_rule *decider)
{
	if (!rule_is_named_by_user(dead) || !report_once(&lw->log, dead->loc, REPORT_SHADOWED))
		return;
	diag_warning(lw->d, dead->loc,
	             "rule never matches: an earlier unconditional rule for '%s' at %s:%d decides "
	             "every call",
	             dead->syscall, decider->loc.file ? decider->loc.file : "<unknown>",
	             decider->loc.line);
	diag_note(lw->d, decider->loc, "the unconditional rule for '%s' is here", decider->syscall);
}

static void warn_covered(struct lowering *lw, const struct ir_rule *dead)
{
	if (!rule_is_named_by_user(dead) || !report_once(&lw->log, dead->loc, REPORT_COVERED))
		return;
	diag_warning(lw->d, dead->loc,
	             "rule never matches: earlier rules for '%s' with other actions decide every "
	             "call its condition allows",
	             dead->syscall);
}

static void warn_unsatisfiable(struct lowering *lw, const struct ir_rule *r)
{
	if (!report_once(&lw->log, r->loc, REPORT_UNSAT))
		return;
	diag_warning(lw->d, r->loc, "rule never matches: its condition can never be true ('%s')",
	             r->syscall);
}

/* The regions of one syscall's rules: conjunct i belongs to tags[i]. */
struct region_tag {
	struct ir_action action;
	const struct ir_rule *rule;
};

struct region_set {
	struct lower_dnf conjuncts;
	struct region_tag *tags;
	size_t tags_cap;
};

static void region_set_add_one(struct region_set *set, const struct lower_conjunct *c,
                               struct ir_action action, const struct ir_rule *rule)
{
	size_t at = set->conjuncts.n;
	dnf_push(&set->conjuncts, c);
	xgrow((void **)&set->tags, &set->tags_cap, at + 1, sizeof(*set->tags));
	set->tags[at] = (struct region_tag){action, rule};
}

static void region_set_add(struct region_set *set, const struct lower_dnf *region,
                           struct ir_action action, const struct ir_rule *rule)
{
	for (size_t i = 0; i < region->n; i++)
		region_set_add_one(set, &region->c[i], action, rule);
}

static void region_set_free(struct region_set *set)
{
	lower_dnf_free(&set->conjuncts);
	free(set->tags);
}

/* The pieces of a region set, action by action, each action's conjuncts
 * simplified together (only their union counts). Returns how many. */
static size_t pieces_by_action(const struct region_set *set, struct lower_piece **out)
{
	size_t n = set->conjuncts.n, n_out = 0;
	bool *done = xcalloc(n ? n : 1, sizeof(*done));
	const struct ir_rule **rules = xcalloc(n ? n : 1, sizeof(*rules));
	*out = xcalloc(n ? n : 1, sizeof(**out));
	for (size_t first = 0; first < n; first++) {
		if (done[first])
			continue;
		struct ir_action action = set->tags[first].action;
		struct lower_dnf same;
		lower_dnf_init(&same);
		same.disjoint = false;
		for (size_t i = first; i < n; i++) {
			if (done[i] || !ir_action_equal(set->tags[i].action, action))
				continue;
			done[i] = true;
			rules[same.n] = set->tags[i].rule;
			dnf_push(&same, &set->conjuncts.c[i]);
		}
		dnf_simplify_tagged(&same, rules);
		for (size_t i = 0; i < same.n; i++)
			(*out)[n_out++] = (struct lower_piece){
			    .action = action, .c = same.c[i], .rule = rules[i]};
		lower_dnf_free(&same);
	}
	free(rules);
	free(done);
	return n_out;
}

/* region = start minus every earlier condition whose action differs. */
static enum lower_status carve_region(struct lower_dnf *region, struct ir_action action,
                                      const struct lower_syscall *s, const struct lower_dnf *conds,
                                      size_t before)
{
	for (size_t j = 0; j < before && region->n > 0; j++) {
		if (ir_action_equal(s->rules[j]->action, action))
			continue;
		enum lower_status status = dnf_minus(region, &conds[j]);
		if (status != LOWER_OK)
			return status;
	}
	return LOWER_OK;
}

/* The index of the first unconditional rule (the decider), or n_rules. */
static size_t first_unconditional(const struct lower_syscall *s)
{
	for (size_t i = 0; i < s->n_rules; i++)
		if (!s->rules[i]->cond)
			return i;
	return s->n_rules;
}

/* Lowers the conditions of the rules before the decider into conds[]. */
static bool lower_conditions(struct lowering *lw, const struct lower_syscall *s, size_t decider,
                             struct lower_dnf *conds)
{
	bool ok = true;
	for (size_t i = 0; i < decider; i++) {
		const struct ir_cond *culprit = NULL;
		enum lower_status status = lower_cond(s->rules[i]->cond, &conds[i], &culprit);
		if (status != LOWER_OK) {
			report_cond_failure(lw, s->rules[i], culprit, status);
			ok = false;
		} else if (conds[i].n == 0) {
			warn_unsatisfiable(lw, s->rules[i]);
		}
	}
	return ok;
}

/* Adds the region of each conditional rule whose action is not the default. */
static bool collect_rule_regions(struct lowering *lw, const struct lower_syscall *s,
                                 const struct lower_dnf *conds, size_t decider,
                                 struct region_set *set)
{
	struct lower_dnf region;
	lower_dnf_init(&region);
	bool ok = true;
	for (size_t i = 0; ok && i < decider; i++) {
		const struct ir_rule *r = s->rules[i];
		if (conds[i].n == 0)
			continue;
		dnf_copy(&region, &conds[i]);
		if (carve_region(&region, r->action, s, conds, i) != LOWER_OK) {
			report_region_too_big(lw, r);
			ok = false;
		} else if (region.n == 0) {
			warn_covered(lw, r);
		} else if (!ir_action_equal(r->action, lw->default_action)) {
			region_set_add(set, &region, r->action, r);
		}
	}
	lower_dnf_free(&region);
	return ok;
}

/* Adds the region the decider (or the default) keeps, unless it is the
 * default's: what no earlier rule of another action takes. */
static bool collect_fallback_region(struct lowering *lw, const struct lower_syscall *s,
                                    const struct lower_dnf *conds, size_t decider,
                                    struct region_set *set)
{
	if (decider == s->n_rules)
		return true; /* the fallback is the default */
	const struct ir_rule *r = s->rules[decider];
	if (ir_action_equal(r->action, lw->default_action))
		return true;
	struct lower_dnf region;
	lower_dnf_init(&region);
	dnf_set_true(&region);
	bool ok = carve_region(&region, r->action, s, conds, decider) == LOWER_OK;
	if (ok)
		region_set_add(set, &region, r->action, r);
	else
		report_region_too_big(lw, r);
	lower_dnf_free(&region);
	return ok;
}

static void lower_syscall_regions(struct lowering *lw, struct lower_syscall *s)
{
	size_t decider = first_unconditional(s);
	for (size_t i = decider + 1; i < s->n_rules; i++)
		warn_shadowed(lw, s->rules[i], s->rules[decider]);

	struct lower_dnf *conds = xcalloc(decider ? decider : 1, sizeof(*conds));
	for (size_t i = 0; i < decider; i++)
		lower_dnf_init(&conds[i]);
	struct region_set set;
	memset(&set, 0, sizeof(set));
	if (lower_conditions(lw, s, decider, conds) &&
	    collect_rule_regions(lw, s, conds, decider, &set) &&
	    collect_fallback_region(lw, s, conds, decider, &set))
		s->n_pieces = pieces_by_action(&set, &s->pieces);
	region_set_free(&set);
	for (size_t i = 0; i < decider; i++)
		lower_dnf_free(&conds[i]);
	free(conds);
}

/* ---- the policy ------------------------------------------------------------ */

static struct lower_syscall *find_or_add_syscall(struct lower_result *out, size_t *cap,
                                                 const char *name)
{
	for (size_t i = 0; i < out->n_syscalls; i++)
		if (strcmp(out->syscalls[i].name, name) == 0)
			return &out->syscalls[i];
	xgrow((void **)&out->syscalls, cap, out->n_syscalls + 1, sizeof(*out->syscalls));
	struct lower_syscall *s = &out->syscalls[out->n_syscalls++];
	memset(s, 0, sizeof(*s));
	s->name = name;
	return s;
}

static void group_rules_by_syscall(const struct ir_policy *p, struct lower_result *out)
{
	size_t cap = 0;
	for (size_t i = 0; i < p->syscalls.n_rules; i++) {
		const struct ir_rule *r = &p->syscalls.rules[i];
		struct lower_syscall *s = find_or_add_syscall(out, &cap, r->syscall);
		s->rules = xrealloc(s->rules, (s->n_rules + 1) * sizeof(*s->rules));
		s->rules[s->n_rules++] = r;
	}
}

int lower_policy(const struct ir_policy *p, struct diag_ctx *d, struct lower_result *out)
{
	memset(out, 0, sizeof(*out));
	out->default_action = p->syscalls.default_action;
	group_rules_by_syscall(p, out);

	struct lowering lw = {.d = d, .default_action = p->syscalls.default_action};
	for (size_t i = 0; i < out->n_syscalls; i++)
		lower_syscall_regions(&lw, &out->syscalls[i]);
	free(lw.log.entries);

	if (lw.errors) {
		lower_result_free(out);
		return -1;
	}
	return 0;
}

void lower_result_free(struct lower_result *r)
{
	for (size_t i = 0; i < r->n_syscalls; i++) {
		free(r->syscalls[i].pieces);
		free(r->syscalls[i].rules);
	}
	free(r->syscalls);
	memset(r, 0, sizeof(*r));
}

size_t lower_pieces_narrow32(const struct lower_piece *in, size_t n, struct lower_piece **out)
{
	struct region_set set;
	memset(&set, 0, sizeof(set));
	for (size_t i = 0; i < n; i++) {
		struct lower_conjunct c = in[i].c;
		bool possible = true;
		for (unsigned a = 0; a < LOWER_MAX_ARGS; a++) {
			possible = possible && (c.value[a] >> 32) == 0;
			c.mask[a] &= UINT32_MAX;
		}
		if (possible)
			region_set_add_one(&set, &c, in[i].action, in[i].rule);
	}
	size_t n_out = pieces_by_action(&set, out);
	region_set_free(&set);
	return n_out;
}

const struct lower_piece *lower_syscall_decide(const struct lower_syscall *s,
                                               const uint64_t args[LOWER_MAX_ARGS])
{
	for (size_t i = 0; i < s->n_pieces; i++)
		if (lower_conjunct_matches(&s->pieces[i].c, args))
			return &s->pieces[i];
	return NULL;
}

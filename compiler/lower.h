/*
 * lower.h - first-match syscall rules, lowered to what libseccomp expresses
 * exactly.
 *
 * A policy's syscall rules are a first-match list: the first rule whose
 * syscall and condition match decides. libseccomp keeps no order at all: it
 * builds one decision tree per syscall, drops conditional rules of another
 * action once an unconditional one exists, resolves overlapping conditional
 * rules by its own tree order, allows each argument once per rule, and only
 * offers (arg & mask) == value among the comparisons we trust (it has no
 * masked != or <, and its ordering operators have had 64-bit bugs). This
 * module turns every rule list into pieces that mean the same thing under ANY
 * evaluation order, or refuses the policy with an error that says why.
 *
 * The canonical form
 *   An atom is (arg & mask) == value, with value inside mask. A conjunct
 *   (struct lower_conjunct) holds at most one atom per argument, which is
 *   exactly what one libseccomp rule can say; mask 0 leaves an argument free,
 *   so the conjunct with every mask 0 is "true". A condition is a DNF: a list
 *   of conjuncts, any of which may match; the empty list is "false".
 *   Masks and values of a 32-bit argument live in the low 32 bits, so the
 *   upper half of the register is never looked at (CVE-2019-10063: the kernel
 *   ignores it, so a filter must too).
 *
 *   EQ is one atom (or "false" when the value has bits outside the mask).
 *   NE, NOT and "minus" all use one operation, cube subtraction: k minus c is
 *   the list of pieces "bits of c fixed so far agree, this one differs", one
 *   per bit c fixes and k leaves free, most significant first. The pieces are
 *   disjoint and prefix-shaped, like CIDR blocks, so subtracting point-like
 *   conditions from each other stays small (x != A and x != B is 31 + k
 *   pieces where k is where A and B first differ, not 32 * 32).
 *   LT/LE/GT/GE on an unmasked argument become prefix blocks of the range
 *   (x < v is, for each 1-bit i of v, "bits above i equal v's, bit i is 0").
 *   An ordering comparison on a masked argument is refused.
 *   AND is the product of two DNFs (atoms on one argument merge: masks and
 *   values OR'ed, or the conjunct is dropped when they disagree on a bit).
 *   After every step duplicates and subsumed conjuncts are removed and
 *   siblings (same masks, values one bit apart) are merged, and no list may
 *   grow past LOWER_MAX_CONJUNCTS.
 *
 * The regions
 *   For one syscall with rules R1..Rn in first-match order, let Ru be the first
 *   unconditional rule; rules after it never match (warned when they name the
 *   syscall directly). The fallback F is Ru's action, or the filter default.
 *   The region of Ri (i < u) is Ci minus every earlier Cj whose action differs
 *   from Ri's; the fallback's region is "true" minus every Cj (j < u) whose
 *   action differs from F. Regions of different actions are then pairwise
 *   disjoint and together cover every argument vector, and a vector lies in a
 *   region of action A exactly when its first match is A. So libseccomp may
 *   test the pieces in any order. Regions with the filter's default action
 *   need no rule; every other region becomes one libseccomp rule per
 *   conjunct, an empty conjunct an unconditional rule. Earlier rules of the
 *   SAME action are not subtracted: overlap between pieces of one action is
 *   harmless and keeping it keeps the lists short.
 *
 * Diagnostics (all with the rule's location)
 *   warning  rule never matches: an earlier unconditional rule decides every
 *            call (only for rules that name the syscall; groups overlap by
 *            design and would drown the report)
 *   warning  rule never matches: earlier rules with other actions cover its
 *            whole condition (same restriction)
 *   warning  the condition can never be true
 *   error    an ordering comparison on a masked argument
 *   error    a condition or region needs more than LOWER_MAX_CONJUNCTS pieces
 *   error    a malformed condition (argument > 5, width not 32 or 64)
 * Warnings about one rule location are given once even when a group expanded
 * the rule to many syscalls. Each call of lower_policy() reports afresh.
 */
#ifndef CELL_LOWER_H
#define CELL_LOWER_H

#include "diag.h"
#include "ir.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define LOWER_MAX_ARGS 6
/* The most conjuncts one condition or one region may lower to. Each becomes a
 * libseccomp rule of a few BPF instructions, and a filter holds 4096. */
#define LOWER_MAX_CONJUNCTS 1024

/* (arg[i] & mask[i]) == value[i] for every i; mask 0 leaves arg i free.
 * value[i] is always a subset of mask[i]. */
struct lower_conjunct {
	uint64_t mask[LOWER_MAX_ARGS];
	uint64_t value[LOWER_MAX_ARGS];
};

/* A disjunction of conjuncts; n == 0 is "false". */
struct lower_dnf {
	struct lower_conjunct *c;
	size_t n, cap;
	/* No two conjuncts overlap. Subtraction, products of disjoint lists and
	 * ranges keep it; it lets simplification skip the quadratic search for
	 * covered conjuncts, which cannot exist in a disjoint list. */
	bool disjoint;
};

/* One libseccomp rule: `action` when the conjunct matches. */
struct lower_piece {
	struct ir_action action;
	struct lower_conjunct c;
	/* The rule whose region this piece belongs to (for messages). Two pieces
	 * of one rule's region merged with a neighbour keep one of the rules. */
	const struct ir_rule *rule;
};

/* Everything the policy says about one syscall. */
struct lower_syscall {
	const char *name; /* borrowed from the IR */
	/* The pieces to give libseccomp. Pieces of different actions never
	 * overlap; a vector no piece matches gets the filter's default. */
	struct lower_piece *pieces;
	size_t n_pieces;
	/* Every IR rule naming this syscall, in first-match order, dead ones
	 * included: the backend checks each name against each architecture. */
	const struct ir_rule **rules;
	size_t n_rules;
};

struct lower_result {
	struct ir_action default_action;
	/* In order of each syscall's first rule in the policy. */
	struct lower_syscall *syscalls;
	size_t n_syscalls;
};

/* Lowers every syscall of `p`. Returns 0 and fills `out`, or -1 after
 * reporting at least one error (then `out` is empty but still safe to free).
 * The result borrows from `p`, which must outlive it. */
int lower_policy(const struct ir_policy *p, struct diag_ctx *d, struct lower_result *out);
void lower_result_free(struct lower_result *r);

/* The piece of `s` that decides `args`, or NULL when the default does. With
 * disjoint regions any matching piece is the answer; this returns the first. */
const struct lower_piece *lower_syscall_decide(const struct lower_syscall *s,
                                               const uint64_t args[LOWER_MAX_ARGS]);

/* The pieces as an ABI with 32-bit argument registers (i386, arm, ...) sees
 * them: there an argument is its low 32 bits, zero-extended, which is also
 * all that libseccomp compares on such an architecture. A piece that needs
 * an upper bit set can never match and is dropped (libseccomp would silently
 * cut the test away and let it match everything); the upper halves of the
 * other masks go, and each action's pieces are simplified again. Pieces of
 * different actions stay disjoint: two pieces told apart only by an upper
 * bit cannot both need it clear. Returns the number of pieces in *out (free
 * it with free()). */
size_t lower_pieces_narrow32(const struct lower_piece *in, size_t n, struct lower_piece **out);

/* ---- building blocks, for tests and for passes that reason on conditions -- */

enum lower_status {
	LOWER_OK,
	LOWER_TOO_BIG,      /* more than LOWER_MAX_CONJUNCTS conjuncts */
	LOWER_MASKED_ORDER, /* <, <=, >, >= on (arg & mask) with a partial mask */
	LOWER_MALFORMED,    /* argument index or width out of range */
};

/* A sentence explaining a non-OK status, for messages. */
const char *lower_status_reason(enum lower_status status);

void lower_dnf_init(struct lower_dnf *d);
void lower_dnf_free(struct lower_dnf *d);

/* Lowers one condition into `out` (which must be initialised; it is
 * overwritten). On failure `*culprit` (when not NULL) points at the
 * comparison that could not be lowered, or at `c` itself for TOO_BIG. */
enum lower_status lower_cond(const struct ir_cond *c, struct lower_dnf *out,
                             const struct ir_cond **culprit);

bool lower_conjunct_matches(const struct lower_conjunct *c, const uint64_t args[LOWER_MAX_ARGS]);
bool lower_dnf_matches(const struct lower_dnf *d, const uint64_t args[LOWER_MAX_ARGS]);
/* True when some argument vector matches both. */
bool lower_conjuncts_overlap(const struct lower_conjunct *a, const struct lower_conjunct *b);
/* True when every vector matching `inner` matches `outer`. */
bool lower_conjunct_covers(const struct lower_conjunct *outer, const struct lower_conjunct *inner);
/* The number of arguments the conjunct constrains (0: unconditional). */
unsigned lower_conjunct_atoms(const struct lower_conjunct *c);

#endif

/*
 * lint.h - `cell lint`: findings about a resolved policy that compiles but
 * deserves a reviewer's attention.
 *
 * The lint pass reads the IR (ir.h) of one policy, never the AST: inherited
 * rules, groups and includes have all been flattened, and every construct
 * still carries the source location it came from. It is split in three:
 *
 *  - the checks: each lint rule is a `struct lint_check` with a stable ID
 *    (CL001...), a severity, the catalogue text (why, example, fix; the
 *    same text docs/lint.md holds and `cell lint --list-rules` prints) and a
 *    function that inspects the policy and calls lint_report(). Checks live
 *    in lint_syscalls.c (system calls, defaults, the hardening baseline) and
 *    lint_fs.c (mounts, network, limits, params, text, bwrap versions), each
 *    exporting a table;
 *  - the engine (lint.c): runs every check, applies the policy's
 *    suppressions (ir_policy.suppressions), reports suppressions without a
 *    reason, suppressions that silence nothing and unknown rule IDs, and
 *    attaches to each finding the chain of policies that brought the
 *    construct in (`via base, via hardening`);
 *  - the output (lint_output.c): text (GCC style with the source line, a
 *    caret and the fix), JSON (one object per finding) and SARIF 2.1.0.
 *
 * Checks must be deterministic and must not touch the host, except the ones
 * whose catalogue entry says they do (a bind source that does not exist on
 * this host): those read the filesystem through lint_host_path_exists() so
 * that tests can substitute a recorded host.
 */
#ifndef CELL_LINT_H
#define CELL_LINT_H

#include "diag.h"
#include "ir.h"

#include <stdbool.h>
#include <stddef.h>

enum lint_severity { LINT_NOTE, LINT_WARNING, LINT_ERROR };

struct lint_ctx;

/* One lint rule: its catalogue entry and its check. */
struct lint_check {
	const char *id;   /* "CL001": stable, never reused */
	const char *name; /* "dangerous-syscall": kebab-case, stable */
	enum lint_severity severity;
	const char *summary; /* one line, the SARIF shortDescription */
	const char *why;     /* a paragraph: why it matters, with CVEs */
	const char *example; /* policy text that triggers it */
	const char *fix;     /* one line: what to write instead */
	void (*run)(struct lint_ctx *ctx);
};

/* The check tables (each file exports one). */
extern const struct lint_check lint_syscall_checks[];
extern const size_t lint_n_syscall_checks;
extern const struct lint_check lint_fs_checks[];
extern const size_t lint_n_fs_checks;

/* For checks. ----------------------------------------------------------------
 *
 * lint_policy() is the policy being linted. lint_report() records a finding
 * of rule `id` (the running check's own ID, or another one it owns) at `loc`,
 * the construct's location; `holder` is the policy whose text holds the
 * construct (ir_rule.policy, ir_fs_op.policy, ...; NULL for the linted
 * policy itself), from which the engine builds the inheritance chain. The
 * message is one sentence without a final period; `fix` (may be NULL: the
 * catalogue's fix is used) is a one-line suggestion specific to this finding.
 */
const struct ir_policy *lint_policy(const struct lint_ctx *ctx);
void lint_report(struct lint_ctx *ctx, const char *id, struct src_loc loc, const char *holder,
                 const char *fix, const char *fmt, ...) __attribute__((format(printf, 6, 7)));
/* Whether `path` exists on the host running the lint (or on the recorded
 * host of the options, for tests). */
bool lint_host_path_exists(const struct lint_ctx *ctx, const char *path);

#endif

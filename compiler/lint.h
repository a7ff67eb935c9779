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

/* ---- The catalogue ------------------------------------------------------------
 *
 * Every rule of both tables and the engine's own (CL090-CL099: suppressions
 * without a reason, suppressing nothing, naming no rule), sorted by ID. The
 * engine's rules have no `run`: the engine reports them itself. */
size_t lint_rule_count(void);
const struct lint_check *lint_rule_at(size_t i);
/* The rule with ID `id` ("CL001"), or NULL. */
const struct lint_check *lint_rule_find(const char *id);
/* "note", "warning", "error". */
const char *lint_severity_name(enum lint_severity s);

/* ---- The engine ------------------------------------------------------------------
 *
 * A run lints any number of policies (of any number of files) and collects
 * their findings: lint_run_new(), lint_run_policy() for each policy,
 * lint_run_finish(), then read or print the findings (lint_output below).
 *
 * Suppressions (ir_policy.suppressions): an unscoped one (a `lint` block in
 * the policy or a base) silences every finding of its rule in the policy; a
 * scoped one (a `# lint:` comment) those whose location starts on its own
 * line of its own file. A silenced finding is kept, marked suppressed, with
 * the suppression's reason as its justification (SARIF shows it as
 * suppressed; text hides it). The engine itself reports:
 *   CL090 a suppression without a reason (it still silences);
 *   CL091 a suppression that silenced nothing in any policy of the run that
 *         carries it (reported by lint_run_finish);
 *   CL092 a suppression naming no rule ("did you mean"), or one of CL090-CL092,
 *         which cannot be suppressed.
 * Each suppression is judged once per run, however many linted policies
 * inherit it, and only in a run that lints the policy holding it: a
 * library's suppressions are the library's business, not that of every
 * policy deriving from it.
 *
 * The chain: when a finding's construct is held by a base (lint_report's
 * `holder`, or, when that is NULL, the lineage policy whose definition comes
 * last before the location in the same file), the finding carries the path
 * of inheritance from the linted policy to the holder, each link with the
 * location of that policy's name, from the IR (ir_policy.ancestors).
 *
 * Findings are sorted by file, line, column and rule, and a finding repeated
 * exactly (same rule, location, message and suppression state: a base's rule
 * seen through several derived policies) is kept once, for the first policy
 * linted.
 */
struct lint_options {
	/* Where lint_host_path_exists() looks: NULL (or "/") the real host; else
	 * a directory that stands for the host's root (a recorded host, an image's
	 * root filesystem, a test fixture). */
	const char *host_root;
};

struct lint_link {
	char *policy;
	struct src_loc loc; /* the policy's name where it is defined; line 0: unknown */
};

struct lint_finding {
	const struct lint_check *rule;
	struct src_loc loc;
	char *message; /* one sentence, no final period */
	char *fix;     /* the finding's own, else the catalogue's */
	char *policy;  /* the linted policy (the holder, for CL090-CL092) */
	/* The inheritance chain, linted policy first, holder last; empty when the
	 * linted policy holds the construct. */
	struct lint_link *chain;
	size_t n_chain;
	bool suppressed;
	char *justification;            /* the suppression's reason, or NULL */
	struct src_loc suppression_loc; /* where the suppression is written */
};

struct lint_run;

struct lint_run *lint_run_new(const struct lint_options *opt);
/* Runs every check of both tables on `p`. */
void lint_run_policy(struct lint_run *run, const struct ir_policy *p);
/* Reports the suppressions that silenced nothing, sorts and de-duplicates. */
void lint_run_finish(struct lint_run *run);
/* The findings, suppressed ones included. */
const struct lint_finding *lint_run_findings(const struct lint_run *run, size_t *n);
/* The number of findings not suppressed whose severity is at least `min`. */
size_t lint_run_count(const struct lint_run *run, enum lint_severity min);
/* The number of policies given to lint_run_policy(). */
size_t lint_run_policies(const struct lint_run *run);
void lint_run_free(struct lint_run *run);

/* ---- Output (lint_output.c) --------------------------------------------------------
 *
 *  text   `file:line:col: warning: message [CL003]`, the source line and a
 *         caret (from the diag context's source cache), `  fix: ...`, and the
 *         chain (`  via: demo -> base (lib/base.cell:3)`); suppressed findings
 *         are not shown. Colours only when asked (lint_color_wanted()); a
 *         closing count line when asked.
 *  json   a JSON array, one object per finding on its own line, keys in a
 *         fixed order: rule, name, severity, file, line, column, endLine,
 *         endColumn, message, fix, policy, chain [{policy, file, line}],
 *         suppressed, justification.
 *  sarif  SARIF 2.1.0: one run, tool.driver with the whole catalogue as
 *         rules; results with ruleId, ruleIndex, level, message, a physical
 *         location whose URI is relative to `root` (uriBaseId %SRCROOT%, given
 *         in originalUriBaseIds) or absolute when the file is outside it,
 *         the chain as relatedLocations, and for a suppressed finding
 *         suppressions [{kind: inSource, justification}].
 */
enum lint_format { LINT_FORMAT_TEXT, LINT_FORMAT_JSON, LINT_FORMAT_SARIF };

struct lint_output_options {
	enum lint_format format;
	bool color;            /* text: ANSI colours */
	struct diag_ctx *diag; /* text: source lines; may be NULL */
	const char *root;      /* sarif: an absolute directory; NULL: the cwd */
	bool summary;          /* text: end with "N policies linted: ..." */
};

/* Parses "text", "json", "sarif". Returns 0, or -1. */
int lint_format_parse(const char *s, enum lint_format *out);
/* True when `fd` is a terminal and NO_COLOR is unset or empty. */
bool lint_color_wanted(int fd);
/* Writes the run's findings to `out`. */
void lint_output(FILE *out, const struct lint_run *run, const struct lint_output_options *o);
/* The catalogue, for `cell lint --list-rules`: one line per rule. */
void lint_output_rules(FILE *out);
/* The directory holding `path`'s repository (its git top-level, found by
 * looking for .git upwards), as an absolute path; NULL when there is none.
 * Free with free(). */
char *lint_repository_root(const char *path);

#endif

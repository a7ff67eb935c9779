/*
 * resolve.h - from syntax trees to IR: the one place where names get meaning.
 *
 * The resolver loads a policy file and everything it includes, then turns
 * each requested policy into a struct ir_policy (ir.h). In order:
 *
 *  1. Loading. The built-in groups (names.h) are parsed first. `include
 *     "file"` is resolved relative to the including file, then in each -I
 *     directory in order. A file is loaded once (by its real path); including
 *     a file that is still being loaded is a cycle and an error that shows the
 *     chain; nesting deeper than RESOLVE_MAX_INCLUDE_DEPTH is an error.
 *     Constants, groups and policies share one namespace per kind across all
 *     loaded files; a second definition is an error showing both.
 *  2. Inheritance. `policy p : a, b` is linearised into p's lineage: p first,
 *     then its bases, every policy before all of its own bases, ties broken
 *     left to right (so with a diamond, the shared base comes last). Earlier
 *     in the lineage means higher precedence: the derived policy wins.
 *  3. Sections, flattened along the lineage (see ir.h for each section's
 *     order), with every name checked: syscalls, groups, errno names,
 *     constants, argument names, architectures, params. Unknown names are
 *     errors with a "did you mean" suggestion.
 *  4. Argument filters are typed against the syscall's signature: pointers
 *     cannot be compared, 32-bit arguments are compared on their low half,
 *     constants are folded to numbers.
 *
 * All problems go to the diag context; the result is only meaningful when no
 * error was reported.
 */
#ifndef CELL_RESOLVE_H
#define CELL_RESOLVE_H

#include "diag.h"
#include "ir.h"

#include <stddef.h>

#define RESOLVE_MAX_INCLUDE_DEPTH 16

struct resolve_options {
	const char *const *include_dirs; /* -I, searched in order */
	size_t n_include_dirs;
	const char *const *defines; /* -D NAME=VALUE: fills a param at compile time */
	size_t n_defines;
	const char *only_policy; /* -p NAME: resolve just this one (may be included) */
};

struct resolve_result {
	struct ir_policy **policies; /* the policies defined in the main file, in
	                              * source order, or just -p's */
	size_t n_policies;
};

/* Resolves the file at `path` (read from disk). Returns 0 when no error was
 * reported, -1 otherwise; `out` is filled in both cases and must be released
 * with resolve_result_free(). */
int resolve_file(struct diag_ctx *d, const char *path, const struct resolve_options *opt,
                 struct resolve_result *out);

/* The same for a text already in memory (the embedded default, tests, fuzzing).
 * Includes are resolved relative to the directory of `path`. */
int resolve_text(struct diag_ctx *d, const char *path, const char *text, size_t len,
                 const struct resolve_options *opt, struct resolve_result *out);

void resolve_result_free(struct resolve_result *r);

/* Groups, for `cell syscalls`: the names of all built-in groups (sorted), and
 * the expansion of one group (sorted syscall names). Return -1 after reporting
 * to `d` when the group is unknown. Strings are allocated; free with
 * resolve_names_free(). */
int resolve_builtin_group_names(struct diag_ctx *d, char ***names, size_t *n);
int resolve_builtin_group_expand(struct diag_ctx *d, const char *group, char ***names, size_t *n);
void resolve_names_free(char **names, size_t n);

#endif

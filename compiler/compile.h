/*
 * compile.h - the compile pipeline as one call: resolve a policy file, run
 * every backend on every policy, and write the bundles only if all of it
 * succeeded.
 */
#ifndef CELL_COMPILE_H
#define CELL_COMPILE_H

#include "resolve.h"

#include <stdbool.h>
#include <stdio.h>

struct compile_options {
	struct resolve_options resolve;
	const char *out_dir; /* NULL: check only, write nothing */
	bool quiet;          /* no summary lines */
};

struct bundle;

/* Compiles `path`; diagnostics and the summary go to `out`. Returns an exit
 * code: 0 success, 1 policy errors, 2 unreadable input. */
int compile_policy_file(const char *path, const struct compile_options *opt, FILE *out);

/* Runs the three backends for one resolved policy into `b` (initialised with
 * bundle_init). Returns 0, or -1 after reporting to `d`. */
int compile_bundle(struct diag_ctx *d, struct bundle *b);

/* `cell run`: compile one policy in memory (the file given, or the embedded
 * default when `policy_file` is NULL) and exec cellrun on it, handing the
 * bundle over as sealed memfds. `cellrun_args` are passed through (--param,
 * --bwrap, --dry-run, ...); `cmd` is the command and its arguments. Returns
 * an exit code only when it could not exec cellrun. */
int run_policy(const char *policy_file, const struct resolve_options *ropt,
               char *const *cellrun_args, size_t n_cellrun_args, char *const *cmd, FILE *out);

#endif

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

/* Compiles `path`; diagnostics and the summary go to `out`. Returns an exit
 * code: 0 success, 1 policy errors, 2 unreadable input. */
int compile_policy_file(const char *path, const struct compile_options *opt, FILE *out);

#endif

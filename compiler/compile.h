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
	unsigned emit;       /* COMPILE_EMIT_* exports written beside each bundle */
	const char *depfile; /* with out_dir: a make-style rule, the files written
	                      * depending on the files read (depfile.h) */
};

enum {
	COMPILE_EMIT_OCI = 1 << 0, /* NAME.oci.json: OCI runtime-spec seccomp object */
	COMPILE_EMIT_C = 1 << 1,   /* NAME.h: sock_filter array and sock_fprog */
	COMPILE_EMIT_ASM = 1 << 2, /* NAME.asm: disassembly */
	COMPILE_EMIT_PFC = 1 << 3, /* NAME.pfc: libseccomp's pseudo filter code */
};

/* Parses a comma-separated --emit list ("oci,c"). Returns the COMPILE_EMIT_*
 * mask, or -1 and sets *bad to the unknown word's start. */
int compile_parse_emit(const char *list, const char **bad);

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

/*
 * bundle.h - the compiled bundle: its pieces, its manifest, and writing a set
 * of bundles to disk atomically.
 *
 * A bundle is what `cell compile` produces for one policy NAME:
 *
 *     NAME.bpf       the seccomp filter (struct sock_filter[], for --seccomp FD)
 *     NAME.args      the bwrap argument file (emit_bwrap.h, for --args FD)
 *     NAME.limits    the resource limits (emit_limits.h)
 *     NAME.landlock  the policy as the Landlock tier applies it, for hosts
 *                    without user namespaces (emit_landlock.h)
 *     NAME.manifest  what ties them together: format version, compiler,
 *                    architectures, minimum bwrap, the policy's fallback,
 *                    open params, variables kept from the host, `file`
 *                    contents, and the size and SHA-256 of every other piece
 *
 * The manifest is line-based text that a libc-only runtime parses with
 * sscanf; docs/bundle.md gives its grammar, every key and the versioning
 * rule. The runtime refuses a set whose sizes or digests do not match, so a
 * piece replaced on its own (or a half-finished update) is never run.
 *
 * Writing (bundle_write_all) is all-or-nothing for the whole set: every piece
 * of every bundle is first written to a temporary file in the target
 * directory and fsync'ed; only then are they moved into place, each
 * bundle's manifest after its other pieces; then the directory is fsync'ed.
 * A final name only ever holds a complete file. On any failure, every temp
 * file is removed and every piece already moved is put back (the previous
 * file is swapped in again with renameat2(RENAME_EXCHANGE)), so earlier
 * artifacts with the same names are left as they were.
 */
#ifndef CELL_BUNDLE_H
#define CELL_BUNDLE_H

#include "diag.h"
#include "emit_bwrap.h"
#include "ir.h"
#include "util.h"

#include <stdbool.h>
#include <stddef.h>

#define BUNDLE_FORMAT_VERSION 2 /* 2: `fallback` and the landlock piece */

/* An export written beside the bundle (`--emit`): NAME.SUFFIX. Extras are
 * not pieces: the manifest does not list them and the runtime ignores them,
 * but they are written in the same all-or-nothing step. */
/* The suffixes of a bundle's files, the manifest first: it names and
 * digests the others, and stands for the bundle (a build's first output).
 * cmake/cellAddPolicy.cmake spells the same list (tested by
 * tests/integration/cmake_package.sh). */
#define BUNDLE_N_PIECES 5
extern const char *const bundle_pieces[BUNDLE_N_PIECES];

#define BUNDLE_MAX_EXTRAS 4
struct bundle_extra {
	const char *suffix; /* "oci.json", "h", "asm", "pfc" */
	struct buf content;
};

struct bundle {
	char *name;                     /* NAME of the files; a copy of the policy name */
	const struct ir_policy *policy; /* borrowed: architectures and params; must
	                                 * outlive the bundle */
	struct buf bpf;                 /* filled by the seccomp backend */
	struct buf args;                /* emit_bwrap_args() */
	struct buf limits;              /* emit_limits() */
	struct buf landlock;            /* emit_landlock() */
	struct bwrap_needs needs;       /* emit_bwrap_args() */
	struct bundle_extra extras[BUNDLE_MAX_EXTRAS];
	size_t n_extras;
};

/* An empty bundle for `p`. */
void bundle_init(struct bundle *b, const struct ir_policy *p);
void bundle_free(struct bundle *b);

/* Runs the bwrap, limits and Landlock backends for b->policy into b->args,
 * b->needs, b->limits and b->landlock (b->bpf is the seccomp backend's).
 * Returns -1 if any reported an error, else 0. */
int bundle_emit_args_and_limits(struct bundle *b, struct diag_ctx *d);

/* True if `name` can name a bundle: a single path component of printable
 * ASCII without spaces or '/', not starting with '.', at most 200 bytes (so
 * that "NAME.manifest" and its temp name fit in NAME_MAX). */
bool bundle_name_valid(const char *name);

/* Appends the manifest of bundle `b` compiled from `p` to `out`. Returns 0,
 * or -EINVAL when a name, architecture, param or variable cannot be written
 * as a manifest word (see bundle_name_valid) or `p` has no architecture, or
 * -EFBIG when a `file` is larger than BWRAP_MAX_DATA_SIZE; then `out` holds
 * a partial manifest that must not be used. */
int bundle_render_manifest(const struct ir_policy *p, const struct bundle *b, struct buf *out);

/* Writes the n bundles into directory `dir` (created with mode 0755 if it
 * is missing; its parent must exist), atomically as described above; files
 * get mode 0644. Reports every failure with diag_error(), naming the path
 * and the system's reason, and returns -1; returns 0 when every piece is in
 * place and the directory was fsync'ed. */
int bundle_write_all(struct diag_ctx *d, const char *dir, struct bundle *const *bundles, size_t n);

#endif

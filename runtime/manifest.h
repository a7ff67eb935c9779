/*
 * manifest.h - loading a compiled bundle and refusing anything doubtful.
 *
 * A bundle is NAME.manifest plus the pieces it names (NAME.bpf, NAME.args,
 * NAME.limits and, from version 2 on, NAME.landlock; docs/bundle.md).
 * Loading it means, in order:
 *   1. each file is opened and checked like sshd's StrictModes: a regular
 *      file, and neither it nor any directory above it writable by group or
 *      others, or owned by anyone but root and the caller;
 *   2. the manifest is parsed strictly: every line in its place, one space
 *      between fields, no unknown key, version `cell-bundle 1` or `2`;
 *   3. each piece is read whole and its size and SHA-256 must match.
 * Only then are the bytes handed out; the runtime never reads a piece again,
 * so a file changed after the check cannot reach bwrap.
 *
 * `cell run` hands a bundle compiled in memory over as open fds (sealed
 * memfds: the manifest, then each piece); those skip step 1, the rest is
 * the same.
 */
#ifndef CELLRUN_MANIFEST_H
#define CELLRUN_MANIFEST_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#define RT_BUNDLE_VERSION 2  /* the newest read; 1 is read too */
#define RT_MAX_DATA_FDS   64 /* `data` lines: fds 10 .. 73 */

enum rt_piece_kind {
	RT_PIECE_BPF,
	RT_PIECE_ARGS,
	RT_PIECE_LIMITS,
	RT_PIECE_LANDLOCK, /* version 2 on; empty (no file) in a version 1 bundle */
	RT_PIECE_COUNT
};

struct rt_bytes {
	unsigned char *data;
	size_t len;
};

struct rt_param {
	char *name;
	bool is_path;
	char *within;      /* `param NAME path in DIR`: the value must resolve below DIR */
	const char *value; /* from --param (or `resolved`); NULL until given */
	char *resolved;    /* a constrained value with its symbolic links resolved */
};

struct rt_data {
	int fd;
	struct rt_bytes bytes;
};

struct rt_piece {
	char *file; /* NAME.KIND, relative to the manifest's directory */
	size_t size;
	char digest[65]; /* lowercase hex */
	struct rt_bytes bytes;
};

struct rt_bundle {
	unsigned version; /* of the manifest: 1 or 2 */
	char *name;
	char **arches;
	size_t n_arches;
	unsigned bwrap_min[3];
	bool fallback_landlock; /* `fallback landlock` (version 2; false in 1) */
	struct rt_param *params;
	size_t n_params;
	char **env_keep;
	size_t n_env_keep;
	struct rt_data *data;
	size_t n_data;
	struct rt_piece pieces[RT_PIECE_COUNT];
};

/* Parses manifest text into b (zeroed first). Returns 0, or -1 with the
 * line number and what is wrong in err. */
int rt_manifest_parse(const char *text, size_t len, struct rt_bundle *b, char *err,
                      size_t err_size);

/* Loads and verifies PREFIX.manifest and its pieces (steps 1-3). */
int rt_bundle_load_path(const char *prefix, struct rt_bundle *b, char *err, size_t err_size);

/* The same from open fds: the manifest, then one per piece in manifest
 * order (bpf, args, limits, landlock); steps 2-3. n_fds must match the
 * manifest's version: 4 for version 1, 5 for version 2. */
int rt_bundle_load_fds(const int *fds, size_t n_fds, struct rt_bundle *b, char *err,
                       size_t err_size);

/* One `arch` line must name this machine's architecture (uname -m mapped to
 * libseccomp's names): the filter kills calls from any architecture it does
 * not list, so a bundle for another machine would kill every command. */
int rt_bundle_check_arch(const struct rt_bundle *b, const char *machine, char *err,
                         size_t err_size);

/* StrictModes for `path` and every directory above it, up to /. */
int rt_path_trusted(const char *path, uid_t caller, char *err, size_t err_size);

void rt_bundle_free(struct rt_bundle *b);

#endif

/*
 * emit_bwrap.h - the bwrap backend: a resolved policy as a bwrap argument file.
 *
 * The output is what `bwrap --args FD` reads: each argument followed by a
 * NUL. It holds options only. There is never a command and never `--` in it
 * (bwrap ignores a command given in an --args file, and the command must sit
 * after `--` on the real argv: CVE-2024-32462), and never --seccomp: the
 * filter travels on its own descriptor, passed by whoever runs the bundle.
 *
 * Order of the file, which is also the order bwrap applies it in:
 *   1. namespaces and process: --unshare-user --unshare-ipc --unshare-pid
 *      --unshare-uts --unshare-cgroup-try, --unshare-net unless net is host,
 *      --die-with-parent, --cap-drop ALL, then --new-session, --hostname,
 *      --uid, --gid when the policy sets them;
 *   2. filesystem operations exactly in IR order (later mounts shadow
 *      earlier ones);
 *   3. the environment, normalised (see below);
 *   4. --chdir, last.
 *
 * Some things the file cannot carry itself; they are returned in struct
 * bwrap_needs for the manifest (bundle.h) and the runtime:
 *   - `file` contents: each becomes `--ro-bind-data FD DST` with FD counted
 *     from BWRAP_FIRST_DATA_FD upward; the runner must open FD on exactly
 *     these bytes before it starts bwrap;
 *   - `keep` after a `clear`: the host's value is only known at run time,
 *     so the runner appends `--setenv NAME VALUE` after the file;
 *   - the oldest bwrap that understands every option used, and which
 *     construct needs each option newer than the baseline.
 *
 * Masks are decided on the HOST at compile time (docs/bundle.md, "Masks"):
 * a directory becomes `--tmpfs DST --remount-ro DST`, anything else
 * `--ro-bind /dev/null DST`; a missing path is skipped for `mask?` and an
 * error otherwise; a symbolic link is refused, because bwrap would mount
 * over whatever the link resolves to rather than over the link.
 *
 * Strings keep their ${PARAM} placeholders verbatim: the runtime fills them.
 */
#ifndef CELL_EMIT_BWRAP_H
#define CELL_EMIT_BWRAP_H

#include "diag.h"
#include "ir.h"
#include "util.h"

#include <stddef.h>

/* The first descriptor number handed out for `file` contents. 3..9 are left
 * to the runner (args, seccomp filter, status pipes, ...). */
#define BWRAP_FIRST_DATA_FD 10
/* The most a `file` may hold: its contents travel hex-encoded in the
 * manifest, which must stay small enough to read and review. */
#define BWRAP_MAX_DATA_SIZE (64 * 1024)

struct bwrap_version {
	unsigned major, minor, micro;
};

/* <0, 0, >0 like strcmp. */
int bwrap_version_compare(struct bwrap_version a, struct bwrap_version b);
/* "0.7.0" into buf; returns buf. */
const char *bwrap_version_format(struct bwrap_version v, char *buf, size_t size);

/* The contents of one `file` operation, to be supplied on descriptor `fd`. */
struct bwrap_data_fd {
	int fd;
	char *data; /* owned copy; may hold NUL bytes */
	size_t len;
};

/* An option that needs a bwrap newer than the baseline every file needs
 * (--cap-drop's), with the construct that put it in the file: `cell lint`
 * compares these with the policy's `requires bwrap` (CL029). */
struct bwrap_requirement {
	const char *option; /* "--size": a static string */
	struct bwrap_version version;
	struct src_loc loc;
};

struct bwrap_needs {
	struct bwrap_version min_version;
	struct bwrap_requirement *requirements; /* in file order */
	size_t n_requirements;
	struct bwrap_data_fd *data_fds; /* in fd order */
	size_t n_data_fds;
	char **env_keep; /* variables whose host value the runner passes in */
	size_t n_env_keep;
};

void bwrap_needs_init(struct bwrap_needs *needs);
void bwrap_needs_free(struct bwrap_needs *needs);

/* Appends the argument file for `p` to `args` and fills `needs`, which must
 * have been initialised with bwrap_needs_init() and be empty. Reports every
 * problem it finds with diag_error() and returns -1 if there was any (then
 * `args` and `needs` hold a partial result that must not be used), else 0. */
int emit_bwrap_args(const struct ir_policy *p, struct diag_ctx *d, struct buf *args,
                    struct bwrap_needs *needs);

/* Renders a NUL-separated argument file as text, one argument per line, for
 * people and golden tests: backslash, newline and other control bytes are
 * escaped (\\, \n, \xNN), so every argument is exactly one line. Trailing
 * bytes without a terminating NUL are rendered too, followed by the line
 * "<missing NUL>". */
void bwrap_args_to_text(const char *args, size_t len, struct buf *out);

#endif

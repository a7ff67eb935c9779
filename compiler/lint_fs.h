/*
 * lint_fs.h - the lint rules about what a sandbox can reach and what it
 * shows: mounts, network, limits, params, text and bwrap versions
 * (CL020-CL039; the syscall rules are in lint_syscalls.c, the engine that
 * runs both tables in lint.c, see lint.h).
 *
 * The rules, as docs/lint.md describes them to users:
 *
 *   CL020 sensitive-rw-bind      a read-write bind whose host source is, lies
 *                                inside, or covers a sensitive place: /etc,
 *                                the host's programs, /boot, /var/lib, /proc,
 *                                /sys, /dev devices, a home directory, the
 *                                files a home runs at login, credentials,
 *                                daemons' control sockets
 *   CL021 secret-ro-bind         a read-only bind that exposes credentials
 *                                (~/.ssh, ~/.aws, ...)
 *   CL022 shadowed-mount         a mount that a later one of the same policy
 *                                hides entirely (same destination or an
 *                                ancestor)
 *   CL023 readonly-undone        a read-write bind over a read-only bind, file
 *                                or mask (same destination or an ancestor)
 *   CL024 missing-bind-source    a bind source or mask missing on this host
 *                                and not marked optional with `?`
 *   CL025 untrusted-without-limit `untrusted` without a pids, memory or time
 *                                limit (one finding for each)
 *   CL026 unconstrained-path-param a read-write bind whose source starts with
 *                                a run-time param
 *   CL027 host-net-with-home-write `net host` and a read-write bind of or
 *                                inside a home directory
 *   CL028 control-char-in-text   control, escape or bidirectional characters
 *                                in text shown to people
 *   CL029 bwrap-too-new-option   an option that needs a newer bwrap than the
 *                                policy's `requires bwrap`
 *   CL030 socket-ro-bind         a read-only bind of, or over, a daemon's
 *                                control socket
 *
 * Paths are compared as components, after dropping empty and "." ones, and
 * textually otherwise: a ${PARAM} component equals only the same text (the
 * same param has the same value everywhere) and is never taken to be a
 * sensitive name, except where the place has a wildcard component (the
 * user's name in a home directory: a param there may well name a user).
 * Sources starting with a param are CL026's concern, not CL020's.
 *
 * CL020, CL021, CL027 and CL030 judge what a bind exposes: a place that a
 * later mount of the policy hides at its sandbox path (a tmpfs, a mask, a
 * file, a bind that is not optional) is not exposed, so `ro /home/alice`
 * then `mask? /home/alice/.ssh` does not expose the SSH keys.
 *
 * Only CL024 reads the host, through lint_host_path_exists(). CL029 asks
 * the bwrap backend (emit_bwrap.h) which options the policy needs, so the
 * versions are the manifest's; the backend stats mask paths, which changes
 * no requirement.
 *
 * The path functions below are exported for the unit tests.
 */
#ifndef CELL_LINT_FS_H
#define CELL_LINT_FS_H

#include <stdbool.h>

/* How path a relates to path b. */
enum lint_path_relation {
	LINT_PATH_UNRELATED,
	LINT_PATH_SAME,
	LINT_PATH_COVERS, /* a is a proper ancestor of b: mounting at a hides b */
	LINT_PATH_INSIDE, /* a lies under b */
};

/* `pattern` may hold `*` components, each matching any one component. */
enum lint_path_relation lint_path_relation(const char *a, const char *pattern);

/* The lists of places a host path is checked against. */
enum lint_place_list {
	LINT_PLACES_RW_SENSITIVE, /* CL020 */
	LINT_PLACES_SECRETS,      /* CL021 */
	LINT_PLACES_SOCKETS,      /* CL030 */
	LINT_PLACES_HOMES,        /* CL027 */
};

struct lint_place_hit {
	char place[64];                   /* as listed, homes spelt out: "/root/.ssh" */
	const char *what;                 /* what it holds: "SSH keys" */
	enum lint_path_relation relation; /* of the path to the place */
};

/* Whether the host path is, lies inside (for places that count with
 * everything under them) or covers a place of the list; the first such
 * place goes to *hit. */
bool lint_fs_place(const char *path, enum lint_place_list list, struct lint_place_hit *hit);

/* Whether a mount at `later` hides what was mounted at `earlier`: the same
 * path or an ancestor of it. */
bool lint_fs_covers(const char *later, const char *earlier);

#endif

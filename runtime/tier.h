/*
 * tier.h - the Landlock tier: a bundle applied by cellrun itself, without
 * bwrap, on hosts where user namespaces are unavailable.
 *
 * Only when the policy says `fallback landlock` (or cellrun is given
 * --fallback landlock) and a real probe shows that the user bwrap would run
 * as cannot create a user namespace (tier_run.h). Then the command runs
 * on the host's own tree under, in this order: the run's cgroup and
 * rlimits, an unprivileged uid when cellrun is root, PR_SET_NO_NEW_PRIVS,
 * a Landlock ruleset, the bundle's own seccomp filter, the policy's
 * environment and working directory. docs/landlock.md is the reference.
 *
 * This module reads the bundle's NAME.landlock piece (emit_landlock.h
 * gives its format) and turns it into a plan for this host and kernel:
 *
 *   - every `gap` the compiler found (tmpfs, proc, `at`, hostname, ...) is
 *     a refusal, with its policy location;
 *   - `ro`/`rw` become rules on the resolved host path; a missing path is
 *     skipped for `ro?`/`rw?` and refused otherwise; a bind that would
 *     show device nodes (`/`, `/dev` or anything in it, a device) is
 *     refused, because bwrap mounts binds nodev and Landlock cannot;
 *   - `dev /dev` becomes rules on the host's /dev/null, zero, full
 *     (read-write) and random, urandom (read);
 *   - `link DST -> TARGET` holds when the host has exactly that link, or
 *     nothing at DST (the sandbox then lacks the path: stricter, never
 *     weaker, since rules on real paths, not links, grant access); a
 *     different link or a real file or directory there is refused;
 *   - rules that overlap must not rely on a later mount hiding an earlier
 *     one: Landlock grants the union of the rules that cover a path, so a
 *     rule (or a `mask`) that grants less than another rule covering it is
 *     refused;
 *   - `net none` needs ABI 6 (TCP from 4, abstract UNIX sockets from 6);
 *     ABI 3 is the floor (below it truncate(2) is not controlled); signals
 *     are scoped from ABI 6, and below it the run warns.
 * Every refusal is collected, so that one run names them all.
 */
#ifndef CELLRUN_TIER_H
#define CELLRUN_TIER_H

#include "landlock.h"
#include "manifest.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#define RT_LL_FORMAT_VERSION 1
#define RT_LL_MIN_ABI        RT_LL_ABI_TRUNCATE

enum rt_ll_net { RT_LL_NET_NONE, RT_LL_NET_LOOPBACK, RT_LL_NET_HOST };
enum rt_ll_fs_kind { RT_LL_FS_RO, RT_LL_FS_RW, RT_LL_FS_DEV, RT_LL_FS_LINK, RT_LL_FS_MASK };
enum rt_ll_env_kind { RT_LL_ENV_CLEAR, RT_LL_ENV_KEEP, RT_LL_ENV_SET, RT_LL_ENV_UNSET };

struct rt_ll_fs {
	enum rt_ll_fs_kind kind;
	bool optional;
	char *loc;    /* "file:line:col", or "-" */
	char *path;   /* sandbox path = host path */
	char *target; /* RT_LL_FS_LINK only */
};

struct rt_ll_gap {
	char *loc;
	char *why;
};

struct rt_ll_env {
	enum rt_ll_env_kind kind;
	char *name;  /* NULL for clear */
	char *value; /* set only */
};

/* The NAME.landlock piece, decoded. */
struct rt_ll_piece {
	enum rt_ll_net net;
	char *net_loc;
	bool new_session;
	struct rt_ll_fs *fs;
	size_t n_fs;
	struct rt_ll_gap *gaps;
	size_t n_gaps;
	struct rt_ll_env *env;
	size_t n_env;
	char *cwd, *cwd_loc; /* NULL: keep cellrun's */
};

/* Parses the piece strictly (version, keys, order, field counts, the
 * percent-encoding). Returns 0, or -1 with the line and what is wrong. */
int rt_ll_piece_parse(const char *text, size_t len, struct rt_ll_piece *out, char *err,
                      size_t err_size);
/* Fills the params of b into every path, link target, value and cwd. */
int rt_ll_piece_fill(struct rt_ll_piece *p, const struct rt_bundle *b, char *err, size_t err_size);
void rt_ll_piece_free(struct rt_ll_piece *p);

/* One Landlock rule of the plan, or a mask (rights 0, never given to the
 * kernel: it only takes part in the overlap check). */
struct rt_ll_rule {
	char *what; /* "ro /usr", "dev /dev (/dev/null)", for messages */
	const char *loc;
	char *real; /* the host path, symbolic links resolved */
	uint64_t rights;
	bool is_dir;
	int fd; /* O_PATH, close-on-exec; -1 for a mask */
};

struct rt_ll_plan {
	int abi;
	struct rt_ll_rule *rules;
	size_t n_rules;
	bool deny_tcp;
	uint64_t scoped;
	char *refusals; /* "LOC: reason\n" per refusal; NULL when none */
	size_t n_refusals;
	char *warnings; /* "reason\n" per warning; NULL when none */
};

/* Checks piece `p` (filled) against this host for a kernel of Landlock ABI
 * `abi` and opens the rules' paths. Returns the number of refusals (0: the
 * plan can run). */
size_t rt_ll_plan_make(const struct rt_ll_piece *p, int abi, struct rt_ll_plan *plan);
void rt_ll_plan_free(struct rt_ll_plan *plan);

/* The same before run time (`cell explain`, `cell doctor`): params are not
 * filled, so fs entries that still hold ${NAME} are left out (cellrun
 * checks them when it has the values). */
size_t rt_ll_plan_preview(const struct rt_ll_piece *p, int abi, struct rt_ll_plan *plan);

/* The tier's verdict on a landlock piece (text) for `cell doctor`: the
 * number of refusals rt_ll_plan_preview() finds for `abi` (a piece that does
 * not parse counts as one), with the first and how many more in `why`. */
size_t rt_ll_verdict(const char *text, size_t len, int abi, char *why, size_t size);

/* The rules and settings as `cellrun --dry-run` shows them. */
void rt_ll_plan_print(FILE *to, const struct rt_ll_piece *p, const struct rt_ll_plan *plan);

#endif

/*
 * tier_run.h - deciding on the Landlock tier, and running a command under
 * it (tier.h says what the tier is).
 *
 * The decision comes from a probe, never from reading bwrap's messages: a
 * child, with the credentials bwrap would have (nobody, or --user, when
 * cellrun is root), calls unshare(CLONE_NEWUSER). If that fails, bwrap
 * cannot make its sandbox either, and a bundle whose policy says
 * `fallback landlock` (or a cellrun given --fallback landlock) runs under
 * this tier instead.
 *
 * The child made by rt_tier_launch(), in this order: restores the signal
 * mask; enters the run's cgroup and applies the rlimits; drops root for
 * good when cellrun is root; asks for SIGKILL when cellrun dies; starts a
 * new session if the policy asks; changes to the policy's directory;
 * marks every descriptor above 2 close-on-exec; sets PR_SET_NO_NEW_PRIVS
 * and clears the ambient capabilities; restricts itself with the plan's
 * Landlock ruleset; loads the bundle's seccomp filter, last, so that
 * nothing after it but execve runs under it; and execs the command with
 * the policy's environment (PATH searched in that environment). A failure
 * before the exec travels back over a close-on-exec pipe with the exit
 * status it means: 125 for a setup step, 127 for a command not found, 126
 * for one that cannot be executed.
 */
#ifndef CELLRUN_TIER_RUN_H
#define CELLRUN_TIER_RUN_H

#include "rt_limits.h"
#include "manifest.h"
#include "supervise.h"
#include "tier.h"

#include <signal.h>
#include <stdbool.h>
#include <sys/types.h>

/* Can `uid`/`gid` (when `drop`; else the caller) create a user namespace
 * and map its own uid in it, as bwrap must? Returns 0 when it can, the errno
 * of unshare(CLONE_NEWUSER) or of the uid_map write when it cannot (EPERM,
 * ENOSPC, EINVAL, ENOSYS...), or -1 when the probe itself failed. */
int rt_userns_probe(bool drop, uid_t uid, gid_t gid);

/* The command's environment: cellrun's own `host`, then the policy's
 * operations in order (clear, keep = the host's value or nothing, set,
 * unset). A NULL-terminated array of malloc'ed "NAME=VALUE" strings. */
char **rt_ll_environ(const struct rt_ll_piece *p, char *const *host);
void rt_ll_environ_free(char **env);

struct rt_tier_launch {
	char *const *command;
	char **env;
	const struct rt_ll_piece *piece;
	const struct rt_ll_plan *plan;
	const struct rt_bytes *filter; /* the bundle's struct sock_filter[] */
	struct rt_cgroup *cgroup;      /* NULL: none */
	const struct rt_limits *limits;
	bool drop_privileges;
	uid_t uid;
	gid_t gid;
	const sigset_t *child_mask;
};

/* Forks and execs the command as described above. Returns its pid, or -1
 * with err and the exit status the failure means in *code. */
pid_t rt_tier_launch(const struct rt_tier_launch *l, int *code, char *err, size_t err_size);

/* A whole run under the tier, from a loaded bundle with its params bound:
 * plans it (refusing, with every reason, what the tier cannot express
 * here), says on stderr that it runs under this tier and why, then sets up
 * the cgroup, launches and supervises. With dry_run, prints the plan on
 * stdout instead of running. Fills *out (exit 125 on any refusal). */
struct rt_tier_run {
	const struct rt_bundle *bundle;
	const struct rt_limits *limits;
	char *const *command;
	bool drop;
	uid_t uid;
	gid_t gid;
	bool dry_run;
	int userns_errno;        /* why the tier is used */
	const char *self_cgroup; /* the text of /proc/self/cgroup */
};

void rt_tier_run(const struct rt_tier_run *t, struct rt_outcome *out);

#endif

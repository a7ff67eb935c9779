/*
 * launch.h - finding bwrap, and starting it with exactly the right
 * descriptors, credentials and limits.
 *
 * The child made by rt_launch(), in this order: restores the signal mask
 * and default dispositions; enters the run's cgroup; applies the rlimits;
 * when started by root, drops to an unprivileged user for good
 * (setgroups(0), setresgid, setresuid, then checks root cannot be regained);
 * asks for SIGKILL when cellrun dies; puts the handed-over descriptors at
 * their fixed numbers (args 3, filter 4, status 5, `data` at 10 and up) and
 * closes every other descriptor above 2; then execs bwrap. It never sets
 * PR_SET_NO_NEW_PRIVS: a setuid bwrap must keep working. Any failure in the
 * child travels back over a close-on-exec pipe, so rt_launch() returns
 * only once bwrap is running or has failed to start.
 */
#ifndef CELLRUN_LAUNCH_H
#define CELLRUN_LAUNCH_H

#include "rt_limits.h"
#include "manifest.h"

#include <signal.h>
#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#define RT_ARGS_FD   3
#define RT_FILTER_FD 4
#define RT_STATUS_FD 5
/* Everything cellrun hands over is first moved at or above this number, so
 * that putting one descriptor in place never overwrites another. */
#define RT_HIGH_FD 128

struct rt_launch {
	const char *bwrap;
	char *const *argv; /* argv[0] is bwrap */
	int args_fd, filter_fd, status_fd;
	int stderr_fd; /* becomes the child's fd 2; -1: keep cellrun's */
	const struct rt_data *data;
	const int *data_fds;
	size_t n_data;
	struct rt_cgroup *cgroup; /* NULL: none */
	const struct rt_limits *limits;
	bool drop_privileges;
	uid_t uid;
	gid_t gid;
	const sigset_t *child_mask;
};

/* Moves fd at or above RT_HIGH_FD, close-on-exec; closes the original. */
int rt_fd_high(int fd, char *err, size_t err_size);

/* bwrap's path: `option` (--bwrap), else $CELL_BWRAP, else the first
 * executable `bwrap` on $PATH. Returns a malloc'ed path or NULL with err. */
char *rt_find_bwrap(const char *option, char *err, size_t err_size);

/* Runs `bwrap --version` and parses "bubblewrap X.Y.Z". */
int rt_bwrap_version(const char *bwrap, unsigned version[3], char *err, size_t err_size);

/* --user NAME|UID (NULL: nobody) to ids; root is refused. */
int rt_resolve_user(const char *spec, uid_t *uid, gid_t *gid, char *err, size_t err_size);

/* In a child started by root: the user `uid`/`gid` for good, with no
 * supplementary groups and no way back (checked). Returns 0 or -1 with err. */
int rt_drop_privileges(uid_t uid, gid_t gid, char *err, size_t err_size);

/* Forks and execs bwrap as described above. Returns its pid, or -1 with err
 * (then nothing is left running). */
pid_t rt_launch(const struct rt_launch *l, char *err, size_t err_size);

/* The fork both tiers use: the child runs body(arg, report, parent), which
 * execs or writes why it could not to `report` (a close-on-exec pipe, so an
 * exec closes it unwritten) and exits. Returns the child's pid once it has
 * exec'd; or -1 with err holding the child's message, verbatim, or the
 * pipe or fork error (then the child, if any, has been reaped). */
pid_t rt_spawn(void (*body)(const void *arg, int report, pid_t parent), const void *arg, char *err,
               size_t err_size);

#endif

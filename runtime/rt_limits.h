/*
 * rt_limits.h - cellrun's resource limits: read the bundle's NAME.limits,
 * enforce each limit for the sandbox as a whole, and tell afterwards what
 * happened (OOM, peak memory, CPU used).
 *
 * Order of preference, per limit:
 *   1. cgroup v2: a new leaf under a subtree this user may write (a delegated
 *      systemd user slice, or the current process's own cgroup when it is
 *      writable); memory.max, pids.max, cpu.max.
 *   2. cgroup v1: one new directory per controller (memory, pids, cpu) under
 *      the hierarchy's root or the current cgroup; memory.limit_in_bytes
 *      (and memsw when the kernel has swap accounting), pids.max,
 *      cpu.cfs_quota_us / cpu.cfs_period_us.
 *   3. rlimits, which only complement: nofile and fsize are per process by
 *      nature; RLIMIT_CORE is always 0; RLIMIT_AS stands in for memory only
 *      when no cgroup can and the limit is best-effort.
 * A limit that cannot be enforced is an error naming the fix, unless the
 * limits file marks it best-effort; then it is a warning. `time` is wall
 * clock and belongs to the caller (the supervisor loop), not to this module.
 *
 * Everything here is libc only. The cgroup root is a parameter so the unit
 * tests can run against a fake tree.
 */
#ifndef CELLRUN_LIMITS_H
#define CELLRUN_LIMITS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <sys/types.h>

struct rt_limit {
	bool set;
	bool infinite;
	bool best_effort;
	uint64_t value;
};

struct rt_limits {
	struct rt_limit memory_bytes, pids, cpu_millicores, time_ms, nofile, fsize_bytes;
};

/* Parses a `cell-limits 1` file (docs/bundle.md). Returns 0, or -1 with a
 * message in err. */
int rt_limits_parse(const char *text, size_t len, struct rt_limits *out, char *err,
                    size_t err_size);

enum rt_cgroup_version { RT_CGROUP_NONE, RT_CGROUP_V1, RT_CGROUP_V2 };

struct rt_cgroup; /* the cgroup(s) made for one run */

/* Creates the cgroup(s) for one run under `root` (normally
 * "/sys/fs/cgroup"; `self_cgroup` is the text of /proc/self/cgroup, passed in
 * so tests can fake it) and writes the limits. Prints warnings for
 * best-effort limits it could not enforce to `log`. Returns 0 and *out (NULL
 * when no limit needs a cgroup), or -1 with the reason and the fix in err. */
int rt_cgroup_create(const struct rt_limits *l, const char *root, const char *self_cgroup,
                     const char *name_hint, struct rt_cgroup **out, FILE *log, char *err,
                     size_t err_size);
enum rt_cgroup_version rt_cgroup_version(const struct rt_cgroup *cg);
/* Whether the cgroup(s) hold the memory limit (false for NULL): when not,
 * a best-effort memory limit falls back to RLIMIT_AS. */
bool rt_cgroup_holds_memory(const struct rt_cgroup *cg);
/* Moves process `pid` (0: the caller) into the cgroup(s). */
int rt_cgroup_enter(struct rt_cgroup *cg, pid_t pid, char *err, size_t err_size);
/* Sends `sig` to every process in the cgroup(s) (cgroup.kill for SIGKILL on v2). */
int rt_cgroup_signal(struct rt_cgroup *cg, int sig);
/* After the run: whether the OOM killer fired in it, peak memory (0 if
 * unknown), CPU time used in microseconds (0 if unknown). */
bool rt_cgroup_oom_killed(struct rt_cgroup *cg);
uint64_t rt_cgroup_peak_memory(struct rt_cgroup *cg);
uint64_t rt_cgroup_cpu_usec(struct rt_cgroup *cg);
/* Kills what is left, removes the directories, frees. NULL is fine. */
void rt_cgroup_destroy(struct rt_cgroup *cg);

/* In the child, just before exec: nofile, fsize, core 0, and RLIMIT_AS when
 * memory is best-effort and no cgroup holds it (`memory_in_cgroup` false).
 * Returns 0 or -1 with err. */
int rt_rlimits_apply(const struct rt_limits *l, bool memory_in_cgroup, char *err, size_t err_size);

#endif

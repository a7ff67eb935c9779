/*
 * hostcheck.h - what this host lets a sandbox do: one check per host
 * condition that stops or weakens bwrap, the diagnosis of a start that
 * failed, and the verdict on which tier a bundle can run under here.
 *
 * Two halves, so that every check can be unit-tested with recorded hosts:
 *
 *   - The checks are pure. Each reads a `struct hc_host`, a recording of
 *     the host (file contents, the results of probes), and the needs of one
 *     bundle (or NULL), and fills a `struct hc_result`: ok, or the
 *     condition, what it breaks and the fix. tests/unit/test_hostcheck.c
 *     feeds them the states of hosts that are not this one.
 *   - The probe (hc_probe, hostprobe.c) records the live host: it reads
 *     /proc, /sys and /etc/apparmor.d, and forks children that try, as the
 *     user bwrap will run as, what bwrap does first: create a user
 *     namespace, map ids in it, make / private in a new mount namespace and
 *     mount a fresh /proc in a new pid namespace. The full probe (`cell
 *     doctor`) also asks bwrap its version, starts one real bwrap sandbox,
 *     places one cgroup per controller with the runtime's own code
 *     (rt_limits.h) and asks the kernel its Landlock ABI.
 *
 * A status says what a condition does to the bwrap tier: HC_FAIL stops it
 * (for every bundle, or for the bundle whose needs were given), HC_WARN
 * leaves it running weaker than one might think, HC_NOTE is worth knowing,
 * HC_OK is fine. The bwrap tier can run a bundle iff no check fails for it.
 *
 * Users: `cell doctor` (compiler/cmd_doctor.c) runs every check, prints
 * them and the tier verdict; cellrun, when bwrap failed before the command
 * started, takes the light probe and prints hc_diagnose()'s one line. libc
 * only, like the rest of the runtime. docs/doctor.md describes each check.
 */
#ifndef CELLRUN_HOSTCHECK_H
#define CELLRUN_HOSTCHECK_H

#include "rt_limits.h"

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

enum hc_status { HC_OK, HC_NOTE, HC_WARN, HC_FAIL };

#define HC_TEXT 640

struct hc_result {
	const char *id; /* "max-user-namespaces" */
	enum hc_status status;
	char condition[HC_TEXT]; /* what was found (for ok too) */
	char breaks[HC_TEXT];    /* "" when it breaks nothing */
	char fix[HC_TEXT];       /* "" when there is nothing to do */
};

/* One step of the namespace probe: 0 it worked, an errno it failed,
 * HC_NOT_TRIED when an earlier step failed or the probe did not run. */
#define HC_NOT_TRIED (-1)
struct hc_ns_probe {
	int userns; /* unshare(CLONE_NEWUSER) */
	int idmap;  /* writing setgroups, uid_map and gid_map in it */
	int mount;  /* unshare(CLONE_NEWNS|CLONE_NEWPID) and making / private */
	int proc;   /* mounting a fresh proc as the new pid namespace's init */
};

enum hc_controller { HC_MEMORY, HC_PIDS, HC_CPU, HC_N_CONTROLLERS };

/* A recording of the host. Text is NULL when the file is absent or
 * unreadable; the probe owns what it fills (hc_host_free). */
struct hc_host {
	const char *osrelease;         /* /proc/sys/kernel/osrelease */
	bool has_userns;               /* /proc/self/ns/user exists */
	const char *userns_clone;      /* /proc/sys/kernel/unprivileged_userns_clone */
	const char *max_userns;        /* /proc/sys/user/max_user_namespaces */
	const char *apparmor_restrict; /* /proc/sys/kernel/apparmor_restrict_unprivileged_userns */
	const char *apparmor_profiles; /* files of /etc/apparmor.d naming `userns`, concatenated */
	const char *status;            /* /proc/self/status */
	const char *mountinfo;         /* /proc/self/mountinfo */
	const char *seccomp_actions;   /* /proc/sys/kernel/seccomp/actions_avail */
	const char *tracer_comm;       /* /proc/TRACERPID/comm when being traced */
	bool dockerenv, containerenv;  /* /.dockerenv, /run/.containerenv */
	uid_t euid;

	const char *bwrap;         /* the bwrap cellrun would use; NULL: none */
	const char *bwrap_error;   /* why there is none, or why its version is unknown */
	bool bwrap_setuid;         /* owned by root with the setuid bit */
	unsigned bwrap_version[3]; /* 0.0.0: unknown */

	uid_t run_uid; /* the user bwrap runs as (nobody when started by root) */
	struct hc_ns_probe ns;
	bool bwrap_ran;           /* a real sandbox was tried (full probe) */
	int bwrap_exit;           /* its exit status (-1: did not exit) */
	const char *bwrap_stderr; /* its message */

	bool cgroup_probed;
	const char *cgroup_version; /* "v1", "v2", NULL: none placed */
	/* NULL when a limit of this kind could be placed, else why not. */
	const char *cgroup_error[HC_N_CONTROLLERS];
	int landlock_abi; /* 0: not supported; -1: not probed */
};

/* What one bundle asks of the host. */
struct hc_needs {
	const char *name;
	unsigned bwrap_min[3];
	const struct rt_limits *limits; /* NULL: none */
	bool proc;                      /* the args mount a fresh /proc */
	const char *landlock;           /* the landlock piece (tier.h); NULL: none */
	size_t landlock_len;
	bool fallback_landlock; /* the policy says `fallback landlock` */
};

/* Whether a NUL-separated bwrap argument file mounts a fresh /proc. */
bool hc_args_mount_proc(const void *args, size_t len);

/* ---- the checks ---------------------------------------------------------- */

/* The ids of every check, in the order `cell doctor` prints them. */
extern const char *const hc_check_ids[];
extern const size_t hc_n_checks;

/* Runs check `id` on h (with n, or NULL: no bundle). Returns 0, or -1 for an
 * unknown id. */
int hc_check(const char *id, const struct hc_host *h, const struct hc_needs *n,
             struct hc_result *out);

/* "ok", "note", "warn", "FAIL". */
const char *hc_status_name(enum hc_status s);

/* ---- the diagnosis of a failed start -------------------------------------- */

struct hc_diagnosis {
	const char *what; /* "create a user namespace", "mount a new /proc" */
	char cause[2 * HC_TEXT];
	char fix[HC_TEXT];
};

/* Why bwrap, started as h->run_uid, cannot set up the sandbox of bundle n
 * (NULL: any) here: the first failing check among those that explain a
 * failed start. Returns false when none fails (then bwrap failed for a
 * reason of the policy's, such as a missing path). */
bool hc_diagnose(const struct hc_host *h, const struct hc_needs *n, struct hc_diagnosis *d);

/* ---- tiers ------------------------------------------------------------------ */

/* The bwrap tier: can bwrap run bundle n here, with its limits enforced?
 * HC_OK when it can; otherwise HC_FAIL with the failing checks named. */
void hc_bwrap_tier(const struct hc_host *h, const struct hc_needs *n, struct hc_result *out);

/* The Landlock tier's verdict (runtime/tier.h): can it apply bundle n with
 * this host's Landlock ABI and paths? HC_OK, or HC_FAIL with the first
 * reason it would refuse (and how many more); paths that hold params are
 * left to run time. */
void hc_landlock_tier(const struct hc_host *h, const struct hc_needs *n, struct hc_result *out);

/* ---- the live probe (hostprobe.c) ----------------------------------------- */

struct hc_probe_options {
	const char *bwrap; /* as --bwrap; NULL: $CELL_BWRAP, else PATH (like cellrun) */
	bool drop;         /* run the namespace probes as uid/gid (cellrun started as root) */
	uid_t uid;
	gid_t gid;
	bool full; /* `cell doctor`: also version, a real sandbox, cgroups, Landlock */
};

void hc_probe(struct hc_host *h, const struct hc_probe_options *o);
void hc_host_free(struct hc_host *h);

/* snprintf that cuts silently: every message buffer here is fixed. */
void hc_text_cut(char *out, size_t size, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

#endif

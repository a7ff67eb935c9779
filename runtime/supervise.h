/*
 * supervise.h - watching one run of bwrap: signals, the wall-clock limit,
 * bwrap's status stream and stderr, and what the outcome means.
 *
 * bwrap 0.8.0 writes on --json-status-fd a line with "child-pid" when it
 * has made the sandbox's first process, and a line with "exit-code" only
 * when the command was executed and has ended (128+N when it died of signal
 * N). No "exit-code" line means the command never ran: setup failed, or
 * execvp failed. bwrap says which only on stderr ("bwrap: execvp CMD:
 * REASON"), so the sandbox's stderr reaches cellrun's through a pipe that
 * cellrun relays byte for byte, keeping the last few KiB to read bwrap's
 * message from. Text seen after the command started is never interpreted.
 *
 * Signals sent to cellrun (INT, TERM, HUP, QUIT, USR1, USR2, ALRM) go to every process in the
 * sandbox except bwrap's own init (the descendants of "child-pid"); before
 * the command has started they go to bwrap, which ends the setup. On the
 * time limit: SIGTERM the same way, 2 s of grace, then SIGKILL to bwrap
 * (its --die-with-parent takes the sandbox down with it) and to the cgroup.
 */
#ifndef CELLRUN_SUPERVISE_H
#define CELLRUN_SUPERVISE_H

#include "rt_limits.h"

#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

#define RT_STDERR_TAIL 4096

enum rt_reason {
	RT_EXITED,
	RT_SIGNALED,
	RT_SECCOMP,
	RT_OOM,
	RT_TIMEOUT,
	RT_SETUP_FAILED,
};

struct rt_outcome {
	int exit_code; /* what cellrun exits with */
	int signal;    /* 0: none */
	enum rt_reason reason;
	uint64_t wall_ms;
	bool have_cpu, have_peak;
	uint64_t cpu_ms, peak_bytes;
};

struct rt_watch {
	pid_t bwrap;
	int signal_fd; /* signalfd for CHLD and the forwarded signals */
	int status_fd; /* read end of --json-status-fd */
	int stderr_fd; /* read end of the sandbox's stderr, -1 if not relayed */
	struct rt_cgroup *cgroup;
	uint64_t time_limit_ms; /* 0: none */
	uint64_t memory_limit;  /* for the OOM message; 0: none */
	/* When bwrap failed before the command started: called with the tail of
	 * its stderr ("" when not relayed); returns true when it printed the
	 * explanation itself (cellrun's host diagnosis, hostcheck.h). */
	bool (*diagnose)(const char *bwrap_stderr, void *ctx);
	void *diagnose_ctx;
	/* The Landlock tier (tier_run.h): `bwrap` is the command itself, with
	 * no status stream; its exit status is the outcome, signals go to every
	 * descendant of cellrun (a child subreaper), and whatever is left of
	 * them when the command has ended is killed. */
	bool direct;
};

/* Runs until bwrap has ended and its pipes are drained, prints the
 * one-line explanations, and fills *out. */
void rt_supervise(const struct rt_watch *w, struct rt_outcome *out);

/* Blocks the signals rt_supervise() forwards or waits for (CHLD, INT, TERM,
 * HUP, QUIT, USR1, USR2, ALRM: the last three would otherwise end cellrun
 * and leave its cgroup behind), saving the old mask in *old, and returns a
 * signalfd for them, or -1 with errno (the mask is changed either way). */
int rt_signals_watch(sigset_t *old);

/* "exited", "seccomp", ... as in --status-json. */
const char *rt_reason_name(enum rt_reason r);

/* 1500 -> "1.5s", 30000 -> "30s", 250 -> "250ms". */
void rt_format_ms(uint64_t ms, char *buf, size_t size);

#endif

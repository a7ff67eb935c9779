/*
 * escape.h - what the escape programs (tests/escape/NAME.c) share.
 *
 * Each program makes one attack on its sandbox for real, from inside it, and
 * prints one line that tests/runtime/escape.sh reads:
 *
 *   NAME: contained: CALL=RESULT ...          exit 0: every call was refused
 *                                             the way the baseline promises
 *   NAME: ESCAPED: CALL=RESULT ...            exit 1: a call the baseline
 *                                             refuses worked
 *   NAME: refused otherwise: CALL=RESULT ...  exit 3: refused, but not the
 *                                             baseline's way (EPERM where it
 *                                             answers ENOSYS, a call that
 *                                             should have been killed)
 *
 * RESULT is "ok" or the errno's name, so the same line run without the
 * baseline (the driver's control run) shows whether the kernel would have
 * refused the call anyway, and with which errno. A program the filter kills
 * prints nothing: the driver sees SIGSYS. Exit 2 is the program's own
 * failure (a set-up step that should always work did not).
 *
 * Bounds: every program arms alarm(ESCAPE_SECONDS) first; children are
 * reaped; sockets are created and never connected; keys go to the process
 * keyring, which dies with the process; calls that need privileges are given
 * arguments the kernel rejects even when they are held (an unknown kexec
 * flag, no module image), so nothing outside the sandbox can change.
 */
#ifndef CELL_ESCAPE_H
#define CELL_ESCAPE_H

#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#define ESCAPE_SECONDS 10

/* What the baseline answers a call with. */
enum escape_want {
	REFUSED = 0,  /* any error */
	WANT_ENOSYS,  /* exactly ENOSYS */
	WANT_KILLED,  /* the process never returns from the call */
	SETUP = 1000, /* not an attack: must succeed, or the program failed */
};

static struct {
	const char *name;
	char evidence[2048];
	bool escaped, otherwise;
} escape_state;

static inline void escape_start(const char *name)
{
	escape_state.name = name;
	setvbuf(stdout, NULL, _IOLBF, 0);
	alarm(ESCAPE_SECONDS);
}

static inline void escape_note(const char *call, const char *result)
{
	size_t used = strlen(escape_state.evidence);
	snprintf(escape_state.evidence + used, sizeof(escape_state.evidence) - used, " %s=%s", call,
	         result);
}

/* Records one call: `rc` its return value (negative on failure), `err` the
 * errno it left. */
static inline void escape_call(const char *call, long rc, int err, enum escape_want want)
{
	if (want == SETUP) {
		if (rc < 0) {
			printf("%s: set-up failed: %s: %s\n", escape_state.name, call,
			       strerror(err));
			exit(2);
		}
		return;
	}
	const char *name = rc >= 0 ? "ok" : strerrorname_np(err);
	escape_note(call, name ? name : "unknown-errno");
	if (rc >= 0)
		escape_state.escaped = true;
	else if ((want == WANT_ENOSYS && err != ENOSYS) || want == WANT_KILLED)
		escape_state.otherwise = true;
}

/* Prints the verdict line; returns the exit status. */
static inline int escape_finish(void)
{
	const char *verdict = escape_state.escaped     ? "ESCAPED"
	                      : escape_state.otherwise ? "refused otherwise"
	                                               : "contained";
	printf("%s: %s:%s\n", escape_state.name, verdict, escape_state.evidence);
	return escape_state.escaped ? 1 : escape_state.otherwise ? 3 : 0;
}

#endif

/*
 * emit_landlock.h - the Landlock backend: what cellrun needs to apply a
 * policy without bwrap, as the bundle's NAME.landlock piece.
 *
 * When user namespaces are unavailable and the policy (or the command line)
 * allows `fallback landlock`, cellrun runs the command itself under Landlock,
 * the bundle's seccomp filter and the limits (docs/landlock.md). That tier
 * has no mount, pid, UTS, IPC or network namespace, so it sees the host's
 * own tree and can only take rights away from it. This backend sorts the
 * policy into what maps and what does not:
 *
 *   maps                                  does not map (a `gap`)
 *   ro / rw / ro? / rw? PATH (no `at`)    `at` (a path in another place)
 *   dev /dev (the host's null, zero,      dev anywhere else, proc, tmpfs,
 *     full, random, urandom)              dir, file
 *   link DST -> TARGET (the host must     hostname, uid, gid
 *     have that very link; checked at
 *     run time)
 *   mask / mask? (nothing to grant;       net loopback (a private loopback)
 *     checked against the other rules
 *     at run time)
 *   net none / host, env, cwd, new-session
 *
 * What depends on the host (the Landlock ABI, existing links, overlapping
 * rules once params are filled and links resolved) is checked by cellrun;
 * what never maps is decided here, each gap with its policy location, so
 * that cellrun can refuse before running anything and say every reason.
 *
 * The piece is text, one item per line, fields separated by one space;
 * every string (path, location, value) is percent-encoded: bytes at or
 * below space, at or above 0x7f, and '%' become %XX (lowercase hex).
 * docs/landlock.md gives the grammar:
 *
 *     cell-landlock 1
 *     net none demo.cell:12:3
 *     new-session
 *     fs ro policies/lib/system.cell:9:5 /usr
 *     fs link policies/lib/system.cell:10:5 /bin usr/bin
 *     fs rw? demo.cell:7:5 ${WORKDIR}
 *     fs dev policies/lib/system.cell:20:5 /dev
 *     gap policies/lib/system.cell:21:5 tmpfs%20/tmp:%20a%20private...
 *     env clear
 *     env set HOME /work
 *     cwd demo.cell:8:5 /work
 *
 * ${PARAM} placeholders stay as written; cellrun fills them.
 */
#ifndef CELL_EMIT_LANDLOCK_H
#define CELL_EMIT_LANDLOCK_H

#include "diag.h"
#include "ir.h"
#include "util.h"

#define LANDLOCK_FORMAT_VERSION 1

/* Calls `gap` for each construct of `p` that the Landlock tier can never
 * express, in policy order, with a one-line reason ("tmpfs /tmp: a private
 * tmpfs needs a mount namespace"). Returns how many there were. */
size_t landlock_gaps(const struct ir_policy *p,
                     void (*gap)(void *ctx, struct src_loc loc, const char *why), void *ctx);

/* Appends the NAME.landlock piece for `p` to `out`. Cannot fail: whatever
 * does not map is a `gap` line, not an error. Locations in a file found
 * through -I are written by its display name from `names` (the resolve's
 * diag context, diag.h), as its include named it (`system.cell`,
 * `lib/system.cell`); the others relative to the directory of the policy's
 * own file. `names` may be NULL: then every location is written the second
 * way. */
void emit_landlock(const struct ir_policy *p, const struct diag_ctx *names, struct buf *out);

#endif

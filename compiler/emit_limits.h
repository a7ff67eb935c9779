/*
 * emit_limits.h - the limits backend: resource limits as a small text file.
 *
 * bwrap does not enforce resource limits; the runtime does (cgroup v2, then
 * v1, then rlimits) from this file. The format is line-based so that a libc
 * runtime parses it with sscanf and nothing else (docs/bundle.md, "The
 * limits file"):
 *
 *     cell-limits 1
 *     memory-bytes 536870912
 *     pids 64 best-effort
 *     cpu-millicores 1500
 *     time-ms 30000
 *     nofile infinity
 *     fsize-bytes 104857600
 *
 * The first line is the format version. Then one line per limit the policy
 * sets, always in the order above; the unit is in the key; the value is a
 * decimal integer or `infinity` (explicitly unlimited); ` best-effort` is
 * appended when the policy lets the runtime go on without that limit.
 */
#ifndef CELL_EMIT_LIMITS_H
#define CELL_EMIT_LIMITS_H

#include "diag.h"
#include "ir.h"
#include "util.h"

#define LIMITS_FORMAT_VERSION 1

/* Appends the limits file for `p` to `out`. A finite limit of zero (which
 * would stop the command before it starts) is reported with diag_error();
 * returns -1 if anything was reported, else 0. */
int emit_limits(const struct ir_policy *p, struct diag_ctx *d, struct buf *out);

#endif

/*
 * emit_cheader.h - the seccomp filter as a C header, for a program that
 * installs its own filter instead of running under bwrap.
 *
 * `cell compile task.cell --emit c -o out/` writes out/task.h:
 *
 *     static const struct sock_filter task_filter[] = {
 *             {0x0020,   0,   0, 0x00000004}, + comment "   0: ld [4] ; A = arch"
 *             ...
 *     };
 *     static const struct sock_fprog task_prog = {.len = N, .filter = ...};
 *
 * The instructions are exactly those of NAME.bpf (emit_seccomp_bpf()), and
 * each carries its disassembly (emit_asm.h) as a comment, so the syscall an
 * instruction compares against is named in the source. NAME is the policy's
 * name made a C identifier: every character outside [A-Za-z0-9_] becomes
 * '_', and a leading digit gets a "policy_" prefix. The header includes
 * <linux/filter.h> and has an include guard; both objects are marked unused
 * so that a program using only one of them compiles with -Werror.
 *
 * A program installs the filter with
 *     prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0);
 *     prctl(PR_SET_SECCOMP, SECCOMP_MODE_FILTER, &task_prog);
 * The filter checks the architecture itself: it kills a process calling
 * through an ABI the policy does not list, and the x32 ABI always.
 */
#ifndef CELL_EMIT_CHEADER_H
#define CELL_EMIT_CHEADER_H

#include "diag.h"
#include "ir.h"
#include "util.h"

/* The C identifier for a policy name, allocated; NULL for an empty name. */
char *cheader_identifier(const char *policy_name);

/* Appends the header for the program `bpf` (the raw output of
 * emit_seccomp_bpf() for `p`) to `out`. Returns 0, or -1 after reporting when
 * the program cannot be disassembled or the name gives no identifier. */
int emit_c_header(const struct ir_policy *p, const struct buf *bpf, struct diag_ctx *d,
                  struct buf *out);

#endif

/*
 * emit_seccomp.h - the seccomp backend: a policy's syscall rules as the raw
 * BPF program that `bwrap --seccomp FD` loads, built with libseccomp.
 *
 * The rules are first lowered (lower.h) to pieces that libseccomp expresses
 * exactly, whatever order it evaluates them in. Then, for each architecture
 * the policy lists, a libseccomp filter holding only that architecture gets
 * the pieces, and the per-architecture filters are merged into one program:
 *
 *  - the filter's default is the policy's default action; architectures not
 *    listed, and the x32 ABI (syscall numbers with bit 30 set on x86_64), get
 *    SECCOMP_RET_KILL_PROCESS (SCMP_FLTATR_ACT_BADARCH). Listing x32 is an
 *    error: it is never allowed.
 *  - NO_NEW_PRIVS is not requested (SCMP_FLTATR_CTL_NNP = 0): bwrap sets it
 *    itself, and nothing here loads the filter.
 *  - with any rule, the syscall dispatch is a binary tree
 *    (SCMP_FLTATR_CTL_OPTIMIZE = 2).
 *  - a syscall name missing on an architecture is skipped there: silently
 *    when it came through a group, with one note per architecture listing the
 *    names written `optional`, and as an error (suggesting `optional`) when
 *    the policy named it directly.
 *  - on an architecture whose argument registers are 32 bits wide (x86 and
 *    other 32-bit ABIs), an argument is its low 32 bits: pieces that need an
 *    upper bit set are dropped there (see lower_pieces_narrow32()).
 *  - where a syscall can also be reached through socketcall(2) or ipc(2)
 *    (x86, s390, ...), its arguments sit behind a pointer seccomp cannot
 *    read; a condition on such a syscall is refused for that architecture,
 *    and so is giving the multiplexer and one of its members different
 *    actions (libseccomp would have to merge them into one tree).
 *
 * Actions: allow -> SCMP_ACT_ALLOW, errno N -> SCMP_ACT_ERRNO(N), kill ->
 * SCMP_ACT_KILL_PROCESS, trap -> SCMP_ACT_TRAP, log -> SCMP_ACT_LOG. Atoms
 * become SCMP_CMP_MASKED_EQ, or SCMP_CMP_EQ when the mask is all 64 bits; no
 * other libseccomp comparison is ever used (its 64-bit ordering comparisons
 * have had bugs, and 2.5.4 predates the fix for GHSA-4q85-33p6-j5g6, so the
 * kernel tests check every shape this backend emits).
 *
 * Every failure is reported through the diag context, naming the rule and the
 * architecture concerned; lowering diagnostics are reported on every call.
 * Nothing here loads a filter or touches the file system: the program is
 * exported into a memfd and read back.
 */
#ifndef CELL_EMIT_SECCOMP_H
#define CELL_EMIT_SECCOMP_H

#include "diag.h"
#include "ir.h"
#include "util.h"

/* The kernel refuses longer programs (BPF_MAXINSNS). */
#define EMIT_SECCOMP_MAX_INSNS 4096

/* Appends the raw struct sock_filter array to `bpf` and returns 0, or returns
 * -1 after reporting and leaves `bpf` as it was. A program longer than
 * EMIT_SECCOMP_MAX_INSNS instructions is an error stating its length. */
int emit_seccomp_bpf(const struct ir_policy *p, struct diag_ctx *d, struct buf *bpf);

/* The same filter as libseccomp's pseudo filter code, a readable listing for
 * review and debugging. Appends to `pfc`; returns 0, or -1 after reporting.
 * The length limit is not checked here, so an oversized filter can still be
 * looked at. */
int emit_seccomp_pfc(const struct ir_policy *p, struct diag_ctx *d, struct buf *pfc);

#endif

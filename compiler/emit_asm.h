/*
 * emit_asm.h - a seccomp BPF program as a listing a person can review.
 *
 * One line per instruction: its index, the classic-BPF mnemonic (ld, ldh,
 * jeq, jset, ret, ...), the operands, and after a ';' what the instruction
 * means for seccomp:
 *
 *      0: ld   [4]                           ; A = arch
 *      1: jeq  #0xc000003e      jt 2   jf 40 ; x86_64
 *      2: ld   [0]                           ; A = nr
 *      3: jge  #0x40000000      jt 40  jf 4  ; x32 ABI (nr bit 30)
 *      4: jeq  #59              jt 12  jf 5  ; execve
 *     12: ret  #0x7fff0000                   ; allow
 *
 * Jump targets are absolute indexes, never the relative offsets stored in
 * the program, so a reader can follow a branch without arithmetic.
 *
 * Syscall names are resolved for the architecture the program has checked on
 * the way to the comparison: a forward pass over the program (BPF jumps only
 * forward) tracks what the accumulator holds (the syscall number, the
 * architecture, half of an argument) and which architecture each path has
 * matched. Where paths with different architectures meet, the number is
 * named for the policy's only architecture, or left as a number.
 *
 * Return values are spelled out: allow, errno EPERM (1), kill process,
 * kill thread, trap, log, trace, user notification.
 *
 * The same lines are the per-instruction comments of the C header export
 * (emit_cheader.h), hence the listing API.
 */
#ifndef CELL_EMIT_ASM_H
#define CELL_EMIT_ASM_H

#include "diag.h"
#include "ir.h"
#include "util.h"

#include <stddef.h>

struct asm_listing {
	char **lines; /* one per instruction: mnemonic, operands, "; meaning" */
	size_t n;
};

/* Disassembles the raw struct sock_filter array in `bpf` (host byte order, as
 * emit_seccomp_bpf() writes it). `p` supplies the architectures used to name
 * syscalls. Returns 0, or -1 after reporting to `d` when the program is empty,
 * not a whole number of instructions, or jumps past its end. */
int asm_disassemble(const struct ir_policy *p, const struct buf *bpf, struct diag_ctx *d,
                    struct asm_listing *out);
void asm_listing_free(struct asm_listing *l);

/* The whole listing with a short heading, appended to `out`. Returns 0, or -1
 * after reporting (and `out` is left as it was). */
int emit_asm(const struct ir_policy *p, const struct buf *bpf, struct diag_ctx *d, struct buf *out);

#endif

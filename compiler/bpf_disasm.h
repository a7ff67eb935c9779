/*
 * bpf_disasm.h - a seccomp BPF program as text a reviewer can follow.
 *
 * One line per instruction: its index, the mnemonic and operand, absolute
 * jump targets ("-> 14 else 20", never relative offsets), and a comment that
 * says what a number means where that is known: the seccomp_data field a
 * load reads, the architecture an `arch` comparison names, the syscall a
 * `nr` comparison names (on the architecture the path to it has checked),
 * and the action a RET returns.
 *
 * What the accumulator holds and which architecture has been matched are
 * tracked forward along every path (jumps only go forward): where paths with
 * different knowledge meet, the annotation is dropped rather than guessed.
 */
#ifndef CELL_BPF_DISASM_H
#define CELL_BPF_DISASM_H

#include "util.h"

#include <linux/filter.h>
#include <stddef.h>

/* Appends the listing of `insns` to `out`. Works on invalid programs too
 * (targets past the end are shown as such), so it can explain a rejection. */
void bpf_disasm(const struct sock_filter *insns, size_t len, struct buf *out);

#endif

/*
 * bpf_sim.h - what a seccomp filter does, computed without the kernel.
 *
 * Three questions about a raw classic-BPF program (the struct sock_filter
 * array emit_seccomp_bpf() writes and `bwrap --seccomp` loads):
 *
 *  1. Would the kernel accept it? bpf_sim_validate() applies the checks of
 *     bpf_check_classic() and seccomp_check_filter(): 1..4096 instructions,
 *     only the opcodes seccomp allows (no packet loads, no MOD, no
 *     extensions), loads only of aligned 32-bit words inside struct
 *     seccomp_data, every jump target inside the program (cBPF offsets are
 *     unsigned, so jumps only go forward), shifts and divisions by constants
 *     that make sense, no scratch word read before it is written on every
 *     path, and a RET as the last instruction (with forward-only jumps, that
 *     is "every path ends in RET").
 *  2. What does it answer for one call? bpf_sim_run() interprets it on a
 *     struct seccomp_data and returns the 32-bit value, its action and data,
 *     and how many instructions ran.
 *  3. Does the kernel's action cache serve the call? Since Linux 5.11 the
 *     kernel runs every filter once per syscall number of the native and
 *     compat architectures at load time, with the number and architecture as
 *     the only known inputs, and remembers the numbers whose answer is
 *     SECCOMP_RET_ALLOW whatever the arguments and instruction pointer: those
 *     never run the BPF again. bpf_sim_cacheable() is that emulation
 *     (seccomp_is_const_allow()): any load other than nr or arch, and any
 *     instruction besides constant jumps, AND with a constant and RET K,
 *     makes the answer "not cacheable".
 *
 * The simulator trusts nothing: bpf_sim_run() re-checks bounds as it goes and
 * refuses a program that fails validation.
 */
#ifndef CELL_BPF_SIM_H
#define CELL_BPF_SIM_H

#include "ir.h"

#include <linux/filter.h>
#include <linux/seccomp.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* BPF_MAXINSNS: the kernel refuses longer programs. */
#define BPF_SIM_MAX_INSNS 4096

/* The first problem the kernel would refuse the program for. */
struct bpf_sim_problem {
	size_t pc; /* the offending instruction; the length for length problems */
	char message[200];
};

/* Returns 0 when the kernel would accept `insns`, or -1 and fills `problem`
 * (when not NULL) with the first violation, e.g. "instruction 3: jump target
 * 40 is past the end (the program has 30 instructions)". */
int bpf_sim_validate(const struct sock_filter *insns, size_t len, struct bpf_sim_problem *problem);

struct bpf_sim_result {
	uint32_t ret;    /* the value the program returned */
	uint32_t action; /* ret & SECCOMP_RET_ACTION_FULL */
	uint16_t data;   /* ret & SECCOMP_RET_DATA (the errno for ERRNO) */
	size_t executed; /* instructions run, the RET included */
};

/* Runs the program on `sd`. Returns 0, or -1 with `problem` filled when the
 * program is not valid (nothing is run then). Division by a zero X returns 0
 * (SECCOMP_RET_KILL_THREAD), as the kernel does. */
int bpf_sim_run(const struct sock_filter *insns, size_t len, const struct seccomp_data *sd,
                struct bpf_sim_result *out, struct bpf_sim_problem *problem);

/* True when the kernel's action cache would serve syscall `nr` of `arch`
 * (an AUDIT_ARCH_* / SCMP_ARCH_* value) without running the program. The
 * program must be valid. */
bool bpf_sim_cacheable(const struct sock_filter *insns, size_t len, int nr, uint32_t arch);

/* "allow", "errno EPERM", "kill", "kill-thread", "trap", "log",
 * "trace 7", "user-notify", or "unknown action 0x..." (which the kernel
 * treats as kill). */
const char *bpf_sim_describe(uint32_t ret, char *buf, size_t size);

/* The IR action a returned value means, when it is one the IR can express
 * (allow, errno, kill-process, trap, log). An ERRNO data above 4095 is read
 * as 4095, as the kernel clamps it. */
bool bpf_sim_ir_action(uint32_t ret, struct ir_action *out);

/* The program inside a byte buffer (as emitted): NULL and *len 0 when the
 * size is not a whole number of instructions. */
const struct sock_filter *bpf_sim_program(const void *data, size_t size, size_t *len);

#endif

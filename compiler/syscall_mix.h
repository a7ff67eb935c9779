/*
 * syscall_mix.h - how a filter performs on a real workload.
 *
 * A syscall mix is what `strace -f -c` counted for a program: how many times
 * it made each system call. bench/record-mixes.sh records some (a compiler
 * run, a Python import, git status, tar) into bench/mixes/NAME.txt, and
 * `cell explain --mix FILE` reads them. The file format is one call per
 * line, "COUNT NAME" (the count first, as `strace -c -U calls,name` prints
 * it), '#' starting a comment; a name may appear once.
 *
 * syscall_mix_stats() runs a filter in the simulator (bpf_sim.h) once per
 * syscall of the mix, arguments all zero (strace -c records none), and
 * weighs each answer by the call count: the mean instructions a call of the
 * workload executes, the worst one, the share of calls the kernel's action
 * cache serves without running the filter at all, and the mean once those
 * calls count as none. A name this build
 * does not know, or that does not exist on the architecture, is left out
 * and counted, never guessed.
 */
#ifndef CELL_SYSCALL_MIX_H
#define CELL_SYSCALL_MIX_H

#include <linux/filter.h>
#include <stddef.h>
#include <stdint.h>

struct syscall_mix_entry {
	char *name;
	uint64_t calls;
};

struct syscall_mix {
	struct syscall_mix_entry *entries;
	size_t n, cap;
};

/* Reads `path`. Returns 0, or -1 with "PATH:LINE: what is wrong" in `err`
 * (and `out` empty but safe to free). */
int syscall_mix_load(const char *path, struct syscall_mix *out, char *err, size_t err_size);
void syscall_mix_free(struct syscall_mix *m);

struct syscall_mix_stats {
	uint64_t calls;        /* calls simulated (the mix's, minus skipped names) */
	uint64_t cached_calls; /* of those, served by the action cache */
	size_t syscalls;       /* distinct syscalls simulated */
	size_t cached_syscalls;
	size_t skipped; /* names unknown here or missing on the architecture */
	uint64_t skipped_calls;
	double mean;            /* instructions per call, weighted by calls */
	double cached_mean;     /* the same when the action cache serves what it can:
	                         * its calls run no instruction (Linux 5.11+) */
	size_t worst;           /* most instructions any syscall of the mix ran */
	const char *worst_name; /* borrowed from the mix */
};

/* Runs the valid program `insns` over `m` for `arch` (an AUDIT_ARCH_*).
 * Returns 0, or -1 when the program is invalid. */
int syscall_mix_stats(const struct sock_filter *insns, size_t len, uint32_t arch,
                      const struct syscall_mix *m, struct syscall_mix_stats *out);

#endif

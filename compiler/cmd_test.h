/*
 * cmd_test.h - `cell test`: a policy's test blocks, checked on what was
 * actually emitted.
 *
 * Syscall expectations run the emitted BPF program in the simulator
 * (bpf_sim.h), once for every architecture the policy targets (or the one
 * `on ARCH` names), with the syscall's number on that architecture and the
 * expectation's arguments (their low halves on a 32-bit ABI, as the kernel
 * passes them). The IR is consulted only to say which rule decided: the
 * first rule in first-match order whose syscall and condition match, or the
 * default. A syscall that does not exist on an architecture is not checked
 * there; one that exists on none of them is a failure.
 *
 * Filesystem facts are read from the IR's mount list, last mount covering
 * the path wins (bwrap applies later mounts over earlier ones); a path no
 * mount covers is hidden. Limit facts compare the resolved limit.
 *
 * Failures are diagnostics at the expectation:
 *   file:line:col: error: expected ACTION, got ACTION (decided by the rule at file:line)
 * and the output ends with "N passed, M failed". Exit status: 0 all hold,
 * 1 a failure or a policy that does not compile, 2 usage or unreadable file.
 */
#ifndef CELL_CMD_TEST_H
#define CELL_CMD_TEST_H

#include "bpf_sim.h"
#include "diag.h"
#include "ir.h"
#include "resolve.h"
#include "util.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

/* What one call gets from the emitted program on one architecture. */
struct call_verdict {
	int nr;                     /* the syscall's number there */
	struct bpf_sim_result sim;  /* the program's answer */
	bool cacheable;             /* served by the kernel's action cache */
	const struct ir_rule *rule; /* the deciding rule, NULL for the default */
};

/* Fills `out` for `syscall(args)` on `arch`. Returns 0, or -1 when the
 * syscall does not exist on `arch` or the program is invalid (then `why`
 * says which, when not NULL). */
int expect_call_verdict(const struct ir_policy *p, const struct sock_filter *insns, size_t len,
                        uint32_t arch, const char *syscall, const uint64_t args[6],
                        struct call_verdict *out, char *why, size_t why_size);

/* The rule that decides `syscall(args)` in first-match order, or NULL when
 * the default does. `args` are read as the architecture sees them. */
const struct ir_rule *expect_deciding_rule(const struct ir_policy *p, const char *syscall,
                                           const uint64_t args[6]);

/* "the rule at file:line", "the default at file:line", "the built-in
 * default", "the 'net none' setting at file:line". */
const char *expect_describe_decider(const struct ir_policy *p, const struct ir_rule *rule,
                                    char *buf, size_t size);

/* How a sandbox path looks from inside. */
struct fs_view {
	bool visible;
	bool writable;
	const struct ir_fs_op *op; /* the mount deciding it, or NULL */
};
struct fs_view expect_fs_view(const struct ir_policy *p, const char *path);

/* A limit as the language writes it: "512M", "30s", "1.5", "infinity", "none". */
const char *expect_format_limit(enum ir_limit_kind kind, const struct ir_limit *l, char *buf,
                                size_t size);

struct expect_counts {
	size_t passed, failed;
};

/* Checks every expectation of `p` against its emitted program `bpf` (the raw
 * sock_filter bytes). Failures are reported as errors to `d`; the counts are
 * added to `counts`. */
void expect_check_policy(struct diag_ctx *d, const struct ir_policy *p, const struct buf *bpf,
                         struct expect_counts *counts);

/* A policy file compiled for checking: every policy of it (or -p's), each
 * with its emitted program. Shared by `cell test` and `cell explain`. */
struct compiled_file {
	struct diag_ctx *d;
	struct resolve_result res;
	struct buf *bpf; /* res.n_policies programs */
};

/* Resolves `path` and emits each policy's program, diagnostics to `diag_out`.
 * Returns 0, 1 (the policy has errors) or 2 (unreadable); `out` must be
 * released with compiled_file_free() in every case. */
int compiled_file_load(const char *path, const struct resolve_options *ro, FILE *diag_out,
                       struct compiled_file *out);
void compiled_file_free(struct compiled_file *f);

/* `cell test FILE [-p NAME] [-I DIR]... [-D N=V]...`; argv[0] is "test".
 * Returns the exit status. */
int cmd_test(int argc, char **argv);

extern const char cmd_test_usage[];

#endif

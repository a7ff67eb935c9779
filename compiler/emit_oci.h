/*
 * emit_oci.h - a policy's syscall rules as an OCI seccomp profile.
 *
 * `cell compile task.cell --emit oci -o out/` writes out/task.oci.json, the
 * `linux.seccomp` object of the OCI runtime spec (config-linux.md), which
 * runc, crun, Docker (`--security-opt seccomp=FILE`), Podman and Kubernetes
 * (localhost profiles) accept:
 *
 *   defaultAction, defaultErrnoRet   the policy's default
 *   architectures                    SCMP_ARCH_* for each listed arch
 *   syscalls: [{names, action, errnoRet, args: [{index, value, valueTwo, op}]}]
 *
 * Built from the lowered rules (lower.h), never from the rules as written:
 * a runtime hands every entry to libseccomp, which keeps no order, so the
 * profile must already be order-free. Each piece of a syscall's region
 * becomes one entry whose args the runtime ANDs; an atom (arg & mask) ==
 * value is SCMP_CMP_MASKED_EQ with value = mask and valueTwo = value (the
 * spec's order), or SCMP_CMP_EQ with value when the mask has all 64 bits.
 * Entries that share an action and identical args share one `names` list.
 * Pieces whose action is the default are left out: they change nothing.
 * Actions: allow SCMP_ACT_ALLOW, errno N SCMP_ACT_ERRNO + errnoRet N, kill
 * SCMP_ACT_KILL_PROCESS, trap SCMP_ACT_TRAP, log SCMP_ACT_LOG.
 *
 * Never weaker than NAME.bpf on seccomp itself; these are errors:
 *  - any policy whose seccomp filter does not compile (emit_seccomp.h: x32
 *    listed, a syscall missing on a listed arch, a condition behind
 *    socketcall(2), ...). Those messages are the seccomp backend's own;
 *    they are shown only when it fails, because the driver has already run
 *    that backend and a successful run's warnings would appear twice.
 *  - a 32-bit ABI listed while a piece needs an upper argument bit set:
 *    the runtime's libseccomp would cut that test away on that ABI, and the
 *    piece would match calls the policy does not give its action.
 *  - MIPS n32 listed while a piece tests an upper half (libseccomp ignores it).
 *  - an architecture with no SCMP_ARCH_* name.
 *
 * What an OCI seccomp object cannot carry is reported, never dropped
 * silently: one warning per policy, with a note per left-out part (fs, net,
 * limits, env, process, each at its location), and a note that the
 * runtime's libseccomp, not the profile, decides what happens to foreign
 * ABIs and x32 (runc and crun leave libseccomp's default, kill thread
 * rather than kill process) and that runtimes always add the host's own
 * architecture to the filter.
 */
#ifndef CELL_EMIT_OCI_H
#define CELL_EMIT_OCI_H

#include "diag.h"
#include "ir.h"
#include "util.h"

#include <stdint.h>

/* Appends the profile (UTF-8 JSON, a newline at the end) to `out` and returns
 * 0, or returns -1 after reporting, with `out` as it was. */
int emit_oci_json(const struct ir_policy *p, struct diag_ctx *d, struct buf *out);

/* The OCI name of a libseccomp architecture token ("SCMP_ARCH_X86_64"), or
 * NULL when the spec has none. */
const char *oci_arch_name(uint32_t token);

#endif

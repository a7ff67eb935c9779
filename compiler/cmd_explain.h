/*
 * cmd_explain.h - `cell explain`: what a compiled policy grants, in words.
 *
 *   cell explain FILE [-p NAME] [-I DIR]... [-D N=V]... [--bpf] [CALL...]
 *
 * For each CALL (`name` or `name(arg, ...)`, arguments numbers or constants
 * joined with '|'), on every architecture the policy targets: the verdict of
 * the emitted program (simulated, bpf_sim.h), the rule that decided it
 * (file:line, by first-match order), the instructions executed, and whether
 * the kernel's action cache serves the call without running the filter.
 *
 * Without CALL: a plain-language summary (what is visible and writable, the
 * network, the syscall rules allowed and denied by group, limits, params),
 * then the program's size, the mean and worst instructions executed over
 * every syscall number of every target architecture, and how many of those
 * numbers the action cache serves. --bpf adds the disassembly.
 *
 * Exit status: 0, 1 when the policy has errors, 2 usage (an unknown syscall
 * or constant in a CALL included).
 */
#ifndef CELL_CMD_EXPLAIN_H
#define CELL_CMD_EXPLAIN_H

#include <stddef.h>
#include <stdint.h>

/* Parses a CALL argument of the command line: "openat", "ioctl(0, TIOCSTI)",
 * "clone(CLONE_NEWUSER|SIGCHLD)". Returns 0 with the name (allocated) and up
 * to 6 arguments (the rest 0), or -1 with a message in `err`. */
int explain_parse_call(const char *text, char **name, uint64_t args[6], char *err, size_t err_size);

/* argv[0] is "explain". Returns the exit status. */
int cmd_explain(int argc, char **argv);

extern const char cmd_explain_usage[];

#endif

/*
 * names.h - every name a policy may use that is not defined in a policy:
 * syscalls, their arguments, errno values, symbolic constants, architectures,
 * and the built-in syscall groups.
 *
 * Nothing here is a hand-typed number. Syscall numbers come from libseccomp
 * for each architecture; errno values and constants (AF_*, SOCK_*, CLONE_*,
 * PROT_*, O_*, TIOCSTI, ...) are extracted from this machine's system headers
 * at build time (cmake/gen-consts.sh writes consts_gen.c in the build tree).
 * The syscall argument signatures (names and widths, used to reject pointer
 * comparisons and to compare 32-bit arguments on their low half) follow the
 * kernel's SYSCALL_DEFINE declarations and live in syscall_args.def.
 *
 * The built-in groups (@basic-io, @file-system, ...) are written in the policy
 * language itself, in builtin_groups.cell, compiled into the binary and parsed
 * by the resolver before any user file.
 */
#ifndef CELL_NAMES_H
#define CELL_NAMES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* ---- syscalls -------------------------------------------------------------- */

/* True if libseccomp knows the name on at least one architecture. */
bool names_syscall_known(const char *name);
/* The syscall's number on `arch` (an SCMP_ARCH_* token), or -1 when the
 * syscall does not exist there. Never a libseccomp pseudo-number. */
int names_syscall_nr(const char *name, uint32_t arch);
/* All known syscall names, sorted, for suggestions and listings. The array
 * and strings are owned by the module and live until names_cleanup(). */
const char *const *names_syscall_list(size_t *n);
/* The name of syscall `nr` on `arch`, or NULL. */
const char *names_syscall_name(int nr, uint32_t arch);

enum names_arg_type {
	NAMES_ARG_INT32, /* int, unsigned int, pid_t, uid_t, ...: low 32 bits count */
	NAMES_ARG_INT64, /* long, unsigned long, size_t, off_t, ... */
	NAMES_ARG_PTR,   /* a user pointer: comparing it checks nothing */
};

struct names_syscall_arg {
	const char *name;
	enum names_arg_type type;
};

struct names_syscall_sig {
	const char *syscall;
	unsigned nargs;
	struct names_syscall_arg args[6];
};

/* The argument signature of a syscall, or NULL when none is recorded (then
 * only arg0..arg5 may be named, and they are compared as 64-bit values). */
const struct names_syscall_sig *names_syscall_sig(const char *name);

/* ---- errno values and constants -------------------------------------------- */

/* The value of errno `name` (EPERM, ENOSYS, ...), or -1 if unknown. */
int names_errno_value(const char *name);
/* The name of an errno value, or NULL. */
const char *names_errno_name(int value);
const char *const *names_errno_list(size_t *n);

/* A symbolic constant (AF_UNIX, CLONE_NEWUSER, TIOCSTI, O_RDONLY, ...).
 * Returns false if the name is unknown. Negative constants (AT_FDCWD) come
 * back as their 64-bit two's complement. */
bool names_const_value(const char *name, uint64_t *value);
const char *const *names_const_list(size_t *n);

/* ---- architectures --------------------------------------------------------- */

/* The SCMP_ARCH_* token for "x86_64", "aarch64", "native", ...; 0 if unknown. */
uint32_t names_arch_token(const char *name);
/* The canonical name for a token ("x86_64"), or NULL. */
const char *names_arch_name(uint32_t token);
const char *const *names_arch_list(size_t *n);

/* ---- built-in groups -------------------------------------------------------- */

/* The text of builtin_groups.cell, embedded at build time. */
extern const char names_builtin_groups[];
extern const size_t names_builtin_groups_len;
/* The path used in diagnostics for locations inside it. */
#define NAMES_BUILTIN_GROUPS_PATH "<builtin>/groups.cell"

/* Frees the caches behind the *_list functions (for leak checkers). */
void names_cleanup(void);

#endif

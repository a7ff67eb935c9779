/*
 * names.c - syscalls, argument signatures, errno values, constants and
 * architectures: see names.h.
 *
 * Three sources, none of them typed by hand here:
 *  - libseccomp answers every question about syscall names and numbers;
 *  - cmake/gen-consts.sh extracts errno values and constants from the system
 *    headers into consts_gen.c (two tables sorted by name, declared below);
 *  - syscall_args.def holds the argument signatures.
 * The lists handed out (syscalls, architectures) are built on first use and
 * released by names_cleanup(); the generated tables are static.
 */
#include "names.h"
#include "util.h"

#include <seccomp.h>
#include <stdlib.h>
#include <string.h>

/* ---- the tables written by cmake/gen-consts.sh ----------------------------- */

extern const char *const names_gen_errno_names[];
extern const int names_gen_errno_values[];
extern const size_t names_gen_errno_count;
extern const char *const names_gen_const_names[];
extern const uint64_t names_gen_const_values[];
extern const size_t names_gen_const_count;

/* Binary search in an array of names sorted by strcmp. Returns the index, or
 * -1 when absent. */
static long find_sorted(const char *const *names, size_t n, const char *name)
{
	size_t lo = 0, hi = n;

	if (!name)
		return -1;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		int cmp = strcmp(name, names[mid]);

		if (cmp == 0)
			return (long)mid;
		if (cmp < 0)
			hi = mid;
		else
			lo = mid + 1;
	}
	return -1;
}

static int compare_strings(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* ---- architectures ---------------------------------------------------------- */

/* libseccomp can resolve a name to a token but has no reverse call, so the
 * names are listed here (sorted); each one is checked against the library at
 * run time and dropped when this build of libseccomp does not know it. */
static const char *const arch_candidates[] = {
    "aarch64",     "arm",    "mips",     "mips64", "mips64n32", "mipsel",  "mipsel64",
    "mipsel64n32", "parisc", "parisc64", "ppc",    "ppc64",     "ppc64le", "riscv64",
    "s390",        "s390x",  "x32",      "x86",    "x86_64",
};

static const char *arch_names[ARRAY_SIZE(arch_candidates)];
static uint32_t arch_tokens[ARRAY_SIZE(arch_candidates)];
static size_t arch_count;
static bool arch_ready;

static void arch_init(void)
{
	if (arch_ready)
		return;
	arch_count = 0;
	for (size_t i = 0; i < ARRAY_SIZE(arch_candidates); i++) {
		uint32_t token = seccomp_arch_resolve_name(arch_candidates[i]);

		if (token == 0)
			continue;
		arch_names[arch_count] = arch_candidates[i];
		arch_tokens[arch_count] = token;
		arch_count++;
	}
	arch_ready = true;
}

uint32_t names_arch_token(const char *name)
{
	if (!name)
		return 0;
	if (strcmp(name, "native") == 0)
		return seccomp_arch_native();
	return seccomp_arch_resolve_name(name);
}

const char *names_arch_name(uint32_t token)
{
	arch_init();
	for (size_t i = 0; i < arch_count; i++)
		if (arch_tokens[i] == token)
			return arch_names[i];
	return NULL;
}

const char *const *names_arch_list(size_t *n)
{
	arch_init();
	if (n)
		*n = arch_count;
	return arch_names;
}

/* ---- syscalls --------------------------------------------------------------- */

/* The x32 ABI numbers its syscalls from this bit (the kernel's
 * __X32_SYSCALL_BIT); libseccomp reports them with it set. */
#define X32_SYSCALL_BIT 0x40000000
/* Every architecture libseccomp supports numbers its syscalls below this,
 * counted from the architecture's base (0, or 4000/5000/6000 on MIPS). */
#define SYSCALL_NR_SPAN 1100
/* ARM's private syscalls (cacheflush, set_tls, ...) live at __ARM_NR_BASE. */
#define ARM_PRIVATE_BASE 0x0f0000
#define ARM_PRIVATE_SPAN 16

static char **syscall_names;
static size_t syscall_count, syscall_cap;
/* Names that libseccomp returned for a number outside the swept ranges, kept
 * so that names_syscall_name() can hand out a pointer that stays valid. */
static char **extra_names;
static size_t extra_count, extra_cap;
static bool syscalls_ready;

static void syscall_collect(uint32_t arch, int first, int span)
{
	for (int nr = first; nr < first + span; nr++) {
		char *name = seccomp_syscall_resolve_num_arch(arch, nr);

		if (!name)
			continue;
		xgrow((void **)&syscall_names, &syscall_cap, syscall_count + 1,
		      sizeof(*syscall_names));
		syscall_names[syscall_count++] = name;
	}
}

/* The number of the first syscall on `arch`: every table starts within a few
 * entries of its base, and `read` is among the first everywhere. */
static int syscall_base(uint32_t arch)
{
	int nr = seccomp_syscall_resolve_name_arch(arch, "read");

	if (nr < 0)
		return -1;
	if (nr & X32_SYSCALL_BIT)
		return X32_SYSCALL_BIT;
	return nr - nr % 1000;
}

static void syscalls_init(void)
{
	if (syscalls_ready)
		return;
	size_t n_arches;
	names_arch_list(&n_arches);
	for (size_t i = 0; i < n_arches; i++) {
		int base = syscall_base(arch_tokens[i]);

		if (base < 0)
			continue; /* the library refuses this architecture */
		syscall_collect(arch_tokens[i], base, SYSCALL_NR_SPAN);
		if (arch_tokens[i] == SCMP_ARCH_ARM)
			syscall_collect(arch_tokens[i], ARM_PRIVATE_BASE, ARM_PRIVATE_SPAN);
	}
	qsort(syscall_names, syscall_count, sizeof(*syscall_names), compare_strings);
	size_t kept = 0;
	for (size_t i = 0; i < syscall_count; i++) {
		if (kept > 0 && strcmp(syscall_names[kept - 1], syscall_names[i]) == 0)
			free(syscall_names[i]);
		else
			syscall_names[kept++] = syscall_names[i];
	}
	syscall_count = kept;
	syscalls_ready = true;
}

bool names_syscall_known(const char *name)
{
	if (!name || !*name)
		return false;
	return seccomp_syscall_resolve_name(name) != __NR_SCMP_ERROR;
}

int names_syscall_nr(const char *name, uint32_t arch)
{
	if (!name || !*name)
		return -1;
	int nr = seccomp_syscall_resolve_name_arch(arch, name);
	/* Negative: __NR_SCMP_ERROR, or a pseudo-number for a syscall that only
	 * exists elsewhere. Neither is a number the kernel would see. */
	return nr < 0 ? -1 : nr;
}

const char *const *names_syscall_list(size_t *n)
{
	syscalls_init();
	if (n)
		*n = syscall_count;
	return (const char *const *)syscall_names;
}

/* Takes `name` (allocated by libseccomp) and returns the module's copy of
 * it, which stays valid until names_cleanup(). */
static const char *syscall_intern(char *name)
{
	long i = find_sorted((const char *const *)syscall_names, syscall_count, name);

	if (i >= 0) {
		free(name);
		return syscall_names[i];
	}
	for (size_t j = 0; j < extra_count; j++) {
		if (strcmp(extra_names[j], name) == 0) {
			free(name);
			return extra_names[j];
		}
	}
	xgrow((void **)&extra_names, &extra_cap, extra_count + 1, sizeof(*extra_names));
	extra_names[extra_count++] = name;
	return name;
}

const char *names_syscall_name(int nr, uint32_t arch)
{
	if (nr < 0)
		return NULL; /* pseudo-numbers are libseccomp's, never the kernel's */
	syscalls_init();
	char *name = seccomp_syscall_resolve_num_arch(arch, nr);
	return name ? syscall_intern(name) : NULL;
}

/* ---- argument signatures ---------------------------------------------------- */

/* clang-format off */
#define ARG(argname, argtype) {.name = #argname, .type = NAMES_ARG_##argtype}
/* clang-format on */
#define SYSCALL(sysname, ...) {.syscall = #sysname, .args = {__VA_ARGS__}},
/* Not const: nargs is counted and the table sorted on first use. */
static struct names_syscall_sig signatures[] = {
#include "syscall_args.def"
};
#undef SYSCALL
#undef ARG

static bool signatures_ready;

static int compare_signatures(const void *a, const void *b)
{
	const struct names_syscall_sig *sa = a, *sb = b;

	return strcmp(sa->syscall, sb->syscall);
}

static void signatures_init(void)
{
	if (signatures_ready)
		return;
	for (size_t i = 0; i < ARRAY_SIZE(signatures); i++) {
		unsigned n = 0;

		while (n < ARRAY_SIZE(signatures[i].args) && signatures[i].args[n].name)
			n++;
		signatures[i].nargs = n;
	}
	qsort(signatures, ARRAY_SIZE(signatures), sizeof(signatures[0]), compare_signatures);
	signatures_ready = true;
}

const struct names_syscall_sig *names_syscall_sig(const char *name)
{
	if (!name)
		return NULL;
	signatures_init();
	struct names_syscall_sig key = {.syscall = name};
	return bsearch(&key, signatures, ARRAY_SIZE(signatures), sizeof(signatures[0]),
	               compare_signatures);
}

/* ---- errno values ----------------------------------------------------------- */

int names_errno_value(const char *name)
{
	long i = find_sorted(names_gen_errno_names, names_gen_errno_count, name);
	return i < 0 ? -1 : names_gen_errno_values[i];
}

const char *names_errno_name(int value)
{
#if defined(__GLIBC__) && (__GLIBC__ > 2 || (__GLIBC__ == 2 && __GLIBC_MINOR__ >= 32))
	/* Aliases share a value (EWOULDBLOCK is EAGAIN, ENOTSUP is EOPNOTSUPP):
	 * prefer the C library's canonical name, the one strace prints, when the
	 * headers gave us that name too. */
	const char *canonical = value > 0 ? strerrorname_np(value) : NULL;
	long c = find_sorted(names_gen_errno_names, names_gen_errno_count, canonical);
	if (c >= 0 && names_gen_errno_values[c] == value)
		return names_gen_errno_names[c];
#endif
	for (size_t i = 0; i < names_gen_errno_count; i++)
		if (names_gen_errno_values[i] == value)
			return names_gen_errno_names[i];
	return NULL;
}

const char *const *names_errno_list(size_t *n)
{
	if (n)
		*n = names_gen_errno_count;
	return names_gen_errno_names;
}

/* ---- constants -------------------------------------------------------------- */

bool names_const_value(const char *name, uint64_t *value)
{
	long i = find_sorted(names_gen_const_names, names_gen_const_count, name);

	if (i < 0)
		return false;
	if (value)
		*value = names_gen_const_values[i];
	return true;
}

const char *const *names_const_list(size_t *n)
{
	if (n)
		*n = names_gen_const_count;
	return names_gen_const_names;
}

/* ---- cleanup ---------------------------------------------------------------- */

void names_cleanup(void)
{
	for (size_t i = 0; i < syscall_count; i++)
		free(syscall_names[i]);
	free(syscall_names);
	syscall_names = NULL;
	syscall_count = syscall_cap = 0;
	for (size_t i = 0; i < extra_count; i++)
		free(extra_names[i]);
	free(extra_names);
	extra_names = NULL;
	extra_count = extra_cap = 0;
	syscalls_ready = false;
	arch_ready = false;
}

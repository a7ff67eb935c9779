/*
 * Unit tests for names.c: errno values and constants extracted from the
 * headers, syscalls through libseccomp, architectures, argument signatures
 * (syscall_args.def) and the built-in groups (builtin_groups.cell, checked with
 * a crude tokeniser because the real parser is not this module's).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>
#include <fcntl.h>
#include <linux/ioctl.h>
#include <linux/seccomp.h>
#include <sched.h>
#include <seccomp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/personality.h>
#include <sys/socket.h>
#include <sys/syscall.h>

#include "names.h"
#include "util.h"

/* ---- helpers ---------------------------------------------------------------- */

static void assert_sorted_unique(const char *const *list, size_t n, const char *what)
{
	for (size_t i = 1; i < n; i++) {
		if (strcmp(list[i - 1], list[i]) >= 0)
			fail_msg("%s list: '%s' before '%s'", what, list[i - 1], list[i]);
	}
}

static int compare_names(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

static uint64_t const_value(const char *name)
{
	uint64_t value = 0xdeadbeef;

	if (!names_const_value(name, &value))
		fail_msg("constant %s is unknown", name);
	return value;
}

/* ---- errno ------------------------------------------------------------------ */

static void test_errno_values(void **state)
{
	(void)state;
	assert_int_equal(names_errno_value("EPERM"), 1);
	assert_int_equal(names_errno_value("ENOSYS"), 38);
	/* The generator must agree with the C library's view of the same headers. */
	assert_int_equal(names_errno_value("EACCES"), EACCES);
	assert_int_equal(names_errno_value("EAGAIN"), EAGAIN);
	assert_int_equal(names_errno_value("EWOULDBLOCK"), EWOULDBLOCK);
	assert_int_equal(names_errno_value("EHWPOISON"), EHWPOISON);
	assert_int_equal(names_errno_value("NOPE"), -1);
	assert_int_equal(names_errno_value("EPERMX"), -1);
	assert_int_equal(names_errno_value(""), -1);
	assert_int_equal(names_errno_value(NULL), -1);
}

static void test_errno_names(void **state)
{
	(void)state;
	assert_string_equal(names_errno_name(EPERM), "EPERM");
	assert_string_equal(names_errno_name(ENOSYS), "ENOSYS");
	assert_null(names_errno_name(0));
	assert_null(names_errno_name(-1));
	assert_null(names_errno_name(100000));
#ifdef __GLIBC__
	/* Aliases resolve to the name strace prints, not the first in sorted order. */
	assert_string_equal(names_errno_name(EAGAIN), "EAGAIN");
	assert_string_equal(names_errno_name(EOPNOTSUPP), "EOPNOTSUPP");
	assert_string_equal(names_errno_name(EDEADLK), "EDEADLK");
#endif
	size_t n = 0;
	const char *const *list = names_errno_list(&n);
	assert_true(n > 100);
	assert_sorted_unique(list, n, "errno");
	for (size_t i = 0; i < n; i++) {
		int value = names_errno_value(list[i]);
		assert_true(value > 0);
		/* Whatever name comes back for a value must map back to it. */
		assert_int_equal(names_errno_value(names_errno_name(value)), value);
	}
}

/* ---- constants -------------------------------------------------------------- */

static void test_constants_sanity(void **state)
{
	(void)state;
	assert_int_equal(const_value("AF_UNIX"), 1);
	assert_int_equal(const_value("AF_INET"), 2);
	assert_int_equal(const_value("AF_INET6"), 10);
	assert_int_equal(const_value("AF_NETLINK"), 16);
	assert_int_equal(const_value("AF_PACKET"), 17);
	assert_int_equal(const_value("AF_VSOCK"), 40);
	assert_int_equal(const_value("TIOCSTI"), 0x5412);
	assert_int_equal(const_value("TIOCLINUX"), 0x541C);
	assert_int_equal(const_value("CLONE_NEWUSER"), 0x10000000);
	assert_true(const_value("AT_FDCWD") == (uint64_t)-100);
}

static void test_constants_match_headers(void **state)
{
	(void)state;
	assert_true(const_value("SOCK_STREAM") == SOCK_STREAM);
	assert_true(const_value("SOCK_CLOEXEC") == SOCK_CLOEXEC);
	assert_true(const_value("O_RDONLY") == O_RDONLY);
	assert_true(const_value("O_TMPFILE") == O_TMPFILE);
	assert_true(const_value("CLONE_NEWNS") == CLONE_NEWNS);
	/* An enum without macros, found by the enumerator parser. */
	assert_true(const_value("READ_IMPLIES_EXEC") == READ_IMPLIES_EXEC);
	assert_true(const_value("ADDR_NO_RANDOMIZE") == ADDR_NO_RANDOMIZE);
	assert_true(const_value("PER_LINUX") == PER_LINUX);
	/* Built with _IOWR and sizeof(struct seccomp_notif): needs linux/ioctl.h. */
	assert_true(const_value("SECCOMP_IOCTL_NOTIF_RECV") == SECCOMP_IOCTL_NOTIF_RECV);
	assert_true(const_value("SECCOMP_RET_KILL_PROCESS") == SECCOMP_RET_KILL_PROCESS);
	/* A NULL out-pointer is allowed for a plain existence check. */
	assert_true(names_const_value("AF_UNIX", NULL));
}

static void test_constants_skip_what_is_not_an_integer_constant(void **state)
{
	(void)state;
	uint64_t value;
	/* Pointers. */
	assert_false(names_const_value("MAP_FAILED", &value));
	assert_false(names_const_value("SIG_DFL", &value));
	assert_false(names_const_value("SIG_IGN", &value));
	/* Run-time values. */
	assert_false(names_const_value("SIGRTMIN", &value));
	assert_false(names_const_value("SIGSTKSZ", &value));
	/* Not a constant at all, or not one of the selected prefixes. */
	assert_false(names_const_value("NOT_A_CONSTANT", &value));
	assert_false(names_const_value("EPERM", &value));
	assert_false(names_const_value("", &value));
	assert_false(names_const_value(NULL, &value));
	/* But an ordinary signal number is there. */
	assert_int_equal(const_value("SIGKILL"), 9);
}

static void test_constants_list(void **state)
{
	(void)state;
	size_t n = 0;
	const char *const *list = names_const_list(&n);
	assert_true(n > 500);
	assert_sorted_unique(list, n, "constant");
	for (size_t i = 0; i < n; i++)
		assert_true(names_const_value(list[i], NULL));
}

/* ---- architectures ---------------------------------------------------------- */

static void test_arches(void **state)
{
	(void)state;
	assert_true(names_arch_token("x86_64") == SCMP_ARCH_X86_64);
	assert_true(names_arch_token("x86") == SCMP_ARCH_X86);
	assert_true(names_arch_token("x32") == SCMP_ARCH_X32);
	assert_true(names_arch_token("aarch64") == SCMP_ARCH_AARCH64);
	assert_true(names_arch_token("native") == seccomp_arch_native());
	assert_true(names_arch_token("native") != 0);
	assert_int_equal(names_arch_token("vax"), 0);
	assert_int_equal(names_arch_token(""), 0);
	assert_int_equal(names_arch_token(NULL), 0);
	assert_string_equal(names_arch_name(SCMP_ARCH_X86_64), "x86_64");
	assert_string_equal(names_arch_name(SCMP_ARCH_X32), "x32");
	assert_null(names_arch_name(0));
	assert_null(names_arch_name(0xdeadbeef));
	assert_non_null(names_arch_name(seccomp_arch_native()));

	size_t n = 0;
	const char *const *list = names_arch_list(&n);
	assert_true(n >= 10);
	assert_sorted_unique(list, n, "architecture");
	for (size_t i = 0; i < n; i++) {
		uint32_t token = names_arch_token(list[i]);
		assert_true(token != 0);
		assert_string_equal(names_arch_name(token), list[i]);
	}
}

/* ---- syscalls --------------------------------------------------------------- */

static void test_syscall_known(void **state)
{
	(void)state;
	assert_true(names_syscall_known("read"));
	assert_true(names_syscall_known("openat"));
	assert_true(names_syscall_known("clone3"));
	/* Known through other architectures only. */
	assert_true(names_syscall_known("socketcall"));
	assert_true(names_syscall_known("mmap2"));
	assert_true(names_syscall_known("cacheflush"));
	assert_false(names_syscall_known("opnat"));
	assert_false(names_syscall_known("read "));
	assert_false(names_syscall_known(""));
	assert_false(names_syscall_known(NULL));
}

static void test_syscall_numbers(void **state)
{
	(void)state;
	uint32_t native = names_arch_token("native");
	/* The kernel's own numbering for this machine, from <sys/syscall.h>. */
	assert_int_equal(names_syscall_nr("getpid", native), SYS_getpid);
	assert_int_equal(names_syscall_nr("openat", native), SYS_openat);
	assert_string_equal(names_syscall_name(SYS_getpid, native), "getpid");

	assert_int_equal(names_syscall_nr("read", SCMP_ARCH_X86_64), 0);
	assert_int_equal(names_syscall_nr("socketcall", SCMP_ARCH_X86), 102);
	/* A pseudo-number is never handed out. */
	assert_int_equal(names_syscall_nr("socketcall", SCMP_ARCH_X86_64), -1);
	assert_int_equal(names_syscall_nr("mmap2", SCMP_ARCH_X86_64), -1);
	assert_int_equal(names_syscall_nr("opnat", SCMP_ARCH_X86_64), -1);
	assert_int_equal(names_syscall_nr(NULL, SCMP_ARCH_X86_64), -1);
	assert_int_equal(names_syscall_nr("read", 0xdeadbeef), -1);
	/* x32 numbers carry the x32 bit. */
	assert_int_equal(names_syscall_nr("read", SCMP_ARCH_X32), 0x40000000);
	assert_string_equal(names_syscall_name(0x40000000, SCMP_ARCH_X32), "read");
	/* MIPS o32 counts from 4000. */
	assert_int_equal(names_syscall_nr("read", SCMP_ARCH_MIPS), 4003);

	assert_null(names_syscall_name(-1, SCMP_ARCH_X86_64));
	assert_null(names_syscall_name(-10060, SCMP_ARCH_X86_64));
	assert_null(names_syscall_name(100000, SCMP_ARCH_X86_64));
	assert_null(names_syscall_name(0, 0xdeadbeef));
}

static void test_syscall_name_is_stable(void **state)
{
	(void)state;
	const char *a = names_syscall_name(0, SCMP_ARCH_X86_64);
	const char *b = names_syscall_name(0, SCMP_ARCH_X86_64);
	assert_string_equal(a, "read");
	/* The module's own copy: the same pointer every time, valid until cleanup. */
	assert_ptr_equal(a, b);
}

static void test_syscall_list(void **state)
{
	(void)state;
	size_t n = 0;
	const char *const *list = names_syscall_list(&n);
	assert_true(n > 450);
	assert_sorted_unique(list, n, "syscall");
	bool has_read = false, has_socketcall = false, has_set_tls = false, has_newfstatat = false;
	for (size_t i = 0; i < n; i++) {
		if (!names_syscall_known(list[i]))
			fail_msg("listed syscall %s is unknown to libseccomp", list[i]);
		has_read |= strcmp(list[i], "read") == 0;
		has_socketcall |= strcmp(list[i], "socketcall") == 0;
		has_set_tls |= strcmp(list[i], "set_tls") == 0; /* ARM private range */
		has_newfstatat |= strcmp(list[i], "newfstatat") == 0;
	}
	assert_true(has_read && has_socketcall && has_set_tls && has_newfstatat);
	/* Everything on x86_64, i386 and x32 is in the list. */
	const uint32_t arches[] = {SCMP_ARCH_X86_64, SCMP_ARCH_X86, SCMP_ARCH_X32};
	const int bases[] = {0, 0, 0x40000000};
	for (size_t a = 0; a < ARRAY_SIZE(arches); a++) {
		for (int nr = bases[a]; nr < bases[a] + 1000; nr++) {
			const char *name = names_syscall_name(nr, arches[a]);
			if (!name)
				continue;
			if (!bsearch(&name, list, n, sizeof(*list), compare_names))
				fail_msg("%s is missing from the list", name);
		}
	}
}

static void test_cleanup_then_list_again(void **state)
{
	(void)state;
	size_t n1 = 0, n2 = 0, na = 0;
	const char *const *l1 = names_syscall_list(&n1);
	char *first = xstrdup(l1[0]);
	char *last = xstrdup(l1[n1 - 1]);
	names_arch_list(&na);
	names_cleanup();
	names_cleanup(); /* twice is harmless */
	const char *const *l2 = names_syscall_list(&n2);
	assert_int_equal(n1, n2);
	assert_string_equal(l2[0], first);
	assert_string_equal(l2[n2 - 1], last);
	size_t na2 = 0;
	names_arch_list(&na2);
	assert_int_equal(na, na2);
	assert_string_equal(names_syscall_name(0, SCMP_ARCH_X86_64), "read");
	free(first);
	free(last);
}

/* ---- argument signatures ---------------------------------------------------- */

/* The table again, read independently of names.c: names and argument names. */
struct def_entry {
	const char *name;
	const char *args[6];
};

#define ARG(argname, argtype) #argname
#define SYSCALL(sysname, ...) {#sysname, {__VA_ARGS__}},
static const struct def_entry def_entries[] = {
#include "syscall_args.def"
};
#undef SYSCALL
#undef ARG

static void assert_arg(const struct names_syscall_sig *sig, unsigned i, const char *name,
                       enum names_arg_type type)
{
	assert_true(i < sig->nargs);
	if (strcmp(sig->args[i].name, name) != 0 || sig->args[i].type != type)
		fail_msg("%s arg %u: got %s/%d, want %s/%d", sig->syscall, i, sig->args[i].name,
		         sig->args[i].type, name, type);
}

static const struct names_syscall_sig *sig_of(const char *name, unsigned nargs)
{
	const struct names_syscall_sig *sig = names_syscall_sig(name);
	if (!sig)
		fail_msg("no signature for %s", name);
	assert_string_equal(sig->syscall, name);
	assert_int_equal(sig->nargs, nargs);
	return sig;
}

static void test_signatures_checked(void **state)
{
	(void)state;
	const struct names_syscall_sig *s;

	s = sig_of("ioctl", 3);
	assert_arg(s, 0, "fd", NAMES_ARG_INT32);
	assert_arg(s, 1, "cmd", NAMES_ARG_INT32);
	assert_arg(s, 2, "arg", NAMES_ARG_INT64);

	s = sig_of("socket", 3);
	assert_arg(s, 0, "domain", NAMES_ARG_INT32);
	assert_arg(s, 1, "type", NAMES_ARG_INT32);
	assert_arg(s, 2, "protocol", NAMES_ARG_INT32);

	s = sig_of("clone", 5);
	assert_arg(s, 0, "flags", NAMES_ARG_INT64);
	assert_arg(s, 1, "newsp", NAMES_ARG_INT64);
	assert_arg(s, 2, "parent_tidptr", NAMES_ARG_PTR);
	assert_arg(s, 3, "child_tidptr", NAMES_ARG_PTR);
	assert_arg(s, 4, "tls", NAMES_ARG_INT64);

	s = sig_of("openat", 4);
	assert_arg(s, 0, "dfd", NAMES_ARG_INT32);
	assert_arg(s, 1, "filename", NAMES_ARG_PTR);
	assert_arg(s, 2, "flags", NAMES_ARG_INT32);
	assert_arg(s, 3, "mode", NAMES_ARG_INT32);

	s = sig_of("personality", 1);
	assert_arg(s, 0, "persona", NAMES_ARG_INT32);

	s = sig_of("prctl", 5);
	assert_arg(s, 0, "option", NAMES_ARG_INT32);
	assert_arg(s, 1, "arg2", NAMES_ARG_INT64);
	assert_arg(s, 4, "arg5", NAMES_ARG_INT64);

	s = sig_of("mmap", 6);
	assert_arg(s, 0, "addr", NAMES_ARG_INT64);
	assert_arg(s, 2, "prot", NAMES_ARG_INT64);
	assert_arg(s, 4, "fd", NAMES_ARG_INT32);

	s = sig_of("kill", 2);
	assert_arg(s, 0, "pid", NAMES_ARG_INT32);
	assert_arg(s, 1, "sig", NAMES_ARG_INT32);

	s = sig_of("unshare", 1);
	assert_arg(s, 0, "flags", NAMES_ARG_INT64);

	s = sig_of("socketcall", 2);
	assert_arg(s, 1, "args", NAMES_ARG_PTR);

	sig_of("getpid", 0);
	assert_null(names_syscall_sig("opnat"));
	assert_null(names_syscall_sig(""));
	assert_null(names_syscall_sig(NULL));
}

static void test_signature_table(void **state)
{
	(void)state;
	for (size_t i = 0; i < ARRAY_SIZE(def_entries); i++) {
		const char *name = def_entries[i].name;
		if (!names_syscall_known(name))
			fail_msg("syscall_args.def: %s is unknown to libseccomp", name);
		/* Only names that exist on the x86 family belong here. */
		if (names_syscall_nr(name, SCMP_ARCH_X86_64) < 0 &&
		    names_syscall_nr(name, SCMP_ARCH_X86) < 0)
			fail_msg("syscall_args.def: %s exists on neither x86_64 nor i386", name);
		for (size_t j = i + 1; j < ARRAY_SIZE(def_entries); j++)
			if (strcmp(name, def_entries[j].name) == 0)
				fail_msg("syscall_args.def: %s is listed twice", name);
		unsigned nargs = 0;
		while (nargs < ARRAY_SIZE(def_entries[i].args) && def_entries[i].args[nargs])
			nargs++;
		const struct names_syscall_sig *sig = sig_of(name, nargs);
		for (unsigned a = 0; a < sig->nargs; a++) {
			assert_string_equal(sig->args[a].name, def_entries[i].args[a]);
			for (unsigned b = a + 1; b < sig->nargs; b++)
				if (strcmp(sig->args[a].name, sig->args[b].name) == 0)
					fail_msg("%s: argument %s twice", name, sig->args[a].name);
		}
	}
}

static void test_every_x86_64_syscall_has_a_signature(void **state)
{
	(void)state;
	size_t found = 0;
	for (int nr = 0; nr < 1000; nr++) {
		const char *name = names_syscall_name(nr, SCMP_ARCH_X86_64);
		if (!name)
			continue;
		found++;
		if (!names_syscall_sig(name))
			fail_msg("x86_64 syscall %s (%d) has no signature", name, nr);
	}
	assert_true(found > 350);
}

/* ---- built-in groups -------------------------------------------------------- */

struct member {
	char *name; /* with '@' for a group */
	bool optional;
	bool exclude;
};

struct group {
	char *name; /* with '@' */
	struct member *members;
	size_t n_members, cap_members;
};

struct groups {
	struct group *list;
	size_t n, cap;
};

/* Splits the text into words: whitespace, commas, braces and '=' separate;
 * '#' starts a comment up to the end of the line. */
static char **tokenise(const char *text, size_t len, size_t *n_out)
{
	char **words = NULL;
	size_t n = 0, cap = 0;
	size_t i = 0;
	while (i < len) {
		char c = text[i];
		if (c == '#') {
			while (i < len && text[i] != '\n')
				i++;
			continue;
		}
		if (strchr(" \t\r\n,{}=", c)) {
			i++;
			continue;
		}
		size_t start = i;
		while (i < len && !strchr(" \t\r\n,{}=#", text[i]))
			i++;
		xgrow((void **)&words, &cap, n + 1, sizeof(*words));
		words[n++] = xstrndup(text + start, i - start);
	}
	*n_out = n;
	return words;
}

static void parse_groups(struct groups *g)
{
	size_t n = 0;
	char **words = tokenise(names_builtin_groups, names_builtin_groups_len, &n);
	struct group *cur = NULL;
	bool optional = false;
	memset(g, 0, sizeof(*g));
	for (size_t i = 0; i < n; i++) {
		if (strcmp(words[i], "group") == 0) {
			assert_true(i + 1 < n);
			free(words[i]);
			xgrow((void **)&g->list, &g->cap, g->n + 1, sizeof(*g->list));
			cur = &g->list[g->n++];
			memset(cur, 0, sizeof(*cur));
			cur->name = words[++i];
			if (cur->name[0] != '@')
				fail_msg("group name %s lacks its '@'", cur->name);
			optional = false;
			continue;
		}
		if (!cur)
			fail_msg("'%s' outside of any group", words[i]);
		if (strcmp(words[i], "optional") == 0) {
			optional = true;
			free(words[i]);
			continue;
		}
		struct member m = {.name = words[i], .optional = optional};
		if (m.name[0] == '!') {
			m.exclude = true;
			memmove(m.name, m.name + 1, strlen(m.name));
		}
		optional = false;
		xgrow((void **)&cur->members, &cur->cap_members, cur->n_members + 1,
		      sizeof(*cur->members));
		cur->members[cur->n_members++] = m;
	}
	free(words);
}

static void free_groups(struct groups *g)
{
	for (size_t i = 0; i < g->n; i++) {
		for (size_t j = 0; j < g->list[i].n_members; j++)
			free(g->list[i].members[j].name);
		free(g->list[i].members);
		free(g->list[i].name);
	}
	free(g->list);
}

static const struct group *find_group(const struct groups *g, const char *name)
{
	for (size_t i = 0; i < g->n; i++)
		if (strcmp(g->list[i].name, name) == 0)
			return &g->list[i];
	return NULL;
}

static void test_builtin_groups_embedded(void **state)
{
	(void)state;
	char *data = NULL;
	size_t len = 0;
	int r = read_file(CELL_SOURCE_DIR "/compiler/builtin_groups.cell", &data, &len);
	assert_int_equal(r, 0);
	assert_int_equal(names_builtin_groups_len, len);
	assert_memory_equal(names_builtin_groups, data, len);
	assert_int_equal(names_builtin_groups[len], '\0');
	free(data);
}

static void test_builtin_groups_names_are_known(void **state)
{
	(void)state;
	struct groups g;
	parse_groups(&g);
	size_t n_arches = 0;
	const char *const *arches = names_arch_list(&n_arches);

	for (size_t i = 0; i < g.n; i++) {
		const struct group *grp = &g.list[i];
		if (find_group(&g, grp->name) != grp)
			fail_msg("%s is defined twice", grp->name);
		assert_true(grp->n_members > 0);
		for (size_t j = 0; j < grp->n_members; j++) {
			const struct member *m = &grp->members[j];
			for (size_t k = j + 1; k < grp->n_members; k++)
				if (strcmp(m->name, grp->members[k].name) == 0)
					fail_msg("%s lists %s twice", grp->name, m->name);
			if (m->name[0] == '@') {
				if (!find_group(&g, m->name))
					fail_msg("%s refers to undefined %s", grp->name, m->name);
				if (strcmp(m->name, grp->name) == 0)
					fail_msg("%s includes itself", grp->name);
				continue;
			}
			if (!names_syscall_known(m->name))
				fail_msg("%s: %s is unknown to libseccomp", grp->name, m->name);
			if (m->optional)
				continue;
			/* A member that is not optional must exist everywhere. */
			for (size_t a = 0; a < n_arches; a++)
				if (names_syscall_nr(m->name, names_arch_token(arches[a])) < 0)
					fail_msg("%s: %s is missing on %s but not optional",
					         grp->name, m->name, arches[a]);
		}
	}
	free_groups(&g);
}

static void test_builtin_groups_are_all_there(void **state)
{
	(void)state;
	static const char *const expected[] = {
	    "@aio",      "@basic-io",  "@chown",          "@clock",    "@cpu-emulation",
	    "@debug",    "@default",   "@file-system",    "@io-event", "@ipc",
	    "@keyring",  "@memlock",   "@module",         "@mount",    "@network-io",
	    "@obsolete", "@pkey",      "@privileged",     "@process",  "@raw-io",
	    "@reboot",   "@resources", "@sandbox",        "@setuid",   "@signal",
	    "@swap",     "@sync",      "@system-service", "@timer",
	};
	struct groups g;
	parse_groups(&g);
	for (size_t i = 0; i < ARRAY_SIZE(expected); i++)
		if (!find_group(&g, expected[i]))
			fail_msg("built-in group %s is missing", expected[i]);
	/* @known is the resolver's: it is every name in names_syscall_list(). */
	assert_null(find_group(&g, "@known"));
	assert_int_equal(g.n, ARRAY_SIZE(expected));

	/* Spot checks on the contents. */
	const struct group *basic = find_group(&g, "@basic-io");
	bool has_read = false, llseek_optional = false;
	for (size_t j = 0; j < basic->n_members; j++) {
		has_read |= strcmp(basic->members[j].name, "read") == 0;
		if (strcmp(basic->members[j].name, "_llseek") == 0)
			llseek_optional = basic->members[j].optional;
	}
	assert_true(has_read);
	assert_true(llseek_optional);
	free_groups(&g);
}

/* docs/groups.md has one table row per group: | `@name` | purpose | members |
 * with members as `name` (optional ones as `name`*) or `@group`. */
static void test_groups_doc_matches(void **state)
{
	(void)state;
	char *doc = NULL;
	size_t len = 0;
	assert_int_equal(read_file(CELL_SOURCE_DIR "/docs/groups.md", &doc, &len), 0);
	struct groups g;
	parse_groups(&g);
	size_t rows = 0;
	for (char *line = strtok(doc, "\n"); line; line = strtok(NULL, "\n")) {
		if (strncmp(line, "| `@", 4) != 0)
			continue;
		char *name_end = strchr(line + 3, '`');
		assert_non_null(name_end);
		char *name = xstrndup(line + 3, (size_t)(name_end - line - 3));
		const struct group *grp = find_group(&g, name);
		if (!grp)
			fail_msg("docs/groups.md documents unknown group %s", name);
		char *members = strrchr(line, '|');
		*members = '\0';
		members = strrchr(line, '|') + 1;
		size_t count = 0;
		/* Check each `word` in the members cell against the file. */
		for (char *p = strchr(members, '`'); p; p = strchr(p, '`')) {
			char *end = strchr(p + 1, '`');
			assert_non_null(end);
			char *word = xstrndup(p + 1, (size_t)(end - p - 1));
			bool optional = end[1] == '*';
			bool found = false;
			for (size_t j = 0; j < grp->n_members; j++) {
				if (strcmp(grp->members[j].name, word) == 0) {
					found = true;
					if (grp->members[j].optional != optional)
						fail_msg("docs/groups.md: %s in %s: optional mark "
						         "differs",
						         word, name);
				}
			}
			if (!found)
				fail_msg("docs/groups.md: %s lists %s, the file does not", name,
				         word);
			free(word);
			count++;
			p = end + 1;
		}
		if (count != grp->n_members)
			fail_msg("docs/groups.md: %s has %zu members, the file %zu", name, count,
			         grp->n_members);
		free(name);
		rows++;
	}
	assert_int_equal(rows, g.n);
	free_groups(&g);
	free(doc);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_errno_values),
	    cmocka_unit_test(test_errno_names),
	    cmocka_unit_test(test_constants_sanity),
	    cmocka_unit_test(test_constants_match_headers),
	    cmocka_unit_test(test_constants_skip_what_is_not_an_integer_constant),
	    cmocka_unit_test(test_constants_list),
	    cmocka_unit_test(test_arches),
	    cmocka_unit_test(test_syscall_known),
	    cmocka_unit_test(test_syscall_numbers),
	    cmocka_unit_test(test_syscall_name_is_stable),
	    cmocka_unit_test(test_syscall_list),
	    cmocka_unit_test(test_cleanup_then_list_again),
	    cmocka_unit_test(test_signatures_checked),
	    cmocka_unit_test(test_signature_table),
	    cmocka_unit_test(test_every_x86_64_syscall_has_a_signature),
	    cmocka_unit_test(test_builtin_groups_embedded),
	    cmocka_unit_test(test_builtin_groups_names_are_known),
	    cmocka_unit_test(test_builtin_groups_are_all_there),
	    cmocka_unit_test(test_groups_doc_matches),
	};
	int failed = cmocka_run_group_tests(tests, NULL, NULL);
	names_cleanup();
	return failed;
}

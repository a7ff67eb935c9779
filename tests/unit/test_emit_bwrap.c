/* Unit tests for the bwrap backend: every option it writes, the environment
 * normalisation, masks decided from the host, errors, golden files, and the
 * real bwrap running a generated file. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "emit_bwrap.h"
#include "ir.h"
#include "util.h"

/* ---- building policies ---------------------------------------------------- */

static struct ir_policy *new_policy(const char *name, enum ir_net_mode net)
{
	struct ir_policy *p = xcalloc(1, sizeof(*p));
	p->name = xstrdup(name);
	p->n_arches = 1;
	p->arches = xcalloc(1, sizeof(*p->arches));
	p->arches[0].name = xstrdup("x86_64");
	p->net = net;
	p->process.uid = -1;
	p->process.gid = -1;
	return p;
}

static struct ir_fs_op *add_fs(struct ir_policy *p, enum ir_fs_kind kind, const char *src,
                               const char *dst)
{
	struct ir_fs_op op = {.kind = kind, .src = src ? xstrdup(src) : NULL, .dst = xstrdup(dst)};
	ir_add_fs_op(p, op);
	return &p->fs.ops[p->fs.n_ops - 1];
}

static void add_mode(struct ir_fs_op *op, uint32_t mode)
{
	op->has_mode = true;
	op->mode = mode;
}

static void add_file(struct ir_policy *p, const char *dst, const char *contents)
{
	struct ir_fs_op *op = add_fs(p, IR_FS_FILE, NULL, dst);
	op->data = xstrdup(contents);
	op->data_len = strlen(contents);
}

static void add_env(struct ir_policy *p, enum ir_env_kind kind, const char *name, const char *value)
{
	struct ir_env_op op = {
	    .kind = kind,
	    .name = name ? xstrdup(name) : NULL,
	    .value = value ? xstrdup(value) : NULL,
	};
	ir_add_env_op(p, op);
}

static void add_param(struct ir_policy *p, const char *name, bool as_path)
{
	struct ir_param param = {.name = xstrdup(name), .used_as_path = as_path};
	ir_add_param(p, param);
}

/* ---- running the backend -------------------------------------------------- */

struct emitted {
	int rc;
	int errors;
	struct buf args;
	struct buf text; /* one argument per line */
	char *messages;  /* what the diagnostics printed */
	struct bwrap_needs needs;
};

static void emit(const struct ir_policy *p, struct emitted *out)
{
	size_t messages_len = 0;
	FILE *stream = open_memstream(&out->messages, &messages_len);
	assert_non_null(stream);
	struct diag_ctx *d = diag_new(stream);
	buf_init(&out->args);
	buf_init(&out->text);
	bwrap_needs_init(&out->needs);
	out->rc = emit_bwrap_args(p, d, &out->args, &out->needs);
	out->errors = diag_error_count(d);
	diag_free(d);
	fclose(stream);
	bwrap_args_to_text(out->args.data, out->args.len, &out->text);
	buf_cstr(&out->text);
}

static void emitted_free(struct emitted *out)
{
	buf_free(&out->args);
	buf_free(&out->text);
	bwrap_needs_free(&out->needs);
	free(out->messages);
}

/* Emits a policy that must compile cleanly. */
static void emit_ok(const struct ir_policy *p, struct emitted *out)
{
	emit(p, out);
	if (out->rc != 0)
		fprintf(stderr, "unexpected errors:\n%s", out->messages);
	assert_int_equal(out->rc, 0);
	assert_int_equal(out->errors, 0);
}

/* True if `lines` (each ending in '\n') appear consecutively, as whole lines. */
static bool has_lines(const char *text, const char *lines)
{
	for (const char *at = text; (at = strstr(at, lines)); at++)
		if (at == text || at[-1] == '\n')
			return true;
	return false;
}

static void assert_lines(const struct emitted *e, const char *lines)
{
	if (!has_lines(e->text.data, lines))
		fail_msg("expected lines\n%s\nin\n%s", lines, e->text.data);
}

static void assert_no_lines(const struct emitted *e, const char *lines)
{
	if (has_lines(e->text.data, lines))
		fail_msg("unexpected lines\n%s\nin\n%s", lines, e->text.data);
}

static void assert_message(const struct emitted *e, const char *fragment)
{
	if (!strstr(e->messages, fragment))
		fail_msg("expected a message containing '%s', got:\n%s", fragment, e->messages);
}

static void assert_version(const struct emitted *e, unsigned major, unsigned minor, unsigned micro)
{
	struct bwrap_version want = {major, minor, micro};
	char got_text[32], want_text[32];
	if (bwrap_version_compare(e->needs.min_version, want) != 0)
		fail_msg("bwrap-min %s, expected %s",
		         bwrap_version_format(e->needs.min_version, got_text, sizeof(got_text)),
		         bwrap_version_format(want, want_text, sizeof(want_text)));
}

/* ---- 1. namespaces and process -------------------------------------------- */

static const char namespace_lines[] = "--unshare-user\n--unshare-ipc\n--unshare-pid\n"
                                      "--unshare-uts\n--unshare-cgroup-try\n";
static const char process_lines[] = "--die-with-parent\n--cap-drop\nALL\n";

static void check_namespaces(enum ir_net_mode net, bool unshares_net)
{
	struct ir_policy *p = new_policy("ns", net);
	struct emitted e;
	emit_ok(p, &e);
	char *expected = xasprintf("%s%s%s", namespace_lines, unshares_net ? "--unshare-net\n" : "",
	                           process_lines);
	assert_string_equal(e.text.data, expected);
	assert_version(&e, 0, 2, 0);
	assert_int_equal(e.needs.n_data_fds, 0);
	assert_int_equal(e.needs.n_env_keep, 0);
	free(expected);
	emitted_free(&e);
	ir_policy_free(p);
}

static void test_namespaces_per_net_mode(void **state)
{
	(void)state;
	check_namespaces(IR_NET_NONE, true);
	check_namespaces(IR_NET_LOOPBACK, true);
	check_namespaces(IR_NET_HOST, false);
}

static void test_process_options(void **state)
{
	(void)state;
	struct ir_policy *p = new_policy("proc", IR_NET_HOST);
	p->process.new_session = true;
	p->process.hostname = xstrdup("box");
	p->process.uid = 1000;
	p->process.gid = 0;
	struct emitted e;
	emit_ok(p, &e);
	assert_lines(&e,
	             "--cap-drop\nALL\n--new-session\n--hostname\nbox\n--uid\n1000\n--gid\n0\n");
	emitted_free(&e);

	p->process.uid = 4294967295; /* (uid_t)-1: "no change" to the kernel */
	free(p->process.hostname);
	p->process.hostname =
	    xstrdup("h234567890123456789012345678901234567890123456789012345678901234x");
	emit(p, &e);
	assert_int_equal(e.rc, -1);
	assert_int_equal(e.errors, 2);
	assert_message(&e, "uid 4294967295 is out of range");
	assert_message(&e, "is longer than the 64 bytes the kernel allows");
	emitted_free(&e);
	ir_policy_free(p);
}

/* ---- 2. filesystem -------------------------------------------------------- */

static void test_each_fs_kind_in_ir_order(void **state)
{
	(void)state;
	struct ir_policy *p = new_policy("fs", IR_NET_HOST);
	add_fs(p, IR_FS_BIND_RO, "/usr", "/usr");
	add_fs(p, IR_FS_BIND_RW, "/srv/data", "/data");
	add_fs(p, IR_FS_DEV, NULL, "/dev");
	add_fs(p, IR_FS_PROC, NULL, "/proc");
	struct ir_fs_op *tmp = add_fs(p, IR_FS_TMPFS, NULL, "/tmp");
	tmp->has_size = true;
	tmp->size_bytes = 64 << 20;
	add_mode(tmp, 01777);
	add_fs(p, IR_FS_TMPFS, NULL, "/run");
	add_fs(p, IR_FS_SYMLINK, "usr/bin", "/bin");
	add_mode(add_fs(p, IR_FS_DIR, NULL, "/home/user"), 0700);
	add_fs(p, IR_FS_DIR, NULL, "/var");
	add_file(p, "/etc/hostname", "box\n");
	add_file(p, "/etc/motd", "");
	add_mode(&p->fs.ops[p->fs.n_ops - 1], 0444);
	/* A later mount over an earlier one stays after it. */
	add_fs(p, IR_FS_BIND_RO, "/etc/resolv.conf", "/usr/etc/resolv.conf");

	struct emitted e;
	emit_ok(p, &e);
	char *expected = xasprintf("%s%s"
	                           "--ro-bind\n/usr\n/usr\n"
	                           "--bind\n/srv/data\n/data\n"
	                           "--dev\n/dev\n"
	                           "--proc\n/proc\n"
	                           "--size\n67108864\n--perms\n1777\n--tmpfs\n/tmp\n"
	                           "--tmpfs\n/run\n"
	                           "--symlink\nusr/bin\n/bin\n"
	                           "--perms\n0700\n--dir\n/home/user\n"
	                           "--dir\n/var\n"
	                           "--ro-bind-data\n10\n/etc/hostname\n"
	                           "--perms\n0444\n--ro-bind-data\n11\n/etc/motd\n"
	                           "--ro-bind\n/etc/resolv.conf\n/usr/etc/resolv.conf\n",
	                           namespace_lines, process_lines);
	assert_string_equal(e.text.data, expected);

	/* The contents travel in `needs`, under the fds the file names. */
	assert_int_equal(e.needs.n_data_fds, 2);
	assert_int_equal(e.needs.data_fds[0].fd, BWRAP_FIRST_DATA_FD);
	assert_int_equal(e.needs.data_fds[0].len, 4);
	assert_memory_equal(e.needs.data_fds[0].data, "box\n", 4);
	assert_int_equal(e.needs.data_fds[1].fd, BWRAP_FIRST_DATA_FD + 1);
	assert_int_equal(e.needs.data_fds[1].len, 0);
	/* --size is the newest option used. */
	assert_version(&e, 0, 7, 0);
	free(expected);
	emitted_free(&e);
	ir_policy_free(p);
}

static void test_optional_binds_use_try(void **state)
{
	(void)state;
	struct ir_policy *p = new_policy("try", IR_NET_HOST);
	add_fs(p, IR_FS_BIND_RO, "/etc/ld.so.cache", "/etc/ld.so.cache")->optional = true;
	add_fs(p, IR_FS_BIND_RW, "/var/cache/x", "/cache")->optional = true;
	struct emitted e;
	emit_ok(p, &e);
	assert_lines(&e, "--ro-bind-try\n/etc/ld.so.cache\n/etc/ld.so.cache\n"
	                 "--bind-try\n/var/cache/x\n/cache\n");
	assert_no_lines(&e, "--ro-bind\n");
	emitted_free(&e);
	ir_policy_free(p);
}

static void test_min_version_follows_options(void **state)
{
	(void)state;
	struct ir_policy *p = new_policy("v", IR_NET_HOST);
	add_fs(p, IR_FS_TMPFS, NULL, "/tmp");
	struct emitted e;
	emit_ok(p, &e);
	assert_version(&e, 0, 2, 0);
	emitted_free(&e);

	add_mode(&p->fs.ops[0], 0755);
	emit_ok(p, &e);
	assert_version(&e, 0, 5, 0);
	emitted_free(&e);

	p->fs.ops[0].has_mode = false;
	add_env(p, IR_ENV_CLEAR, NULL, NULL);
	emit_ok(p, &e);
	assert_version(&e, 0, 5, 0);
	emitted_free(&e);
	ir_policy_free(p);
}

static void test_fs_errors(void **state)
{
	(void)state;
	struct ir_policy *p = new_policy("bad", IR_NET_HOST);
	add_fs(p, IR_FS_BIND_RO, "usr", "/usr");
	add_fs(p, IR_FS_PROC, NULL, "proc");
	struct ir_fs_op *tmp = add_fs(p, IR_FS_TMPFS, NULL, "/tmp");
	tmp->has_size = true;
	add_mode(add_fs(p, IR_FS_DIR, NULL, "/d"), 010000);
	struct ir_fs_op *big = add_fs(p, IR_FS_FILE, NULL, "/big");
	big->data_len = BWRAP_MAX_DATA_SIZE + 1;
	big->data = xcalloc(1, big->data_len);

	struct emitted e;
	emit(p, &e);
	assert_int_equal(e.rc, -1);
	assert_int_equal(e.errors, 5); /* every problem, not just the first */
	assert_message(&e, "bind source 'usr' is not an absolute path");
	assert_message(&e, "destination 'proc' is not an absolute path");
	assert_message(&e, "has size 0");
	assert_message(&e, "is not a permission mode");
	assert_message(&e, "holds 65537 bytes");
	emitted_free(&e);
	ir_policy_free(p);
}

/* ---- masks ----------------------------------------------------------------- */

struct host_tree {
	char dir[64];
	char *subdir, *file, *link, *missing;
};

/* Fixture: a temp dir with a subdirectory, a file and a link; teardown
 * removes it even when a test fails half-way. */
static int host_tree_create(void **state)
{
	struct host_tree *t = xcalloc(1, sizeof(*t));
	*state = t;
	strcpy(t->dir, "/tmp/cell-mask-XXXXXX");
	assert_non_null(mkdtemp(t->dir));
	t->subdir = xasprintf("%s/secrets", t->dir);
	t->file = xasprintf("%s/token", t->dir);
	t->link = xasprintf("%s/link", t->dir);
	t->missing = xasprintf("%s/missing", t->dir);
	assert_int_equal(mkdir(t->subdir, 0700), 0);
	int fd = open(t->file, O_WRONLY | O_CREAT | O_EXCL, 0600);
	assert_true(fd >= 0);
	close(fd);
	assert_int_equal(symlink("secrets", t->link), 0);
	return 0;
}

static int host_tree_remove(void **state)
{
	struct host_tree *t = *state;
	unlink(t->link);
	unlink(t->file);
	rmdir(t->subdir);
	rmdir(t->dir);
	free(t->subdir);
	free(t->file);
	free(t->link);
	free(t->missing);
	free(t);
	return 0;
}

static void test_mask_decided_from_host(void **state)
{
	struct host_tree t = *(struct host_tree *)*state;
	struct ir_policy *p = new_policy("mask", IR_NET_HOST);
	add_fs(p, IR_FS_MASK, NULL, t.subdir);
	add_fs(p, IR_FS_MASK, NULL, t.file);
	add_fs(p, IR_FS_MASK, NULL, t.missing)->optional = true;

	struct emitted e;
	emit_ok(p, &e);
	char *dir_lines = xasprintf("--tmpfs\n%s\n--remount-ro\n%s\n", t.subdir, t.subdir);
	char *file_lines = xasprintf("--ro-bind\n/dev/null\n%s\n", t.file);
	char *both = xasprintf("%s%s", dir_lines, file_lines);
	assert_lines(&e, both);
	assert_null(strstr(e.text.data, t.missing)); /* `mask?` of a missing path: skipped */
	free(dir_lines);
	free(file_lines);
	free(both);
	emitted_free(&e);
	ir_policy_free(p);
}

static void test_mask_errors(void **state)
{
	struct host_tree t = *(struct host_tree *)*state;
	struct ir_policy *p = new_policy("mask", IR_NET_HOST);
	add_param(p, "HOME", true);
	add_fs(p, IR_FS_MASK, NULL, t.missing);
	add_fs(p, IR_FS_MASK, NULL, "${HOME}/.ssh");
	add_fs(p, IR_FS_MASK, NULL, t.link);

	struct emitted e;
	emit(p, &e);
	assert_int_equal(e.rc, -1);
	assert_int_equal(e.errors, 3);
	char *nothing =
	    xasprintf("nothing to mask at %s on this host; write `mask? %s`", t.missing, t.missing);
	assert_message(&e, nothing);
	assert_message(&e, "a mask must be known at compile time");
	assert_message(&e, "is a symbolic link on this host (to 'secrets')");
	assert_null(strstr(e.text.data, "--remount-ro"));
	free(nothing);
	emitted_free(&e);
	ir_policy_free(p);
}

/* ---- 3. environment -------------------------------------------------------- */

static void test_env_without_clear(void **state)
{
	(void)state;
	struct ir_policy *p = new_policy("env", IR_NET_HOST);
	add_env(p, IR_ENV_SET, "A", "1");
	add_env(p, IR_ENV_UNSET, "B", NULL);
	add_env(p, IR_ENV_KEEP, "PATH", NULL);
	struct emitted e;
	emit_ok(p, &e);
	assert_lines(&e, "ALL\n--setenv\nA\n1\n--unsetenv\nB\n");
	assert_no_lines(&e, "--clearenv\n");
	assert_null(strstr(e.text.data, "PATH")); /* keep is inheritance: nothing to do */
	assert_int_equal(e.needs.n_env_keep, 0);
	assert_version(&e, 0, 2, 0);
	emitted_free(&e);
	ir_policy_free(p);
}

static void test_env_last_clear_voids_what_came_before(void **state)
{
	(void)state;
	struct ir_policy *p = new_policy("env", IR_NET_HOST);
	add_env(p, IR_ENV_SET, "EARLY", "1");
	add_env(p, IR_ENV_CLEAR, NULL, NULL);
	add_env(p, IR_ENV_KEEP, "LOST", NULL);
	add_env(p, IR_ENV_CLEAR, NULL, NULL);
	add_env(p, IR_ENV_SET, "C", "1");
	add_env(p, IR_ENV_KEEP, "LANG", NULL);
	add_env(p, IR_ENV_UNSET, "D", NULL);
	add_env(p, IR_ENV_SET, "C", "2");
	add_env(p, IR_ENV_KEEP, "PATH", NULL);
	struct emitted e;
	emit_ok(p, &e);
	/* One clear, then C's last value; unset after a clear is implied. */
	char *expected =
	    xasprintf("%s%s--clearenv\n--setenv\nC\n2\n", namespace_lines, process_lines);
	assert_string_equal(e.text.data, expected);
	assert_int_equal(e.needs.n_env_keep, 2);
	assert_string_equal(e.needs.env_keep[0], "LANG");
	assert_string_equal(e.needs.env_keep[1], "PATH");
	assert_version(&e, 0, 5, 0);
	free(expected);
	emitted_free(&e);
	ir_policy_free(p);
}

static void test_env_last_op_wins_in_first_appearance_order(void **state)
{
	(void)state;
	struct ir_policy *p = new_policy("env", IR_NET_HOST);
	add_env(p, IR_ENV_SET, "X", "1");
	add_env(p, IR_ENV_SET, "Y", "1");
	add_env(p, IR_ENV_UNSET, "X", NULL);
	add_env(p, IR_ENV_SET, "Y", "2");
	add_env(p, IR_ENV_KEEP, "Z", NULL);
	add_env(p, IR_ENV_SET, "Z", "3");
	add_env(p, IR_ENV_SET, "W", "4");
	add_env(p, IR_ENV_KEEP, "W", NULL);
	struct emitted e;
	emit_ok(p, &e);
	assert_lines(&e, "ALL\n--unsetenv\nX\n--setenv\nY\n2\n--setenv\nZ\n3\n");
	assert_null(strstr(e.text.data, "\nW\n")); /* keep W after set W: inherit the host's */
	assert_int_equal(e.needs.n_env_keep, 0);
	emitted_free(&e);
	ir_policy_free(p);
}

static void test_env_errors(void **state)
{
	(void)state;
	struct ir_policy *p = new_policy("env", IR_NET_HOST);
	add_env(p, IR_ENV_SET, "A=B", "1");
	add_env(p, IR_ENV_SET, "", "1");
	add_env(p, IR_ENV_SET, "V", "${UNDECLARED}");
	struct emitted e;
	emit(p, &e);
	assert_int_equal(e.rc, -1);
	assert_int_equal(e.errors, 3);
	assert_message(&e, "'A=B' is not a valid environment variable name");
	assert_message(&e, "refers to ${UNDECLARED}, which is not a param of policy 'env'");
	emitted_free(&e);
	ir_policy_free(p);
}

/* ---- params, cwd, and what must never be in the file ----------------------- */

static void test_params_are_kept_verbatim(void **state)
{
	(void)state;
	struct ir_policy *p = new_policy("params", IR_NET_HOST);
	add_param(p, "WORKDIR", true);
	add_param(p, "USER_NAME", false);
	add_fs(p, IR_FS_BIND_RW, "${WORKDIR}", "/work");
	add_fs(p, IR_FS_BIND_RO, "${WORKDIR}/cache", "/cache");
	add_fs(p, IR_FS_DIR, NULL, "/home/${USER_NAME}");
	add_env(p, IR_ENV_SET, "GREETING", "hello ${USER_NAME}, $HOME stays");
	p->process.hostname = xstrdup("${USER_NAME}-box");
	p->fs.cwd = xstrdup("${WORKDIR}/src");
	struct emitted e;
	emit_ok(p, &e);
	assert_lines(&e, "--hostname\n${USER_NAME}-box\n");
	assert_lines(&e, "--bind\n${WORKDIR}\n/work\n--ro-bind\n${WORKDIR}/cache\n/cache\n"
	                 "--dir\n/home/${USER_NAME}\n");
	assert_lines(&e, "--setenv\nGREETING\nhello ${USER_NAME}, $HOME stays\n");
	/* --chdir comes last. */
	const char *tail = "--chdir\n${WORKDIR}/src\n";
	assert_string_equal(e.text.data + e.text.len - strlen(tail), tail);
	emitted_free(&e);
	ir_policy_free(p);
}

static void test_param_errors(void **state)
{
	(void)state;
	struct ir_policy *p = new_policy("params", IR_NET_HOST);
	add_param(p, "WORKDIR", true);
	add_fs(p, IR_FS_BIND_RW, "${NOPE}", "/work");
	add_fs(p, IR_FS_BIND_RW, "/a${WORKDIR", "/b");
	add_fs(p, IR_FS_BIND_RW, "x${WORKDIR}", "/c");
	add_fs(p, IR_FS_BIND_RW, "${WORKDIR}x", "/d");
	add_param(p, "NAME", false);
	add_fs(p, IR_FS_BIND_RW, "${NAME}/x", "/e"); /* the runtime would not check it */
	p->fs.cwd = xstrdup("work");
	struct emitted e;
	emit(p, &e);
	assert_int_equal(e.rc, -1);
	assert_int_equal(e.errors, 6);
	assert_message(&e, "'${NAME}/x' starts with param NAME, which is not marked as a path");
	assert_message(&e, "refers to ${NOPE}, which is not a param");
	assert_message(&e, "'/a${WORKDIR' has a malformed ${...} reference");
	assert_message(&e, "'x${WORKDIR}' is not an absolute path");
	assert_message(&e, "'${WORKDIR}x' is not an absolute path");
	assert_message(&e, "working directory 'work' is not an absolute path");
	emitted_free(&e);
	ir_policy_free(p);
}

/* A policy that uses every kind of operation, for whole-file properties. */
static struct ir_policy *everything_policy(void)
{
	struct ir_policy *p = new_policy("everything", IR_NET_NONE);
	add_param(p, "W", true);
	p->process.new_session = true;
	p->process.hostname = xstrdup("--");
	add_fs(p, IR_FS_BIND_RO, "/usr", "/usr");
	add_fs(p, IR_FS_BIND_RW, "${W}", "/w");
	add_fs(p, IR_FS_SYMLINK, "--", "/l");
	add_file(p, "/f", "--\n");
	add_env(p, IR_ENV_CLEAR, NULL, NULL);
	add_env(p, IR_ENV_SET, "X", "--");
	add_env(p, IR_ENV_KEEP, "PATH", NULL);
	p->fs.cwd = xstrdup("/w");
	return p;
}

static void test_file_has_no_command_separator_or_seccomp(void **state)
{
	(void)state;
	struct ir_policy *p = everything_policy();
	struct emitted e;
	emit_ok(p, &e);
	assert_true(e.args.len > 0);
	assert_int_equal(e.args.data[e.args.len - 1], '\0');
	/* "--" may be a value (a hostname, a link target) but never stands
	 * where bwrap reads an option. */
	size_t i = 0;
	while (i < e.args.len) {
		const char *arg = e.args.data + i;
		assert_true(strncmp(arg, "--", 2) == 0);
		assert_string_not_equal(arg, "--");
		assert_string_not_equal(arg, "--seccomp");
		assert_string_not_equal(arg, "--args");
		i += strlen(arg) + 1;
		/* Skip the option's values. */
		static const struct {
			const char *option;
			int values;
		} arity[] = {
		    {"--cap-drop", 1},     {"--hostname", 1}, {"--uid", 1},
		    {"--gid", 1},          {"--ro-bind", 2},  {"--ro-bind-try", 2},
		    {"--bind", 2},         {"--bind-try", 2}, {"--symlink", 2},
		    {"--ro-bind-data", 2}, {"--setenv", 2},   {"--unsetenv", 1},
		    {"--chdir", 1},        {"--tmpfs", 1},    {"--remount-ro", 1},
		    {"--dir", 1},          {"--perms", 1},    {"--size", 1},
		    {"--dev", 1},          {"--proc", 1},
		};
		for (size_t k = 0; k < ARRAY_SIZE(arity); k++)
			if (strcmp(arg, arity[k].option) == 0)
				for (int v = 0; v < arity[k].values; v++)
					i += strlen(e.args.data + i) + 1;
	}
	assert_int_equal(i, e.args.len);
	emitted_free(&e);
	ir_policy_free(p);
}

static void test_args_to_text_escapes(void **state)
{
	(void)state;
	const char args[] = "plain\0two\nlines\0back\\slash\0tab\there\0tail";
	struct buf out;
	buf_init(&out);
	bwrap_args_to_text(args, sizeof(args) - 1, &out);
	buf_cstr(&out);
	assert_string_equal(out.data, "plain\ntwo\\nlines\nback\\\\slash\ntab\\x09here\ntail\n"
	                              "<missing NUL>\n");
	buf_free(&out);
}

/* ---- golden files ------------------------------------------------------------ */

static struct ir_policy *golden_minimal(void)
{
	return new_policy("minimal", IR_NET_HOST);
}

/* The python-task policy of DESIGN.md, as the resolver would flatten it. */
static struct ir_policy *golden_python_task(void)
{
	struct ir_policy *p = new_policy("python-task", IR_NET_NONE);
	add_param(p, "WORKDIR", true);
	add_fs(p, IR_FS_BIND_RO, "/usr", "/usr");
	add_fs(p, IR_FS_SYMLINK, "usr/bin", "/bin");
	add_fs(p, IR_FS_SYMLINK, "usr/lib", "/lib");
	add_fs(p, IR_FS_SYMLINK, "usr/lib64", "/lib64");
	add_fs(p, IR_FS_BIND_RO, "/etc/ld.so.cache", "/etc/ld.so.cache")->optional = true;
	add_fs(p, IR_FS_PROC, NULL, "/proc");
	add_fs(p, IR_FS_DEV, NULL, "/dev");
	struct ir_fs_op *tmp = add_fs(p, IR_FS_TMPFS, NULL, "/tmp");
	tmp->has_size = true;
	tmp->size_bytes = 64 << 20;
	add_fs(p, IR_FS_BIND_RW, "${WORKDIR}", "/work");
	p->fs.cwd = xstrdup("/work");
	add_env(p, IR_ENV_CLEAR, NULL, NULL);
	add_env(p, IR_ENV_KEEP, "PATH", NULL);
	add_env(p, IR_ENV_KEEP, "LANG", NULL);
	add_env(p, IR_ENV_SET, "HOME", "/work");
	p->process.hostname = xstrdup("task");
	p->process.uid = 1000;
	p->process.gid = 1000;
	return p;
}

/* A desktop-ish tool: loopback network, a new session, generated files,
 * masks (paths every Linux host has), environment edits without a clear. */
static struct ir_policy *golden_desktop_tool(void)
{
	struct ir_policy *p = new_policy("desktop-tool", IR_NET_LOOPBACK);
	p->process.new_session = true;
	add_fs(p, IR_FS_BIND_RO, "/", "/");
	add_fs(p, IR_FS_DEV, NULL, "/dev");
	add_fs(p, IR_FS_PROC, NULL, "/proc");
	add_fs(p, IR_FS_MASK, NULL, "/sys/firmware");
	add_fs(p, IR_FS_MASK, NULL, "/etc/passwd");
	add_fs(p, IR_FS_MASK, NULL, "/nonexistent/cell-golden-mask")->optional = true;
	add_mode(add_fs(p, IR_FS_TMPFS, NULL, "/tmp"), 01777);
	add_mode(add_fs(p, IR_FS_DIR, NULL, "/tmp/state"), 0700);
	add_file(p, "/tmp/state/tool.conf", "color = never\n");
	add_mode(&p->fs.ops[p->fs.n_ops - 1], 0444);
	add_fs(p, IR_FS_BIND_RW, "/var/cache/tool", "/tmp/cache")->optional = true;
	add_env(p, IR_ENV_UNSET, "DBUS_SESSION_BUS_ADDRESS", NULL);
	add_env(p, IR_ENV_KEEP, "TERM", NULL);
	add_env(p, IR_ENV_SET, "TOOL_CONFIG", "/tmp/state/tool.conf");
	p->fs.cwd = xstrdup("/tmp/state");
	return p;
}

static void check_golden(struct ir_policy *(*build)(void), const char *name)
{
	struct ir_policy *p = build();
	struct emitted e;
	emit_ok(p, &e);
	char *path = xasprintf("%s/tests/golden/%s.args.txt", CELL_SOURCE_DIR, name);
	if (getenv("CELL_UPDATE_GOLDEN")) {
		FILE *f = fopen(path, "w");
		assert_non_null(f);
		fwrite(e.text.data, 1, e.text.len, f);
		assert_int_equal(fclose(f), 0);
	}
	char *golden = NULL;
	size_t golden_len = 0;
	int err = read_file(path, &golden, &golden_len);
	if (err < 0)
		fail_msg("cannot read %s: %s (CELL_UPDATE_GOLDEN=1 writes it)", path,
		         strerror(-err));
	if (golden_len != e.text.len || memcmp(golden, e.text.data, golden_len) != 0)
		fail_msg("%s differs from the output:\n%s", path, e.text.data);
	free(golden);
	free(path);
	emitted_free(&e);
	ir_policy_free(p);
}

static void test_golden_minimal(void **state)
{
	(void)state;
	check_golden(golden_minimal, "minimal");
}

static void test_golden_python_task(void **state)
{
	(void)state;
	check_golden(golden_python_task, "python-task");
}

static void test_golden_desktop_tool(void **state)
{
	(void)state;
	check_golden(golden_desktop_tool, "desktop-tool");
}

/* ---- the real bwrap ----------------------------------------------------------- */

#define BWRAP_PATH   "/usr/bin/bwrap"
#define ARGS_FD      3
#define GREETING     "hello from cell"
#define HIDDEN_VAR   "CELL_TEST_HIDDEN"
#define VISIBLE_VAR  "CELL_TEST_VISIBLE"
#define SANDBOX_UID  1234
#define SANDBOX_HOST "cellbox"

static int memfd_with(const char *name, const void *data, size_t len)
{
	int fd = memfd_create(name, MFD_CLOEXEC);
	assert_true(fd >= 0);
	assert_int_equal(write(fd, data, len), (ssize_t)len);
	assert_int_equal(lseek(fd, 0, SEEK_SET), 0);
	return fd;
}

/* Runs `/bin/sh -c script` under bwrap with the generated file on ARGS_FD
 * and every `file` on its data fd, the way a runner would. Returns the
 * exit status, or -1 if it did not exit normally. */
static int run_in_bwrap(const struct emitted *e, const char *script)
{
	size_t n_fds = e->needs.n_data_fds + 1;
	int *sources = xcalloc(n_fds, sizeof(int)), *targets = xcalloc(n_fds, sizeof(int));
	sources[0] = memfd_with("cell-args", e->args.data, e->args.len);
	targets[0] = ARGS_FD;
	for (size_t i = 1; i < n_fds; i++) {
		const struct bwrap_data_fd *data = &e->needs.data_fds[i - 1];
		sources[i] = memfd_with("cell-data", data->data, data->len);
		targets[i] = data->fd;
	}
	char args_fd[8];
	snprintf(args_fd, sizeof(args_fd), "%d", ARGS_FD);

	pid_t pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		/* Lift every source above every target first, so that no dup2()
		 * overwrites a source that is still to be placed. */
		for (size_t i = 0; i < n_fds; i++)
			if ((sources[i] = fcntl(sources[i], F_DUPFD_CLOEXEC, 100)) < 0)
				_exit(126);
		for (size_t i = 0; i < n_fds; i++)
			if (dup2(sources[i], targets[i]) < 0)
				_exit(126);
		execl(BWRAP_PATH, "bwrap", "--args", args_fd, "--", "/bin/sh", "-c", script,
		      (char *)NULL);
		_exit(127);
	}
	for (size_t i = 0; i < n_fds; i++)
		close(sources[i]);
	free(sources);
	free(targets);
	int status;
	while (waitpid(pid, &status, 0) < 0)
		assert_int_equal(errno, EINTR);
	return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

static struct ir_policy *sandbox_policy(void)
{
	struct ir_policy *p = new_policy("sandbox", IR_NET_NONE);
	add_fs(p, IR_FS_BIND_RO, "/usr", "/usr");
	add_fs(p, IR_FS_SYMLINK, "usr/bin", "/bin");
	add_fs(p, IR_FS_SYMLINK, "usr/lib", "/lib");
	if (access("/usr/lib64", F_OK) == 0)
		add_fs(p, IR_FS_SYMLINK, "usr/lib64", "/lib64");
	add_fs(p, IR_FS_PROC, NULL, "/proc");
	add_fs(p, IR_FS_DEV, NULL, "/dev");
	struct ir_fs_op *tmp = add_fs(p, IR_FS_TMPFS, NULL, "/tmp");
	tmp->has_size = true;
	tmp->size_bytes = 16 << 20;
	add_mode(tmp, 01777);
	add_file(p, "/etc/greeting", GREETING);
	add_env(p, IR_ENV_CLEAR, NULL, NULL);
	add_env(p, IR_ENV_SET, "PATH", "/usr/bin");
	add_env(p, IR_ENV_SET, VISIBLE_VAR, "yes");
	p->process.hostname = xstrdup(SANDBOX_HOST);
	p->process.uid = SANDBOX_UID;
	p->process.gid = SANDBOX_UID;
	p->fs.cwd = xstrdup("/tmp");
	return p;
}

/* Fixture: a directory outside every bind, holding a file the sandbox must
 * not see, and a host variable it must not see either. */
struct secret {
	char *dir, *file;
};

static int secret_create(void **state)
{
	struct secret *s = xcalloc(1, sizeof(*s));
	*state = s;
	s->dir = xstrdup("/root/cell-bundle-test-XXXXXX");
	if (!mkdtemp(s->dir)) {
		free(s->dir);
		s->dir = xstrdup("/var/tmp/cell-bundle-test-XXXXXX");
		assert_non_null(mkdtemp(s->dir));
	}
	s->file = xasprintf("%s/secret", s->dir);
	int fd = open(s->file, O_WRONLY | O_CREAT | O_EXCL, 0600);
	assert_true(fd >= 0);
	close(fd);
	assert_int_equal(setenv(HIDDEN_VAR, "must-not-leak", 1), 0);
	return 0;
}

static int secret_remove(void **state)
{
	struct secret *s = *state;
	unsetenv(HIDDEN_VAR);
	unlink(s->file);
	rmdir(s->dir);
	free(s->file);
	free(s->dir);
	free(s);
	return 0;
}

static void test_real_bwrap_runs_generated_file(void **state)
{
	const struct secret *secret = *state;
	if (access(BWRAP_PATH, X_OK) != 0)
		skip();
	struct ir_policy *p = sandbox_policy();
	struct emitted e;
	emit_ok(p, &e);

	/* Controls first: the sandbox starts, and a failing command is seen
	 * as failing, so the checks below cannot pass by accident. */
	assert_int_equal(run_in_bwrap(&e, "true"), 0);
	assert_int_equal(run_in_bwrap(&e, "exit 7"), 7);
	assert_int_equal(run_in_bwrap(&e, "test -e /nonexistent"), 1);

	assert_int_equal(run_in_bwrap(&e, "! touch /usr/cell-write-probe 2>/dev/null"), 0);
	assert_int_equal(access("/usr/cell-write-probe", F_OK), -1);
	assert_int_equal(run_in_bwrap(&e, "echo ok >/tmp/probe && test \"$(cat /tmp/probe)\" = ok"),
	                 0);
	assert_int_equal(run_in_bwrap(&e, "test \"$(stat -c %a /tmp)\" = 1777"), 0);
	char *hidden = xasprintf("test -e /usr/bin/sh && ! test -e %s && ! test -e %s",
	                         secret->file, secret->dir);
	assert_int_equal(run_in_bwrap(&e, hidden), 0);
	assert_int_equal(
	    run_in_bwrap(&e, "test \"$(cat /proc/sys/kernel/hostname)\" = " SANDBOX_HOST), 0);
	assert_int_equal(run_in_bwrap(&e, "test \"$" VISIBLE_VAR "\" = yes && "
	                                  "test -z \"${" HIDDEN_VAR "+set}\""),
	                 0);
	assert_int_equal(run_in_bwrap(&e, "test \"$(id -u):$(id -g)\" = 1234:1234"), 0);
	assert_int_equal(run_in_bwrap(&e, "test \"$(cat /etc/greeting)\" = '" GREETING "'"), 0);
	assert_int_equal(run_in_bwrap(&e, "test \"$(pwd)\" = /tmp"), 0);
	/* net none: a private namespace with nothing but lo. */
	assert_int_equal(run_in_bwrap(&e, "test \"$(grep -c : /proc/net/dev)\" = 1"), 0);

	free(hidden);
	emitted_free(&e);
	ir_policy_free(p);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_namespaces_per_net_mode),
	    cmocka_unit_test(test_process_options),
	    cmocka_unit_test(test_each_fs_kind_in_ir_order),
	    cmocka_unit_test(test_optional_binds_use_try),
	    cmocka_unit_test(test_min_version_follows_options),
	    cmocka_unit_test(test_fs_errors),
	    cmocka_unit_test_setup_teardown(test_mask_decided_from_host, host_tree_create,
	                                    host_tree_remove),
	    cmocka_unit_test_setup_teardown(test_mask_errors, host_tree_create, host_tree_remove),
	    cmocka_unit_test(test_env_without_clear),
	    cmocka_unit_test(test_env_last_clear_voids_what_came_before),
	    cmocka_unit_test(test_env_last_op_wins_in_first_appearance_order),
	    cmocka_unit_test(test_env_errors),
	    cmocka_unit_test(test_params_are_kept_verbatim),
	    cmocka_unit_test(test_param_errors),
	    cmocka_unit_test(test_file_has_no_command_separator_or_seccomp),
	    cmocka_unit_test(test_args_to_text_escapes),
	    cmocka_unit_test(test_golden_minimal),
	    cmocka_unit_test(test_golden_python_task),
	    cmocka_unit_test(test_golden_desktop_tool),
	    cmocka_unit_test_setup_teardown(test_real_bwrap_runs_generated_file, secret_create,
	                                    secret_remove),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}

/* Unit tests for runtime/rt_limits.c: the limits file parser, and the cgroup
 * code run against FAKE cgroup trees built in a temporary directory (cgroup
 * v2 with a delegated-looking slice, cgroup v1 with one directory per
 * controller). The fake trees are the only test of the v2 path on this
 * project's machines; tests/kernel/test_cgroup_real.c covers real v1. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "rt_limits.h"

/* ---- helpers -------------------------------------------------------------- */

static char err[2048];

static int parse(const char *text, struct rt_limits *l)
{
	memset(l, 0xa5, sizeof(*l)); /* a failed parse must not leave this half-written */
	err[0] = '\0';
	return rt_limits_parse(text, strlen(text), l, err, sizeof(err));
}

static struct rt_limits limits_of(const char *text)
{
	struct rt_limits l;
	int rc = parse(text, &l);
	if (rc != 0)
		fail_msg("parse failed: %s", err);
	return l;
}

static void assert_parse_fails(const char *text, const char *expected)
{
	struct rt_limits l;
	assert_int_equal(parse(text, &l), -1);
	if (!strstr(err, expected))
		fail_msg("error \"%s\" does not mention \"%s\" (input: \"%s\")", err, expected,
		         text);
}

static char *joinf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static char *joinf(const char *fmt, ...)
{
	va_list ap;
	char *s;
	va_start(ap, fmt);
	assert_true(vasprintf(&s, fmt, ap) >= 0);
	va_end(ap);
	return s;
}

static void put(const char *root, const char *rel, const char *content)
{
	char *path = joinf("%s/%s", root, rel);
	FILE *f = fopen(path, "w");
	if (!f)
		fail_msg("cannot create %s: %s", path, strerror(errno));
	fputs(content, f);
	fclose(f);
	free(path);
}

static void mkdir_in(const char *root, const char *rel)
{
	char *path = joinf("%s/%s", root, rel);
	if (mkdir(path, 0755) < 0)
		fail_msg("mkdir %s: %s", path, strerror(errno));
	free(path);
}

/* The contents of root/rel, or NULL when it does not exist. */
static char *get(const char *root, const char *rel)
{
	char *path = joinf("%s/%s", root, rel);
	FILE *f = fopen(path, "r");
	free(path);
	if (!f)
		return NULL;
	static char text[4096];
	size_t n = fread(text, 1, sizeof(text) - 1, f);
	text[n] = '\0';
	fclose(f);
	return text;
}

static bool exists(const char *root, const char *rel)
{
	char *path = joinf("%s/%s", root, rel);
	bool found = access(path, F_OK) == 0;
	free(path);
	return found;
}

static void assert_file(const char *root, const char *rel, const char *expected)
{
	const char *text = get(root, rel);
	if (!text)
		fail_msg("%s/%s does not exist", root, rel);
	if (strcmp(text, expected) != 0)
		fail_msg("%s/%s holds \"%s\", expected \"%s\"", root, rel, text, expected);
}

static void remove_tree(const char *path)
{
	DIR *d = opendir(path);
	if (!d) {
		unlink(path);
		return;
	}
	for (struct dirent *e; (e = readdir(d));) {
		if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
			continue;
		char *sub = joinf("%s/%s", path, e->d_name);
		struct stat st;
		if (lstat(sub, &st) == 0 && S_ISDIR(st.st_mode))
			remove_tree(sub);
		else
			unlink(sub);
		free(sub);
	}
	closedir(d);
	rmdir(path);
}

/* Counts the "cell-*" directories anywhere in the tree. */
static int count_cell_dirs(const char *path)
{
	int count = 0;
	DIR *d = opendir(path);
	if (!d)
		return 0;
	for (struct dirent *e; (e = readdir(d));) {
		if (e->d_name[0] == '.')
			continue;
		char *sub = joinf("%s/%s", path, e->d_name);
		struct stat st;
		if (lstat(sub, &st) == 0 && S_ISDIR(st.st_mode))
			count += (strncmp(e->d_name, "cell-", 5) == 0) + count_cell_dirs(sub);
		free(sub);
	}
	closedir(d);
	return count;
}

/* The name rt_cgroup_create gives the directory for hint "test". */
static const char *cell_name(void)
{
	static char name[64];
	snprintf(name, sizeof(name), "cell-test-%ld", (long)getpid());
	return name;
}

struct tree {
	char root[64];
	char *log_text;
	size_t log_len;
	FILE *log;
};

static int tree_setup(void **state)
{
	struct tree *t = calloc(1, sizeof(*t));
	strcpy(t->root, "/tmp/cell-limits-test-XXXXXX");
	assert_non_null(mkdtemp(t->root));
	t->log = open_memstream(&t->log_text, &t->log_len);
	*state = t;
	return 0;
}

static int tree_teardown(void **state)
{
	struct tree *t = *state;
	remove_tree(t->root);
	fclose(t->log);
	free(t->log_text);
	free(t);
	return 0;
}

static const char *log_of(struct tree *t)
{
	fflush(t->log);
	return t->log_text ? t->log_text : "";
}

static const char v2_files[][24] = {"cgroup.procs",    "cgroup.kill",   "memory.max",
                                    "memory.swap.max", "memory.events", "memory.peak",
                                    "pids.max",        "cpu.max",       "cpu.stat"};

/* A v2 tree: root, a delegated-looking user.slice (what the new leaf sits
 * in), and app.scope, the caller's own cgroup. */
static void make_v2_tree(const char *root, const char *slice_controllers, const char *subtree)
{
	put(root, "cgroup.controllers", "cpu memory pids\n");
	put(root, "cgroup.subtree_control", "cpu memory pids\n");
	put(root, "cgroup.procs", "");
	mkdir_in(root, "user.slice");
	put(root, "user.slice/cgroup.controllers", slice_controllers);
	put(root, "user.slice/cgroup.subtree_control", subtree);
	for (size_t i = 0; i < sizeof(v2_files) / sizeof(v2_files[0]); i++) {
		char *rel = joinf("user.slice/%s", v2_files[i]);
		put(root, rel, "");
		free(rel);
	}
	mkdir_in(root, "user.slice/app.scope");
	put(root, "user.slice/app.scope/cgroup.controllers", "");
	put(root, "user.slice/app.scope/cgroup.subtree_control", "");
	put(root, "user.slice/app.scope/cgroup.procs", "");
}

static const char v2_self[] = "0::/user.slice/app.scope\n";

/* A v1 tree: memory, pids, and cpu co-mounted with cpuacct. */
static void make_v1_tree(const char *root, bool with_memsw)
{
	mkdir_in(root, "memory");
	put(root, "memory/cgroup.procs", "");
	put(root, "memory/tasks", "");
	put(root, "memory/memory.limit_in_bytes", "");
	if (with_memsw)
		put(root, "memory/memory.memsw.limit_in_bytes", "");
	put(root, "memory/memory.oom_control", "");
	put(root, "memory/memory.failcnt", "");
	put(root, "memory/memory.max_usage_in_bytes", "");
	mkdir_in(root, "pids");
	put(root, "pids/cgroup.procs", "");
	put(root, "pids/pids.max", "");
	mkdir_in(root, "cpu,cpuacct");
	put(root, "cpu,cpuacct/cgroup.procs", "");
	put(root, "cpu,cpuacct/cpu.cfs_period_us", "");
	put(root, "cpu,cpuacct/cpu.cfs_quota_us", "");
	put(root, "cpu,cpuacct/cpuacct.usage", "");
}

static const char v1_self[] = "5:memory:/\n4:pids:/\n3:cpu,cpuacct:/\n1:name=systemd:/\n0::/\n";

static struct rt_cgroup *create_ok(struct tree *t, const char *limits_text, const char *self)
{
	struct rt_limits l = limits_of(limits_text);
	struct rt_cgroup *cg = NULL;
	if (rt_cgroup_create(&l, t->root, self, "test", &cg, t->log, err, sizeof(err)) != 0)
		fail_msg("rt_cgroup_create failed: %s", err);
	return cg;
}

static void create_fails(struct tree *t, const char *limits_text, const char *self)
{
	struct rt_limits l = limits_of(limits_text);
	struct rt_cgroup *cg = (struct rt_cgroup *)&l; /* must be reset to NULL */
	err[0] = '\0';
	assert_int_equal(rt_cgroup_create(&l, t->root, self, "test", &cg, t->log, err, sizeof(err)),
	                 -1);
	assert_null(cg);
	assert_true(err[0] != '\0');
}

static void assert_err_has(const char *expected)
{
	if (!strstr(err, expected))
		fail_msg("error \"%s\" does not mention \"%s\"", err, expected);
}

static pid_t spawn_sleeper(void)
{
	pid_t pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		for (;;)
			pause();
	}
	return pid;
}

/* ---- the limits file ---------------------------------------------------- */

static void test_parse_every_key(void **state)
{
	(void)state;
	struct rt_limits l = limits_of("cell-limits 1\n"
	                               "memory-bytes 536870912\n"
	                               "pids 64 best-effort\n"
	                               "cpu-millicores 1500\n"
	                               "time-ms 30000\n"
	                               "nofile infinity\n"
	                               "fsize-bytes 0\n");
	assert_true(l.memory_bytes.set);
	assert_false(l.memory_bytes.infinite);
	assert_false(l.memory_bytes.best_effort);
	assert_int_equal(l.memory_bytes.value, 536870912);
	assert_true(l.pids.set);
	assert_true(l.pids.best_effort);
	assert_int_equal(l.pids.value, 64);
	assert_int_equal(l.cpu_millicores.value, 1500);
	assert_int_equal(l.time_ms.value, 30000);
	assert_true(l.nofile.set);
	assert_true(l.nofile.infinite);
	assert_true(l.fsize_bytes.set);
	assert_int_equal(l.fsize_bytes.value, 0);
}

static void test_parse_header_only_sets_nothing(void **state)
{
	(void)state;
	struct rt_limits l = limits_of("cell-limits 1\n");
	assert_false(l.memory_bytes.set);
	assert_false(l.pids.set);
	assert_false(l.cpu_millicores.set);
	assert_false(l.time_ms.set);
	assert_false(l.nofile.set);
	assert_false(l.fsize_bytes.set);
}

static void test_parse_each_key_alone(void **state)
{
	(void)state;
	static const char *const keys[] = {"memory-bytes", "pids",   "cpu-millicores",
	                                   "time-ms",      "nofile", "fsize-bytes"};
	for (size_t i = 0; i < 6; i++) {
		char text[128];
		snprintf(text, sizeof(text), "cell-limits 1\n%s 18446744073709551615\n", keys[i]);
		struct rt_limits l = limits_of(text);
		const struct rt_limit *all[] = {&l.memory_bytes, &l.pids,   &l.cpu_millicores,
		                                &l.time_ms,      &l.nofile, &l.fsize_bytes};
		for (size_t j = 0; j < 6; j++)
			assert_int_equal(all[j]->set, i == j);
		assert_true(all[i]->value == UINT64_MAX);
		snprintf(text, sizeof(text), "cell-limits 1\n%s infinity best-effort\n", keys[i]);
		l = limits_of(text);
		const struct rt_limit *again[] = {&l.memory_bytes, &l.pids,   &l.cpu_millicores,
		                                  &l.time_ms,      &l.nofile, &l.fsize_bytes};
		assert_true(again[i]->infinite && again[i]->best_effort);
	}
}

static void test_parse_bad_files(void **state)
{
	(void)state;
	assert_parse_fails("", "empty");
	assert_parse_fails("pids 5\n", "first line");
	assert_parse_fails("cell-limits 2\n", "version 2");
	assert_parse_fails("cell-limits x\n", "bad version");
	assert_parse_fails("cell-limits 1", "newline");
	assert_parse_fails("cell-limits 1\npids 5", "newline");
	assert_parse_fails("cell-limits 1\nswap-bytes 5\n", "unknown key \"swap-bytes\"");
	assert_parse_fails("cell-limits 1\npids\n", "expected `KEY VALUE`");
	assert_parse_fails("cell-limits 1\npids 5\npids 6\n", "duplicate key pids");
	assert_parse_fails("cell-limits 1\npids 5\nmemory-bytes 6\n", "out of order");
	assert_parse_fails("cell-limits 1\npids 5 maybe\n", "best-effort");
	assert_parse_fails("cell-limits 1\npids 5 \n", "best-effort");
	assert_parse_fails("cell-limits 1\n\npids 5\n", "expected `KEY VALUE`");
	assert_parse_fails("cell-limits 1\nmemory-bytes 0\n", "may not be 0");
	static const char *const bad_numbers[] = {
	    "-1", "+1", "01", "1k", "", "0x10", " 5", "18446744073709551616", "infinite"};
	for (size_t i = 0; i < sizeof(bad_numbers) / sizeof(bad_numbers[0]); i++) {
		char text[128];
		snprintf(text, sizeof(text), "cell-limits 1\npids %s\n", bad_numbers[i]);
		struct rt_limits l;
		assert_int_equal(parse(text, &l), -1);
		assert_non_null(strstr(err, "line 2"));
	}
	struct rt_limits l;
	assert_int_equal(rt_limits_parse("cell-limits 1\n\0", 15, &l, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "NUL"));
}

/* ---- cgroup v2, fake tree ------------------------------------------------ */

static void test_v2_writes_limits_and_reports(void **state)
{
	struct tree *t = *state;
	make_v2_tree(t->root, "cpu memory pids\n", "cpu memory pids\n");
	struct rt_cgroup *cg = create_ok(t,
	                                 "cell-limits 1\nmemory-bytes 33554432\npids 10\n"
	                                 "cpu-millicores 1500\ntime-ms 5000\n",
	                                 v2_self);
	assert_non_null(cg);
	assert_int_equal(rt_cgroup_version(cg), RT_CGROUP_V2);
	char *leaf = joinf("user.slice/%s", cell_name());
	char *rel = joinf("%s/memory.max", leaf);
	assert_file(t->root, rel, "33554432");
	free(rel);
	rel = joinf("%s/memory.swap.max", leaf);
	assert_file(t->root, rel, "0");
	free(rel);
	rel = joinf("%s/pids.max", leaf);
	assert_file(t->root, rel, "10");
	free(rel);
	rel = joinf("%s/cpu.max", leaf);
	assert_file(t->root, rel, "150000 100000");
	free(rel);

	/* enter: the pid goes to the leaf's cgroup.procs; signal reaches it. */
	pid_t child = spawn_sleeper();
	assert_int_equal(rt_cgroup_enter(cg, child, err, sizeof(err)), 0);
	char expected[32];
	snprintf(expected, sizeof(expected), "%ld", (long)child);
	rel = joinf("%s/cgroup.procs", leaf);
	assert_file(t->root, rel, expected);
	assert_int_equal(rt_cgroup_signal(cg, SIGTERM), 0);
	int status;
	assert_int_equal(waitpid(child, &status, 0), child);
	assert_true(WIFSIGNALED(status) && WTERMSIG(status) == SIGTERM);
	put(t->root, rel, ""); /* what the kernel does when the process is gone */
	free(rel);

	/* What the kernel would report after a run. */
	assert_false(rt_cgroup_oom_killed(cg));
	rel = joinf("%s/memory.events", leaf);
	put(t->root, rel, "low 0\nhigh 0\nmax 7\noom 1\noom_kill 1\noom_group_kill 0\n");
	free(rel);
	assert_true(rt_cgroup_oom_killed(cg));
	rel = joinf("%s/memory.peak", leaf);
	put(t->root, rel, "31457280\n");
	free(rel);
	assert_int_equal(rt_cgroup_peak_memory(cg), 31457280);
	rel = joinf("%s/cpu.stat", leaf);
	put(t->root, rel, "usage_usec 123456\nuser_usec 100000\nsystem_usec 23456\n");
	free(rel);
	assert_int_equal(rt_cgroup_cpu_usec(cg), 123456);

	/* SIGKILL goes through cgroup.kill when it exists. */
	assert_int_equal(rt_cgroup_signal(cg, SIGKILL), 0);
	rel = joinf("%s/cgroup.kill", leaf);
	assert_file(t->root, rel, "1");
	free(rel);

	rt_cgroup_destroy(cg);
	assert_false(exists(t->root, leaf));
	assert_true(exists(t->root, "user.slice/memory.max")); /* the parent is untouched */
	assert_int_equal(count_cell_dirs(t->root), 0);
	free(leaf);
}

static void test_v2_enables_missing_controller(void **state)
{
	struct tree *t = *state;
	make_v2_tree(t->root, "cpu memory pids\n", "");
	struct rt_cgroup *cg = create_ok(t, "cell-limits 1\nmemory-bytes 1048576\n", v2_self);
	assert_int_equal(rt_cgroup_version(cg), RT_CGROUP_V2);
	assert_file(t->root, "user.slice/cgroup.subtree_control", "+memory");
	rt_cgroup_destroy(cg);
	assert_int_equal(count_cell_dirs(t->root), 0);
}

static void test_v2_missing_controller_is_an_error_with_a_fix(void **state)
{
	struct tree *t = *state;
	make_v2_tree(t->root, "pids\n", "pids\n");
	create_fails(t, "cell-limits 1\nmemory-bytes 1048576\npids 5\n", v2_self);
	assert_err_has("cannot create a cgroup for the memory limit");
	assert_err_has("memory controller is not available");
	assert_err_has("Fix: run as root, or delegate a cgroup v2 subtree");
	assert_err_has("or mark the limit best-effort");
	assert_int_equal(count_cell_dirs(t->root), 0);
}

static void test_v2_best_effort_warns_and_goes_on(void **state)
{
	struct tree *t = *state;
	make_v2_tree(t->root, "pids\n", "pids\n");
	struct rt_cgroup *cg =
	    create_ok(t, "cell-limits 1\nmemory-bytes 1048576 best-effort\npids 5\n", v2_self);
	assert_non_null(cg);
	assert_non_null(strstr(log_of(t), "warning: the memory limit is best-effort and is not "
	                                  "enforced"));
	char *rel = joinf("user.slice/%s/pids.max", cell_name());
	assert_file(t->root, rel, "5");
	free(rel);
	rt_cgroup_destroy(cg);
	assert_int_equal(count_cell_dirs(t->root), 0);
}

static void test_no_finite_limit_needs_no_cgroup(void **state)
{
	struct tree *t = *state;
	make_v2_tree(t->root, "cpu memory pids\n", "cpu memory pids\n");
	struct rt_cgroup *cg = create_ok(t,
	                                 "cell-limits 1\nmemory-bytes infinity\ntime-ms 100\n"
	                                 "nofile 10\n",
	                                 v2_self);
	assert_null(cg);
	assert_int_equal(rt_cgroup_version(cg), RT_CGROUP_NONE);
	assert_int_equal(count_cell_dirs(t->root), 0);
	assert_int_equal(rt_cgroup_enter(NULL, 0, err, sizeof(err)), 0);
	rt_cgroup_destroy(NULL);
}

static void test_leftover_directory_is_refused(void **state)
{
	struct tree *t = *state;
	make_v2_tree(t->root, "cpu memory pids\n", "cpu memory pids\n");
	char *rel = joinf("user.slice/%s", cell_name());
	mkdir_in(t->root, rel);
	/* The sibling fails; the fallback, a child of app.scope, lacks memory. */
	create_fails(t, "cell-limits 1\nmemory-bytes 1048576\n", v2_self);
	assert_err_has("left over from an earlier run");
	assert_true(exists(t->root, rel)); /* not ours: not removed */
	free(rel);
}

static void test_name_hint_is_sanitised(void **state)
{
	struct tree *t = *state;
	make_v2_tree(t->root, "cpu memory pids\n", "cpu memory pids\n");
	struct rt_limits l = limits_of("cell-limits 1\npids 5\n");
	struct rt_cgroup *cg;
	assert_int_equal(
	    rt_cgroup_create(&l, t->root, v2_self, "../a b/c", &cg, t->log, err, sizeof(err)), 0);
	char *rel = joinf("user.slice/cell-.._a_b_c-%ld", (long)getpid());
	assert_true(exists(t->root, rel));
	free(rel);
	rt_cgroup_destroy(cg);
	assert_int_equal(count_cell_dirs(t->root), 0);
}

/* Run in a child as an unprivileged uid: the tree is read-only for it. */
static void test_unwritable_tree_names_the_uid_and_fix(void **state)
{
	struct tree *t = *state;
	make_v1_tree(t->root, true);
	char *memory = joinf("%s/memory", t->root);
	assert_int_equal(chmod(t->root, 0755), 0);
	assert_int_equal(chmod(memory, 0555), 0);
	free(memory);
	int fds[2];
	assert_int_equal(pipe(fds), 0);
	pid_t child = fork();
	assert_true(child >= 0);
	if (child == 0) {
		close(fds[0]);
		if (geteuid() == 0 && setresuid(65534, 65534, 65534) < 0)
			_exit(2);
		struct rt_limits l = limits_of("cell-limits 1\nmemory-bytes 1048576\n");
		struct rt_cgroup *cg;
		char e[2048] = "";
		int rc = rt_cgroup_create(&l, t->root, v1_self, "test", &cg, NULL, e, sizeof(e));
		if (write(fds[1], e, strlen(e)) < 0)
			_exit(3);
		_exit(rc == -1 ? 0 : 1);
	}
	close(fds[1]);
	char text[2048] = "";
	ssize_t n = read(fds[0], text, sizeof(text) - 1);
	close(fds[0]);
	int status;
	assert_int_equal(waitpid(child, &status, 0), child);
	assert_true(n > 0);
	text[n] = '\0';
	assert_true(WIFEXITED(status) && WEXITSTATUS(status) == 0);
	strcpy(err, text);
	assert_err_has("cannot create a cgroup for the memory limit");
	assert_err_has("Permission denied");
	assert_err_has("not writable by uid");
	assert_err_has("Fix: run as root");
	assert_int_equal(count_cell_dirs(t->root), 0);
}

/* ---- cgroup v1, fake tree ----------------------------------------------- */

static void test_v1_one_directory_per_hierarchy(void **state)
{
	struct tree *t = *state;
	make_v1_tree(t->root, true);
	struct rt_cgroup *cg = create_ok(t,
	                                 "cell-limits 1\nmemory-bytes 33554432\npids 10\n"
	                                 "cpu-millicores 500\n",
	                                 v1_self);
	assert_int_equal(rt_cgroup_version(cg), RT_CGROUP_V1);
	const char *name = cell_name();
	char *rel = joinf("memory/%s/memory.limit_in_bytes", name);
	assert_file(t->root, rel, "33554432");
	free(rel);
	rel = joinf("memory/%s/memory.memsw.limit_in_bytes", name);
	assert_file(t->root, rel, "33554432");
	free(rel);
	rel = joinf("pids/%s/pids.max", name);
	assert_file(t->root, rel, "10");
	free(rel);
	rel = joinf("cpu,cpuacct/%s/cpu.cfs_period_us", name);
	assert_file(t->root, rel, "100000");
	free(rel);
	rel = joinf("cpu,cpuacct/%s/cpu.cfs_quota_us", name);
	assert_file(t->root, rel, "50000");
	free(rel);
	assert_int_equal(count_cell_dirs(t->root), 3); /* cpu and cpuacct share one */

	assert_int_equal(rt_cgroup_enter(cg, 4242, err, sizeof(err)), 0);
	static const char *const hierarchies[] = {"memory", "pids", "cpu,cpuacct"};
	for (size_t i = 0; i < 3; i++) {
		rel = joinf("%s/%s/cgroup.procs", hierarchies[i], name);
		assert_file(t->root, rel, "4242");
		put(t->root, rel, ""); /* not a real process: never signal it */
		free(rel);
	}
	/* The caller itself, single-threaded, moves through v1's `tasks` (no
	 * global lock), where the hierarchy has one. */
	assert_int_equal(rt_cgroup_enter(cg, 0, err, sizeof(err)), 0);
	rel = joinf("memory/%s/tasks", name);
	assert_file(t->root, rel, "0");
	free(rel);
	/* A signal never goes to the caller itself, even when it is listed. */
	assert_int_equal(rt_cgroup_signal(cg, SIGTERM), 0);
	char self[32];
	snprintf(self, sizeof(self), "%ld", (long)getpid());
	for (size_t i = 1; i < 3; i++) {
		rel = joinf("%s/%s/cgroup.procs", hierarchies[i], name);
		assert_file(t->root, rel, self);
		put(t->root, rel, "");
		free(rel);
	}

	rel = joinf("memory/%s/memory.oom_control", name);
	put(t->root, rel, "oom_kill_disable 0\nunder_oom 0\noom_kill 0\n");
	assert_false(rt_cgroup_oom_killed(cg));
	put(t->root, rel, "oom_kill_disable 0\nunder_oom 0\noom_kill 2\n");
	assert_true(rt_cgroup_oom_killed(cg));
	/* An old kernel without the oom_kill counter: failcnt. */
	put(t->root, rel, "oom_kill_disable 0\nunder_oom 0\n");
	free(rel);
	assert_false(rt_cgroup_oom_killed(cg));
	rel = joinf("memory/%s/memory.failcnt", name);
	put(t->root, rel, "3\n");
	free(rel);
	assert_true(rt_cgroup_oom_killed(cg));
	rel = joinf("memory/%s/memory.max_usage_in_bytes", name);
	put(t->root, rel, "4096000\n");
	free(rel);
	assert_int_equal(rt_cgroup_peak_memory(cg), 4096000);
	rel = joinf("cpu,cpuacct/%s/cpuacct.usage", name);
	put(t->root, rel, "2500000000\n");
	free(rel);
	assert_int_equal(rt_cgroup_cpu_usec(cg), 2500000);

	rt_cgroup_destroy(cg);
	assert_int_equal(count_cell_dirs(t->root), 0);
}

static void test_v1_prefers_own_cgroup(void **state)
{
	struct tree *t = *state;
	make_v1_tree(t->root, true);
	mkdir_in(t->root, "memory/jobs");
	mkdir_in(t->root, "memory/jobs/42");
	put(t->root, "memory/jobs/42/cgroup.procs", "");
	put(t->root, "memory/jobs/42/memory.limit_in_bytes", "");
	struct rt_cgroup *cg = create_ok(t, "cell-limits 1\nmemory-bytes 1048576\n",
	                                 "5:memory:/jobs/42\n4:pids:/\n3:cpu,cpuacct:/\n");
	char *rel = joinf("memory/jobs/42/%s", cell_name());
	assert_true(exists(t->root, rel));
	rt_cgroup_destroy(cg);
	assert_false(exists(t->root, rel));
	free(rel);
}

static void test_v1_without_memsw_still_limits_memory(void **state)
{
	struct tree *t = *state;
	make_v1_tree(t->root, false);
	struct rt_cgroup *cg = create_ok(t, "cell-limits 1\nmemory-bytes 1048576\n", v1_self);
	const char *name = cell_name();
	char *rel = joinf("memory/%s/memory.limit_in_bytes", name);
	assert_file(t->root, rel, "1048576");
	free(rel);
	rel = joinf("memory/%s/memory.memsw.limit_in_bytes", name);
	assert_false(exists(t->root, rel)); /* never created where the kernel has none */
	free(rel);
	rt_cgroup_destroy(cg);
}

/* pids hierarchy missing: the memory directory made first is removed. */
static void test_v1_partial_creation_is_cleaned_up(void **state)
{
	struct tree *t = *state;
	make_v1_tree(t->root, true);
	char *pids = joinf("%s/pids", t->root);
	remove_tree(pids);
	free(pids);
	create_fails(t, "cell-limits 1\nmemory-bytes 1048576\npids 5\n", v1_self);
	assert_err_has("cannot create a cgroup for the pids limit");
	assert_err_has("no cgroup v1 hierarchy has the pids controller");
	assert_err_has("Fix:");
	assert_int_equal(count_cell_dirs(t->root), 0);
}

/* pids.max cannot be written (the controller file is missing): error, and
 * every directory made so far is removed. */
static void test_v1_failed_write_is_cleaned_up(void **state)
{
	struct tree *t = *state;
	make_v1_tree(t->root, true);
	char *path = joinf("%s/pids/pids.max", t->root);
	unlink(path);
	free(path);
	create_fails(t, "cell-limits 1\nmemory-bytes 1048576\npids 5\ncpu-millicores 100\n",
	             v1_self);
	assert_err_has("cannot set the pids limit");
	assert_err_has("pids.max");
	assert_err_has("No such file or directory");
	assert_int_equal(count_cell_dirs(t->root), 0);
}

static void test_no_hierarchy(void **state)
{
	struct tree *t = *state;
	create_fails(t, "cell-limits 1\npids 5\n", v2_self);
	assert_err_has("no cgroup hierarchy is mounted");
	assert_err_has("Fix:");
	struct rt_cgroup *cg = create_ok(t, "cell-limits 1\npids 5 best-effort\n", v2_self);
	assert_null(cg);
	assert_non_null(strstr(log_of(t), "pids limit is best-effort"));
}

/* ---- rlimits ------------------------------------------------------------- */

/* In a child, since rlimits cannot be raised back. Exit code: 0 when every
 * check passed, else the number of the failed check. */
static int run_rlimits_child(const char *limits_text, bool memory_in_cgroup,
                             const struct rlimit *expect_nofile, const struct rlimit *expect_fsize,
                             rlim_t expect_as)
{
	pid_t child = fork();
	assert_true(child >= 0);
	if (child == 0) {
		struct rt_limits l = limits_of(limits_text);
		char e[512];
		struct rlimit rl;
		if (rt_rlimits_apply(&l, memory_in_cgroup, e, sizeof(e)) < 0)
			_exit(strstr(e, "not held by a cgroup") ? 10 : 11);
		if (getrlimit(RLIMIT_CORE, &rl) < 0 || rl.rlim_cur != 0 || rl.rlim_max != 0)
			_exit(1);
		if (expect_nofile &&
		    (getrlimit(RLIMIT_NOFILE, &rl) < 0 || rl.rlim_cur != expect_nofile->rlim_cur ||
		     rl.rlim_max != expect_nofile->rlim_max))
			_exit(2);
		if (expect_fsize &&
		    (getrlimit(RLIMIT_FSIZE, &rl) < 0 || rl.rlim_cur != expect_fsize->rlim_cur))
			_exit(3);
		if (getrlimit(RLIMIT_AS, &rl) < 0 || rl.rlim_cur != expect_as)
			_exit(4);
		_exit(0);
	}
	int status;
	assert_int_equal(waitpid(child, &status, 0), child);
	assert_true(WIFEXITED(status));
	return WEXITSTATUS(status);
}

static void test_rlimits_complement(void **state)
{
	(void)state;
	struct rlimit as_before;
	assert_int_equal(getrlimit(RLIMIT_AS, &as_before), 0);
	struct rlimit nofile = {64, 64}, fsize = {4096, 4096};
	/* memory held by a cgroup: RLIMIT_AS untouched */
	assert_int_equal(run_rlimits_child("cell-limits 1\nmemory-bytes 1073741824 best-effort\n"
	                                   "nofile 64\nfsize-bytes 4096\n",
	                                   true, &nofile, &fsize, as_before.rlim_cur),
	                 0);
	/* best-effort memory without a cgroup: RLIMIT_AS stands in */
	assert_int_equal(run_rlimits_child("cell-limits 1\nmemory-bytes 1073741824 best-effort\n",
	                                   false, NULL, NULL, 1073741824),
	                 0);
	/* a required memory limit no cgroup holds: refused */
	assert_int_equal(run_rlimits_child("cell-limits 1\nmemory-bytes 1073741824\n", false, NULL,
	                                   NULL, as_before.rlim_cur),
	                 10);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_parse_every_key),
	    cmocka_unit_test(test_parse_header_only_sets_nothing),
	    cmocka_unit_test(test_parse_each_key_alone),
	    cmocka_unit_test(test_parse_bad_files),
	    cmocka_unit_test_setup_teardown(test_v2_writes_limits_and_reports, tree_setup,
	                                    tree_teardown),
	    cmocka_unit_test_setup_teardown(test_v2_enables_missing_controller, tree_setup,
	                                    tree_teardown),
	    cmocka_unit_test_setup_teardown(test_v2_missing_controller_is_an_error_with_a_fix,
	                                    tree_setup, tree_teardown),
	    cmocka_unit_test_setup_teardown(test_v2_best_effort_warns_and_goes_on, tree_setup,
	                                    tree_teardown),
	    cmocka_unit_test_setup_teardown(test_no_finite_limit_needs_no_cgroup, tree_setup,
	                                    tree_teardown),
	    cmocka_unit_test_setup_teardown(test_leftover_directory_is_refused, tree_setup,
	                                    tree_teardown),
	    cmocka_unit_test_setup_teardown(test_name_hint_is_sanitised, tree_setup, tree_teardown),
	    cmocka_unit_test_setup_teardown(test_unwritable_tree_names_the_uid_and_fix, tree_setup,
	                                    tree_teardown),
	    cmocka_unit_test_setup_teardown(test_v1_one_directory_per_hierarchy, tree_setup,
	                                    tree_teardown),
	    cmocka_unit_test_setup_teardown(test_v1_prefers_own_cgroup, tree_setup, tree_teardown),
	    cmocka_unit_test_setup_teardown(test_v1_without_memsw_still_limits_memory, tree_setup,
	                                    tree_teardown),
	    cmocka_unit_test_setup_teardown(test_v1_partial_creation_is_cleaned_up, tree_setup,
	                                    tree_teardown),
	    cmocka_unit_test_setup_teardown(test_v1_failed_write_is_cleaned_up, tree_setup,
	                                    tree_teardown),
	    cmocka_unit_test_setup_teardown(test_no_hierarchy, tree_setup, tree_teardown),
	    cmocka_unit_test(test_rlimits_complement),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}

/* Kernel tests for runtime/rt_limits.c on this machine's real cgroup
 * hierarchies (cgroup v1 here; the code path is chosen by rt_cgroup_create,
 * so a v2 host runs the same tests through v2). Needs root; skips with a
 * printed reason when not root or when no hierarchy offers memory, pids and
 * cpu. Each test forks a child, enters it into the cgroup, and checks what
 * the kernel did: an OOM kill, a refused fork, a CPU quota; and that
 * nothing is left behind. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "rt_limits.h"

#define MAX_DIRS 8

static char self_cgroup[8192];
static char skip_reason[256];

/* ---- what the kernel shows ------------------------------------------------ */

static bool read_file(const char *path, char *buf, size_t size)
{
	FILE *f = fopen(path, "r");
	if (!f)
		return false;
	size_t n = fread(buf, 1, size - 1, f);
	buf[n] = '\0';
	fclose(f);
	return true;
}

/* The mount point of the hierarchy that a /proc/PID/cgroup line's
 * controller list ("memory", "cpu,cpuacct", "" for v2) belongs to. */
static bool mount_point_for(const char *controllers, char *out, size_t out_size)
{
	FILE *f = fopen("/proc/self/mountinfo", "r");
	char line[1024];
	bool found = false;
	if (!f)
		return false;
	while (!found && fgets(line, sizeof(line), f)) {
		char mnt[512], fstype[64], opts[512];
		const char *dash = strstr(line, " - ");
		if (!dash || sscanf(line, "%*s %*s %*s %*s %511s", mnt) != 1 ||
		    sscanf(dash, " - %63s %*s %511s", fstype, opts) != 2)
			continue;
		if (controllers[0] == '\0')
			found = strcmp(fstype, "cgroup2") == 0;
		else if (strcmp(fstype, "cgroup") == 0) {
			char want[128];
			snprintf(want, sizeof(want), ",%.*s", (int)strcspn(controllers, ","),
			         controllers);
			char have[520];
			snprintf(have, sizeof(have), ",%s,", opts);
			strcat(want, ",");
			found = strstr(have, want) != NULL;
		}
		if (found)
			snprintf(out, out_size, "%s", mnt);
	}
	fclose(f);
	return found;
}

/* The cgroup directories of `pid` that rt_cgroup_create made ("cell-..."). */
static size_t cell_dirs_of(pid_t pid, char dirs[][768])
{
	char path[64], text[4096];
	size_t n = 0;
	snprintf(path, sizeof(path), "/proc/%ld/cgroup", (long)pid);
	assert_true(read_file(path, text, sizeof(text)));
	for (char *line = strtok(text, "\n"); line && n < MAX_DIRS; line = strtok(NULL, "\n")) {
		char *c1 = strchr(line, ':'), *c2 = c1 ? strchr(c1 + 1, ':') : NULL;
		if (!c2 || !strstr(c2, "/cell-"))
			continue;
		*c2 = '\0';
		char mnt[512];
		assert_true(mount_point_for(c1 + 1, mnt, sizeof(mnt)));
		snprintf(dirs[n++], 768, "%s%s", mnt, c2 + 1);
	}
	return n;
}

static void assert_gone(char dirs[][768], size_t n)
{
	struct stat st;
	for (size_t i = 0; i < n; i++)
		if (stat(dirs[i], &st) == 0)
			fail_msg("%s is still there after rt_cgroup_destroy", dirs[i]);
}

static double now_s(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* ---- set-up -------------------------------------------------------------- */

static bool has_controller(const char *name)
{
	char mnt[512], controllers[512];
	if (mount_point_for(name, mnt, sizeof(mnt)))
		return true;
	if (!mount_point_for("", mnt, sizeof(mnt)))
		return false;
	char path[600];
	snprintf(path, sizeof(path), "%s/cgroup.controllers", mnt);
	return read_file(path, controllers, sizeof(controllers)) && strstr(controllers, name);
}

static int group_setup(void **state)
{
	(void)state;
	if (geteuid() != 0) {
		snprintf(skip_reason, sizeof(skip_reason), "not root (uid %u)",
		         (unsigned)geteuid());
		return 0;
	}
	if (!read_file("/proc/self/cgroup", self_cgroup, sizeof(self_cgroup))) {
		snprintf(skip_reason, sizeof(skip_reason), "cannot read /proc/self/cgroup");
		return 0;
	}
	static const char *const needed[] = {"memory", "pids", "cpu"};
	for (size_t i = 0; i < 3; i++)
		if (!has_controller(needed[i])) {
			snprintf(skip_reason, sizeof(skip_reason),
			         "no cgroup hierarchy with the %s controller", needed[i]);
			return 0;
		}
	return 0;
}

static bool skipping(void)
{
	if (skip_reason[0]) {
		printf("SKIP: real cgroup tests need root and a memory/pids/cpu hierarchy: %s\n",
		       skip_reason);
		return true;
	}
	return false;
}

static struct rt_cgroup *create(const char *limits_text)
{
	struct rt_limits l;
	struct rt_cgroup *cg = NULL;
	char err[1024];
	if (rt_limits_parse(limits_text, strlen(limits_text), &l, err, sizeof(err)) < 0)
		fail_msg("%s", err);
	if (rt_cgroup_create(&l, "/sys/fs/cgroup", self_cgroup, "ktest", &cg, stderr, err,
	                     sizeof(err)) < 0)
		fail_msg("rt_cgroup_create: %s", err);
	assert_non_null(cg);
	return cg;
}

/* Forks a child that waits until it has been entered into cg, then runs
 * body(arg). Returns its pid; the cgroup directories go to dirs. */
static pid_t start_in_cgroup(struct rt_cgroup *cg, void (*body)(int), int arg, char dirs[][768],
                             size_t *n_dirs)
{
	int go[2];
	assert_int_equal(pipe(go), 0);
	pid_t child = fork();
	assert_true(child >= 0);
	if (child == 0) {
		char byte;
		prctl(PR_SET_PDEATHSIG, SIGKILL);
		close(go[1]);
		if (read(go[0], &byte, 1) != 1)
			_exit(99);
		body(arg);
		_exit(0);
	}
	close(go[0]);
	char err[1024];
	if (rt_cgroup_enter(cg, child, err, sizeof(err)) < 0) {
		kill(child, SIGKILL);
		fail_msg("rt_cgroup_enter: %s", err);
	}
	*n_dirs = cell_dirs_of(child, dirs);
	assert_true(*n_dirs >= 1);
	assert_int_equal(write(go[1], "g", 1), 1);
	close(go[1]);
	return child;
}

/* ---- memory -------------------------------------------------------------- */

static void touch_256m(int unused)
{
	(void)unused;
	size_t size = 256u << 20;
	volatile char *p = malloc(size);
	if (!p)
		_exit(2);
	for (size_t i = 0; i < size; i += 4096)
		p[i] = 1;
	_exit(0); /* survived: the limit did not hold */
}

static void test_memory_limit_oom_kills(void **state)
{
	(void)state;
	if (skipping())
		skip();
	struct rt_cgroup *cg = create("cell-limits 1\nmemory-bytes 33554432\n");
	char dirs[MAX_DIRS][768];
	size_t n;
	pid_t child = start_in_cgroup(cg, touch_256m, 0, dirs, &n);
	int status;
	assert_int_equal(waitpid(child, &status, 0), child);
	if (!WIFSIGNALED(status) || WTERMSIG(status) != SIGKILL)
		fail_msg("the child was not OOM-killed (status 0x%x)", status);
	assert_true(rt_cgroup_oom_killed(cg));
	uint64_t peak = rt_cgroup_peak_memory(cg);
	printf("peak memory %llu bytes (limit 33554432)\n", (unsigned long long)peak);
	assert_true(peak > 0 && peak <= 33554432);
	rt_cgroup_destroy(cg);
	assert_gone(dirs, n);
}

/* ---- pids ---------------------------------------------------------------- */

static int results[2];

static void fork_until_refused(int fd)
{
	int count = 0, error = 0;
	for (int i = 0; i < 50; i++) {
		pid_t pid = fork();
		if (pid < 0) {
			error = errno;
			break;
		}
		if (pid == 0) {
			for (;;)
				pause();
		}
		count++;
	}
	int report[2] = {count, error};
	if (write(fd, report, sizeof(report)) != sizeof(report))
		_exit(3);
	for (;;)
		pause();
}

static void test_pids_limit_stops_forks(void **state)
{
	(void)state;
	if (skipping())
		skip();
	struct rt_cgroup *cg = create("cell-limits 1\npids 10\n");
	int report[2];
	assert_int_equal(pipe(report), 0);
	char dirs[MAX_DIRS][768];
	size_t n;
	pid_t child = start_in_cgroup(cg, fork_until_refused, report[1], dirs, &n);
	close(report[1]);
	assert_int_equal(read(report[0], results, sizeof(results)), sizeof(results));
	close(report[0]);
	printf("forks before refusal: %d, then %s\n", results[0], strerror(results[1]));
	assert_int_equal(results[1], EAGAIN);
	assert_true(results[0] >= 1 && results[0] <= 9); /* the child itself is the 10th */
	assert_int_equal(rt_cgroup_signal(cg, SIGKILL), 0);
	int status;
	assert_int_equal(waitpid(child, &status, 0), child);
	assert_true(WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL);
	rt_cgroup_destroy(cg);
	assert_gone(dirs, n);
}

/* ---- cpu ----------------------------------------------------------------- */

static void spin_with_three_more(int unused)
{
	(void)unused;
	for (int i = 0; i < 3; i++)
		if (fork() == 0)
			break;
	for (volatile unsigned long x = 0;; x++)
		;
}

static void test_cpu_limit_holds_for_the_group(void **state)
{
	(void)state;
	if (skipping())
		skip();
	struct rt_cgroup *cg = create("cell-limits 1\ncpu-millicores 500\n");
	char dirs[MAX_DIRS][768];
	size_t n;
	pid_t child = start_in_cgroup(cg, spin_with_three_more, 0, dirs, &n);
	struct timespec warmup = {0, 300 * 1000000L}, window = {2, 0};
	nanosleep(&warmup, NULL);
	uint64_t used0 = rt_cgroup_cpu_usec(cg);
	double t0 = now_s();
	nanosleep(&window, NULL);
	uint64_t used1 = rt_cgroup_cpu_usec(cg);
	double t1 = now_s();
	double cores = (double)(used1 - used0) / 1e6 / (t1 - t0);
	printf("4 spinning processes used %.3f cores over %.2f s (limit 0.5)\n", cores, t1 - t0);
	assert_true(used1 > used0);     /* the group's usage is measured */
	assert_true(cores > 0.2);       /* it did run */
	assert_true(cores < 0.5 * 1.3); /* and within the quota, with slack */
	/* destroy with the processes still running: it kills them first. */
	rt_cgroup_destroy(cg);
	int status;
	assert_int_equal(waitpid(child, &status, 0), child);
	assert_true(WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL);
	assert_gone(dirs, n);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_memory_limit_oom_kills),
	    cmocka_unit_test(test_pids_limit_stops_forks),
	    cmocka_unit_test(test_cpu_limit_holds_for_the_group),
	};
	return cmocka_run_group_tests(tests, group_setup, NULL);
}

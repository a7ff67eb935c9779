/* launch.c - find bwrap, check its version, start it. */
#include "launch.h"
#include "rt_util.h"

#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <pwd.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <sys/stat.h>
#include <unistd.h>

int rt_fd_high(int fd, char *err, size_t err_size)
{
	int high = fcntl(fd, F_DUPFD_CLOEXEC, RT_HIGH_FD);
	int e = errno;
	close(fd);
	if (high < 0)
		return rt_fail(err, err_size, "cannot move fd %d above %d: %s", fd, RT_HIGH_FD,
		               strerror(e));
	return high;
}

char *rt_find_bwrap(const char *option, char *err, size_t err_size)
{
	const char *given = option ? option : getenv("CELL_BWRAP");
	if (given && *given) {
		if (access(given, X_OK) == 0)
			return strdup(given);
		rt_fail(err, err_size, "bwrap %s (from %s) cannot be executed: %s", given,
		        option ? "--bwrap" : "$CELL_BWRAP", strerror(errno));
		return NULL;
	}
	const char *path = getenv("PATH");
	if (!path || !*path)
		path = "/usr/local/bin:/usr/bin:/bin";
	for (const char *dir = path; dir; dir = strchr(dir, ':') ? strchr(dir, ':') + 1 : NULL) {
		size_t len = strcspn(dir, ":");
		if (len == 0 || dir[0] != '/')
			continue; /* a relative PATH entry is never trusted */
		char *candidate = malloc(len + sizeof("/bwrap"));
		if (!candidate)
			break;
		snprintf(candidate, len + sizeof("/bwrap"), "%.*s/bwrap", (int)len, dir);
		if (access(candidate, X_OK) == 0)
			return candidate;
		free(candidate);
	}
	rt_fail(err, err_size,
	        "cannot find bwrap (bubblewrap) on PATH; install it (apt install bubblewrap) or "
	        "name it with --bwrap PATH or CELL_BWRAP");
	return NULL;
}

/*
 * Asking bwrap its version costs a fork and an exec per run, as much as the
 * rest of cellrun's start-up. The answer is remembered in a small file keyed
 * by the binary's identity (device, inode, size, mtime, ctime): a replaced or
 * touched bwrap is asked again. The file is only a convenience for the error
 * message "bwrap X is too old": a wrong entry cannot weaken a sandbox, since
 * bwrap itself refuses options it does not know. It lives in /run/cellrun
 * for root and in $XDG_RUNTIME_DIR otherwise (no cache without either).
 */
static char *version_cache_path(void)
{
	if (geteuid() == 0) {
		if (mkdir("/run/cellrun", 0755) < 0 && errno != EEXIST)
			return NULL;
		return strdup("/run/cellrun/bwrap-version");
	}
	const char *dir = getenv("XDG_RUNTIME_DIR");
	if (!dir || dir[0] != '/')
		return NULL;
	size_t n = strlen(dir) + sizeof("/cellrun-bwrap-version");
	char *path = malloc(n);
	if (path)
		snprintf(path, n, "%s/cellrun-bwrap-version", dir);
	return path;
}

static void version_cache_key(const struct stat *st, char *key, size_t size)
{
	snprintf(key, size, "%llu %llu %lld %lld.%09ld %lld.%09ld ", (unsigned long long)st->st_dev,
	         (unsigned long long)st->st_ino, (long long)st->st_size,
	         (long long)st->st_mtim.tv_sec, st->st_mtim.tv_nsec, (long long)st->st_ctim.tv_sec,
	         st->st_ctim.tv_nsec);
}

static bool version_cache_read(const char *path, const char *key, unsigned version[3])
{
	char line[512], want[300];
	FILE *f = path ? fopen(path, "re") : NULL;
	if (!f)
		return false;
	bool ok = fgets(line, sizeof(line), f) != NULL;
	fclose(f);
	snprintf(want, sizeof(want), "%s%%u.%%u.%%u", key);
	return ok && strncmp(line, key, strlen(key)) == 0 &&
	       sscanf(line, want, &version[0], &version[1], &version[2]) == 3;
}

static void version_cache_write(const char *path, const char *key, const unsigned version[3])
{
	if (!path)
		return;
	size_t n = strlen(path) + 16;
	char *tmp = malloc(n);
	if (!tmp)
		return;
	snprintf(tmp, n, "%s.%d", path, (int)getpid());
	FILE *f = fopen(tmp, "wxe");
	if (f) {
		fprintf(f, "%s%u.%u.%u\n", key, version[0], version[1], version[2]);
		if (fclose(f) != 0 || rename(tmp, path) != 0)
			unlink(tmp);
	}
	free(tmp);
}

static int ask_bwrap_version(const char *bwrap, unsigned version[3], char *err, size_t err_size);

int rt_bwrap_version(const char *bwrap, unsigned version[3], char *err, size_t err_size)
{
	struct stat st;
	char key[256];
	char *cache = NULL;
	if (stat(bwrap, &st) == 0) {
		version_cache_key(&st, key, sizeof(key));
		cache = version_cache_path();
		if (version_cache_read(cache, key, version)) {
			free(cache);
			return 0;
		}
	}
	int rc = ask_bwrap_version(bwrap, version, err, err_size);
	if (rc == 0 && cache)
		version_cache_write(cache, key, version);
	free(cache);
	return rc;
}

static int ask_bwrap_version(const char *bwrap, unsigned version[3], char *err, size_t err_size)
{
	int out[2];
	if (pipe2(out, O_CLOEXEC) < 0)
		return rt_fail(err, err_size, "pipe: %s", strerror(errno));
	pid_t pid = fork();
	if (pid < 0) {
		close(out[0]);
		close(out[1]);
		return rt_fail(err, err_size, "fork: %s", strerror(errno));
	}
	if (pid == 0) {
		dup2(out[1], 1);
		execl(bwrap, bwrap, "--version", (char *)NULL);
		_exit(127);
	}
	close(out[1]);
	char text[256];
	size_t len = 0;
	ssize_t n;
	while (len < sizeof(text) - 1 &&
	       ((n = read(out[0], text + len, sizeof(text) - 1 - len)) > 0 ||
	        (n < 0 && errno == EINTR)))
		len += n > 0 ? (size_t)n : 0;
	text[len] = '\0';
	close(out[0]);
	int status;
	while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
		;
	text[strcspn(text, "\n")] = '\0';
	if (sscanf(text, "bubblewrap %u.%u.%u", &version[0], &version[1], &version[2]) != 3)
		return rt_fail(err, err_size,
		               "`%s --version` did not say `bubblewrap X.Y.Z` (it said '%.60s')",
		               bwrap, text);
	return 0;
}

int rt_resolve_user(const char *spec, uid_t *uid, gid_t *gid, char *err, size_t err_size)
{
	const char *name = spec ? spec : "nobody";
	char *end;
	errno = 0;
	unsigned long number = strtoul(name, &end, 10);
	struct passwd *pw;
	if (*name && !*end && name[0] != '-' && errno == 0) {
		if (number >= (unsigned long)(uid_t)-1)
			return rt_fail(err, err_size, "--user %s is out of range", name);
		pw = getpwuid((uid_t)number);
		*uid = (uid_t)number;
		*gid = pw ? pw->pw_gid : (gid_t)number;
	} else if ((pw = getpwnam(name))) {
		*uid = pw->pw_uid;
		*gid = pw->pw_gid;
	} else {
		return rt_fail(err, err_size,
		               "user '%s' does not exist; name an unprivileged user with --user",
		               name);
	}
	if (*uid == 0 || *gid == 0)
		return rt_fail(err, err_size,
		               "user '%s' has uid or gid 0: the sandbox must not run as host root",
		               name);
	return 0;
}

/* ---- the child ------------------------------------------------------------ */

static void child_fail(int report_fd, const char *fmt, ...)
    __attribute__((format(printf, 2, 3), noreturn));

static void child_fail(int report_fd, const char *fmt, ...)
{
	char msg[512];
	va_list ap;
	va_start(ap, fmt);
	int n = vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	ssize_t ignored = write(report_fd, msg, n < 0 ? 0 : strlen(msg));
	(void)ignored;
	_exit(125);
}

int rt_drop_privileges(uid_t uid, gid_t gid, char *err, size_t err_size)
{
	if (setgroups(0, NULL) < 0)
		return rt_fail(err, err_size, "setgroups(0): %s", strerror(errno));
	if (setresgid(gid, gid, gid) < 0)
		return rt_fail(err, err_size, "setresgid(%u): %s", (unsigned)gid, strerror(errno));
	if (setresuid(uid, uid, uid) < 0)
		return rt_fail(err, err_size, "setresuid(%u): %s", (unsigned)uid, strerror(errno));
	/* Belt and braces: a drop that left any way back to root is fatal. */
	uid_t r, e, s;
	if (setuid(0) == 0 || seteuid(0) == 0 || setgid(0) == 0 || getresuid(&r, &e, &s) < 0 ||
	    r == 0 || e == 0 || s == 0)
		return rt_fail(err, err_size, "dropping root to uid %u did not hold",
		               (unsigned)uid);
	return 0;
}

static int compare_int(const void *a, const void *b)
{
	return *(const int *)a - *(const int *)b;
}

/* Everything above 2 is closed except `keep` (sorted in place). */
static void close_all_but(int *keep, size_t n, int report)
{
	qsort(keep, n, sizeof(int), compare_int);
	unsigned from = 3;
	for (size_t i = 0; i <= n; i++) {
		unsigned to = i < n ? (unsigned)keep[i] : ~0U;
		if (to > from && close_range(from, to - 1, 0) < 0)
			child_fail(report, "close_range: %s", strerror(errno));
		if (i < n)
			from = (unsigned)keep[i] + 1;
	}
}

static void place_fd(int from, int to, int report)
{
	if (dup2(from, to) < 0)
		child_fail(report, "dup2(%d, %d): %s", from, to, strerror(errno));
}

static void handover_fds(const struct rt_launch *l, int report)
{
	int keep[RT_MAX_DATA_FDS + 4];
	size_t n = 0;
	if (l->stderr_fd >= 0)
		place_fd(l->stderr_fd, 2, report);
	place_fd(l->args_fd, RT_ARGS_FD, report);
	place_fd(l->filter_fd, RT_FILTER_FD, report);
	place_fd(l->status_fd, RT_STATUS_FD, report);
	keep[n++] = RT_ARGS_FD;
	keep[n++] = RT_FILTER_FD;
	keep[n++] = RT_STATUS_FD;
	for (size_t i = 0; i < l->n_data; i++) {
		place_fd(l->data_fds[i], l->data[i].fd, report);
		keep[n++] = l->data[i].fd;
	}
	keep[n++] = report; /* close-on-exec: gone once bwrap runs */
	close_all_but(keep, n, report);
}

static void child(const struct rt_launch *l, int report, pid_t parent)
{
	char err[512];
	signal(SIGPIPE, SIG_DFL);
	sigprocmask(SIG_SETMASK, l->child_mask, NULL);
	if (l->cgroup && rt_cgroup_enter(l->cgroup, 0, err, sizeof(err)) < 0)
		child_fail(report, "%s", err);
	if (rt_rlimits_apply(l->limits, rt_cgroup_holds_memory(l->cgroup), err, sizeof(err)) < 0)
		child_fail(report, "%s", err);
	if (l->drop_privileges && rt_drop_privileges(l->uid, l->gid, err, sizeof(err)) < 0)
		child_fail(report, "%s", err);
	/* After the uid change, which clears it; bwrap's own --die-with-parent
	 * covers the sandbox, this covers bwrap. */
	if (prctl(PR_SET_PDEATHSIG, SIGKILL) < 0 || getppid() != parent)
		child_fail(report, "cellrun went away during start-up");
	handover_fds(l, report);
	execv(l->bwrap, l->argv);
	child_fail(report, "cannot execute %s: %s", l->bwrap, strerror(errno));
}

pid_t rt_spawn(void (*body)(const void *arg, int report, pid_t parent), const void *arg, char *err,
               size_t err_size)
{
	int report[2];
	if (pipe2(report, O_CLOEXEC) < 0)
		return rt_fail(err, err_size, "pipe: %s", strerror(errno));
	int report_w = rt_fd_high(report[1], err, err_size);
	if (report_w < 0) {
		close(report[0]);
		return -1;
	}
	pid_t parent = getpid();
	pid_t pid = fork();
	if (pid == 0)
		body(arg, report_w, parent);
	close(report_w);
	if (pid < 0) {
		close(report[0]);
		return rt_fail(err, err_size, "fork: %s", strerror(errno));
	}
	char msg[600];
	ssize_t n;
	while ((n = read(report[0], msg, sizeof(msg) - 1)) < 0 && errno == EINTR)
		;
	close(report[0]);
	if (n <= 0)
		return pid;
	msg[n] = '\0';
	while (waitpid(pid, NULL, 0) < 0 && errno == EINTR)
		;
	return rt_fail(err, err_size, "%s", msg);
}

static void launch_child(const void *arg, int report, pid_t parent)
{
	child(arg, report, parent);
}

pid_t rt_launch(const struct rt_launch *l, char *err, size_t err_size)
{
	return rt_spawn(launch_child, l, err, err_size);
}

/* hostprobe.c - recording the live host for the checks (hostcheck.h). */
#include "hostcheck.h"
#include "launch.h"
#include "rt_util.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define MAX_TEXT     (1 << 20) /* mountinfo on a busy host is long; nothing else is */
#define MAX_PROFILE  (64 << 10)
#define BWRAP_WAIT_S 10
#ifndef LANDLOCK_CREATE_RULESET_VERSION
#define LANDLOCK_CREATE_RULESET_VERSION (1U << 0)
#endif

/* A whole (small) text file, NUL-terminated; NULL when it cannot be read. */
static char *slurp(const char *path, size_t max)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return NULL;
	size_t len = 0, cap = 4096;
	char *text = rt_must_alloc(malloc(cap + 1));
	for (;;) {
		ssize_t n = read(fd, text + len, cap - len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		len += (size_t)n;
		if (len == cap && cap < max)
			text = rt_must_alloc(realloc(text, (cap *= 2) + 1));
		else if (len == cap)
			break;
	}
	close(fd);
	text[len] = '\0';
	return text;
}

static bool exists(const char *path)
{
	struct stat st;
	return lstat(path, &st) == 0;
}

/* The files of /etc/apparmor.d that mention userns, one after the other. */
static char *apparmor_userns_profiles(void)
{
	DIR *dir = opendir("/etc/apparmor.d");
	char *all = NULL;
	size_t len = 0;
	struct dirent *e;
	while (dir && (e = readdir(dir))) {
		char path[sizeof("/etc/apparmor.d/") + sizeof(e->d_name)];
		struct stat st;
		snprintf(path, sizeof(path), "/etc/apparmor.d/%s", e->d_name);
		if (e->d_name[0] == '.' || stat(path, &st) < 0 || !S_ISREG(st.st_mode))
			continue;
		char *text = slurp(path, MAX_PROFILE);
		if (text && strstr(text, "userns")) {
			size_t n = strlen(text);
			all = rt_must_alloc(realloc(all, len + n + 2));
			memcpy(all + len, text, n);
			all[len + n] = '\n';
			all[len += n + 1] = '\0';
		}
		free(text);
	}
	if (dir)
		closedir(dir);
	return all;
}

static void probe_files(struct hc_host *h)
{
	h->osrelease = slurp("/proc/sys/kernel/osrelease", MAX_TEXT);
	h->has_userns = exists("/proc/self/ns/user");
	h->userns_clone = slurp("/proc/sys/kernel/unprivileged_userns_clone", MAX_TEXT);
	h->max_userns = slurp("/proc/sys/user/max_user_namespaces", MAX_TEXT);
	h->apparmor_restrict =
	    slurp("/proc/sys/kernel/apparmor_restrict_unprivileged_userns", MAX_TEXT);
	if (h->apparmor_restrict && h->apparmor_restrict[0] == '1')
		h->apparmor_profiles = apparmor_userns_profiles();
	h->status = slurp("/proc/self/status", MAX_TEXT);
	h->mountinfo = slurp("/proc/self/mountinfo", MAX_TEXT);
	h->seccomp_actions = slurp("/proc/sys/kernel/seccomp/actions_avail", MAX_TEXT);
	h->dockerenv = exists("/.dockerenv");
	h->containerenv = exists("/run/.containerenv");
	h->euid = geteuid();
	const char *tracer = h->status ? strstr(h->status, "TracerPid:") : NULL;
	long pid = tracer ? strtol(tracer + 10, NULL, 10) : 0;
	if (pid > 0) {
		char path[64];
		snprintf(path, sizeof(path), "/proc/%ld/comm", pid);
		h->tracer_comm = slurp(path, MAX_TEXT);
	}
}

static void probe_bwrap(struct hc_host *h, const struct hc_probe_options *o)
{
	char err[512];
	char *found = rt_find_bwrap(o->bwrap, err, sizeof(err));
	struct stat st;
	if (!found) {
		h->bwrap_error = rt_must_alloc(strdup(err));
		return;
	}
	/* AppArmor attaches profiles to the resolved path. */
	char *real = realpath(found, NULL);
	h->bwrap = real ? real : found;
	if (real)
		free(found);
	h->bwrap_setuid = stat(h->bwrap, &st) == 0 && (st.st_mode & S_ISUID) && st.st_uid == 0;
	if (o->full && rt_bwrap_version(h->bwrap, h->bwrap_version, err, sizeof(err)) < 0) {
		memset(h->bwrap_version, 0, sizeof(h->bwrap_version));
		h->bwrap_error = rt_must_alloc(strdup(err));
	}
}

/* ---- children that try what bwrap does ------------------------------------------ */

/* Drops to the user bwrap would run as. A process that changed its ids is
 * not dumpable, which makes its /proc/self files root's: bwrap, freshly
 * exec'd, is dumpable, so the probe must be too to write its id maps. */
static bool become(const struct hc_probe_options *o)
{
	if (!o->drop)
		return true;
	return setgroups(0, NULL) == 0 && setresgid(o->gid, o->gid, o->gid) == 0 &&
	       setresuid(o->uid, o->uid, o->uid) == 0 && prctl(PR_SET_DUMPABLE, 1) == 0;
}

static int write_file(const char *path, const char *text)
{
	int fd = open(path, O_WRONLY | O_CLOEXEC);
	if (fd < 0)
		return errno;
	int rc = write(fd, text, strlen(text)) == (ssize_t)strlen(text) ? 0 : errno;
	close(fd);
	return rc;
}

/* In a fresh user namespace: map the ids the way bwrap does (to themselves). */
static int map_ids(uid_t uid, gid_t gid)
{
	char line[64];
	int rc = write_file("/proc/self/setgroups", "deny");
	if (rc && rc != ENOENT)
		return rc;
	snprintf(line, sizeof(line), "%u %u 1\n", (unsigned)uid, (unsigned)uid);
	if ((rc = write_file("/proc/self/uid_map", line)))
		return rc;
	snprintf(line, sizeof(line), "%u %u 1\n", (unsigned)gid, (unsigned)gid);
	return write_file("/proc/self/gid_map", line);
}

/* The first process of the new pid namespace mounts a fresh proc. */
static int mount_proc_as_init(void)
{
	pid_t pid = fork();
	if (pid < 0)
		return errno;
	if (pid == 0)
		_exit(mount("proc", "/proc", "proc", MS_NOSUID | MS_NODEV | MS_NOEXEC, NULL) == 0
		          ? 0
		          : errno & 0xff);
	int status;
	while (waitpid(pid, &status, 0) < 0)
		if (errno != EINTR)
			return errno;
	return WIFEXITED(status) ? WEXITSTATUS(status) : EIO;
}

static void ns_child(int out, const struct hc_probe_options *o)
{
	struct hc_ns_probe p = {HC_NOT_TRIED, HC_NOT_TRIED, HC_NOT_TRIED, HC_NOT_TRIED};
	if (become(o)) {
		uid_t uid = getuid();
		gid_t gid = getgid();
		p.userns = unshare(CLONE_NEWUSER) == 0 ? 0 : errno;
		if (p.userns == 0)
			p.idmap = map_ids(uid, gid);
		if (p.idmap == 0)
			p.mount = unshare(CLONE_NEWNS | CLONE_NEWPID) == 0 &&
			                  mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) == 0
			              ? 0
			              : errno;
		if (p.mount == 0)
			p.proc = mount_proc_as_init();
	}
	ssize_t ignored = write(out, &p, sizeof(p));
	(void)ignored;
	_exit(0);
}

static void probe_namespaces(struct hc_host *h, const struct hc_probe_options *o)
{
	int fds[2];
	h->ns = (struct hc_ns_probe){HC_NOT_TRIED, HC_NOT_TRIED, HC_NOT_TRIED, HC_NOT_TRIED};
	if (pipe2(fds, O_CLOEXEC) < 0)
		return;
	pid_t pid = fork();
	if (pid == 0) {
		close(fds[0]);
		ns_child(fds[1], o);
	}
	close(fds[1]);
	struct hc_ns_probe p;
	if (pid > 0 && read(fds[0], &p, sizeof(p)) == (ssize_t)sizeof(p))
		h->ns = p;
	close(fds[0]);
	while (pid > 0 && waitpid(pid, NULL, 0) < 0 && errno == EINTR)
		;
}

static uint64_t now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

/* Reads the child's stderr into buf until EOF or the deadline. */
static void collect(int fd, char *buf, size_t size, uint64_t deadline)
{
	size_t len = 0;
	for (uint64_t now; (now = now_ms()) < deadline;) {
		struct pollfd pfd = {fd, POLLIN, 0};
		if (poll(&pfd, 1, (int)(deadline - now)) <= 0)
			break;
		ssize_t n = read(fd, buf + len, size - 1 - len);
		if (n <= 0)
			break;
		len += (size_t)n;
		if (len == size - 1)
			break;
	}
	buf[len] = '\0';
}

/* One real sandbox, as the user cellrun runs bwrap as: the namespaces cell's
 * argument files ask for, the host's / read-only, bwrap itself as the
 * command. No /proc: proc-mount is its own check. */
static void probe_bwrap_run(struct hc_host *h, const struct hc_probe_options *o)
{
	char *argv[] = {(char *)h->bwrap,
	                "--unshare-user",
	                "--unshare-ipc",
	                "--unshare-pid",
	                "--unshare-net",
	                "--unshare-uts",
	                "--die-with-parent",
	                "--ro-bind",
	                "/",
	                "/",
	                "--dev",
	                "/dev",
	                "--",
	                (char *)h->bwrap,
	                "--version",
	                NULL};
	int fds[2];
	if (pipe2(fds, O_CLOEXEC) < 0)
		return;
	pid_t pid = fork();
	if (pid == 0) {
		int null = open("/dev/null", O_RDWR);
		if (become(o) && null >= 0 && dup2(null, 0) == 0 && dup2(null, 1) == 1 &&
		    dup2(fds[1], 2) == 2)
			execv(h->bwrap, argv);
		_exit(127);
	}
	close(fds[1]);
	if (pid < 0) {
		close(fds[0]);
		return;
	}
	char text[1024];
	collect(fds[0], text, sizeof(text), now_ms() + BWRAP_WAIT_S * 1000);
	close(fds[0]);
	int status;
	if (waitpid(pid, &status, WNOHANG) == 0) {
		kill(pid, SIGKILL); /* it hung: that is a failure too */
		waitpid(pid, &status, 0);
	}
	h->bwrap_ran = true;
	h->bwrap_exit = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
	h->bwrap_stderr = rt_must_alloc(strdup(text));
}

/* One cgroup per controller, made and removed by the runtime's own code, so
 * the answer is the one cellrun would get. */
static void probe_cgroups(struct hc_host *h)
{
	char *self = slurp("/proc/self/cgroup", MAX_TEXT);
	h->cgroup_probed = true;
	for (int c = 0; c < HC_N_CONTROLLERS; c++) {
		struct rt_limits l = {0};
		struct rt_limit *one = c == HC_MEMORY ? &l.memory_bytes
		                       : c == HC_PIDS ? &l.pids
		                                      : &l.cpu_millicores;
		*one = (struct rt_limit){.set = true, .value = c == HC_MEMORY ? 1ULL << 40 : 1000};
		struct rt_cgroup *cg = NULL;
		char err[1024];
		if (rt_cgroup_create(&l, "/sys/fs/cgroup", self ? self : "", "cell-doctor", &cg,
		                     stderr, err, sizeof(err)) < 0) {
			h->cgroup_error[c] = rt_must_alloc(strdup(err));
			continue;
		}
		if (cg && !h->cgroup_version)
			h->cgroup_version = rt_cgroup_version(cg) == RT_CGROUP_V2 ? "v2" : "v1";
		rt_cgroup_destroy(cg);
	}
	free(self);
}

static int landlock_abi(void)
{
#ifdef SYS_landlock_create_ruleset
	long abi = syscall(SYS_landlock_create_ruleset, NULL, 0, LANDLOCK_CREATE_RULESET_VERSION);
	return abi > 0 ? (int)abi : 0;
#else
	return 0;
#endif
}

void hc_probe(struct hc_host *h, const struct hc_probe_options *o)
{
	memset(h, 0, sizeof(*h));
	h->landlock_abi = -1;
	h->run_uid = o->drop ? o->uid : getuid();
	probe_files(h);
	probe_bwrap(h, o);
	probe_namespaces(h, o);
	if (!o->full)
		return;
	if (h->bwrap)
		probe_bwrap_run(h, o);
	probe_cgroups(h);
	h->landlock_abi = landlock_abi();
}

void hc_host_free(struct hc_host *h)
{
	const char *owned[] = {
	    h->osrelease,         h->userns_clone,    h->max_userns,     h->apparmor_restrict,
	    h->apparmor_profiles, h->status,          h->mountinfo,      h->seccomp_actions,
	    h->tracer_comm,       h->bwrap,           h->bwrap_error,    h->bwrap_stderr,
	    h->cgroup_error[0],   h->cgroup_error[1], h->cgroup_error[2]};
	for (size_t i = 0; i < sizeof(owned) / sizeof(owned[0]); i++)
		free((void *)owned[i]);
	memset(h, 0, sizeof(*h));
}

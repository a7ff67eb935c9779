/* supervise.c - the run loop and the reading of its outcome. */
#include "supervise.h"

#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/signalfd.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define GRACE_MS      2000
#define DRAIN_MS      1000 /* how long pipes may stay open after bwrap ended */
#define MAX_SANDBOXED 4096 /* processes signalled one by one */

struct state {
	const struct rt_watch *w;
	uint64_t start_ms, kill_at_ms, drain_until_ms;
	bool timed_out, reaped, have_exit_code;
	int wait_status, exit_code;
	long child_pid; /* bwrap's first process in the sandbox */
	char status_line[1024];
	size_t status_len;
	char tail[RT_STDERR_TAIL + 1];
	size_t tail_len;
	int status_fd, stderr_fd;
};

static uint64_t now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

const char *rt_reason_name(enum rt_reason r)
{
	static const char *const names[] = {"exited", "signaled", "seccomp",
	                                    "oom",    "timeout",  "setup-failed"};
	return names[r];
}

void rt_format_ms(uint64_t ms, char *buf, size_t size)
{
	if (ms % 1000 == 0)
		snprintf(buf, size, "%llus", (unsigned long long)(ms / 1000));
	else if (ms > 1000)
		snprintf(buf, size, "%llu.%03llus", (unsigned long long)(ms / 1000),
		         (unsigned long long)(ms % 1000));
	else
		snprintf(buf, size, "%llums", (unsigned long long)ms);
}

/* 64M, 1G, 1536K: the largest unit that divides the value exactly. */
static const char *format_bytes(uint64_t bytes, char *buf, size_t size)
{
	static const char units[] = "KMGT";
	int unit = -1;
	while (unit < 3 && bytes && bytes % 1024 == 0) {
		bytes /= 1024;
		unit++;
	}
	snprintf(buf, size, "%llu%s", (unsigned long long)bytes,
	         unit < 0 ? " bytes" : (char[]){units[unit], '\0'});
	return buf;
}

/* ---- signals to the sandbox ------------------------------------------------- */

/* The descendants of `root`, breadth first, from /proc/PID/task/PID/children. */
static size_t descendants(pid_t root, pid_t *out, size_t max)
{
	size_t n = 0;
	pid_t parent = root;
	for (size_t next = 0;; parent = out[next++]) {
		char path[64];
		snprintf(path, sizeof(path), "/proc/%d/task/%d/children", parent, parent);
		FILE *f = fopen(path, "re");
		long pid;
		while (f && n < max && fscanf(f, "%ld", &pid) == 1)
			out[n++] = (pid_t)pid;
		if (f)
			fclose(f);
		if (next >= n)
			return n;
	}
}

static void signal_sandbox(struct state *s, int sig)
{
	static pid_t pids[MAX_SANDBOXED];
	size_t n = s->child_pid > 0 ? descendants((pid_t)s->child_pid, pids, MAX_SANDBOXED) : 0;
	if (n == 0) {
		kill(s->w->bwrap, sig); /* no command yet: end the setup */
		return;
	}
	for (size_t i = 0; i < n; i++)
		kill(pids[i], sig);
}

/* ---- bwrap's streams ------------------------------------------------------ */

static void status_line(struct state *s)
{
	const char *key;
	if ((key = strstr(s->status_line, "\"child-pid\":")))
		s->child_pid = strtol(key + 12, NULL, 10);
	if ((key = strstr(s->status_line, "\"exit-code\":"))) {
		s->exit_code = (int)strtol(key + 12, NULL, 10);
		s->have_exit_code = true;
	}
}

static void read_status(struct state *s)
{
	char chunk[512];
	ssize_t n = read(s->status_fd, chunk, sizeof(chunk));
	if (n < 0 && errno == EINTR)
		return;
	if (n <= 0) {
		close(s->status_fd);
		s->status_fd = -1;
		return;
	}
	for (ssize_t i = 0; i < n; i++) {
		if (chunk[i] == '\n') {
			s->status_line[s->status_len] = '\0';
			status_line(s);
			s->status_len = 0;
		} else if (s->status_len < sizeof(s->status_line) - 1) {
			s->status_line[s->status_len++] = chunk[i];
		}
	}
}

static void relay_stderr(struct state *s)
{
	char chunk[4096];
	ssize_t n = read(s->stderr_fd, chunk, sizeof(chunk));
	if (n < 0 && errno == EINTR)
		return;
	if (n <= 0) {
		close(s->stderr_fd);
		s->stderr_fd = -1;
		return;
	}
	for (ssize_t done = 0, w; done<n; done += w> 0 ? w : 0)
		if ((w = write(2, chunk + done, (size_t)(n - done))) < 0 && errno != EINTR)
			break; /* our stderr is gone: keep draining the pipe */
	size_t len = (size_t)n;
	if (len >= RT_STDERR_TAIL) {
		memcpy(s->tail, chunk + len - RT_STDERR_TAIL, RT_STDERR_TAIL);
		s->tail_len = RT_STDERR_TAIL;
	} else {
		size_t keep =
		    s->tail_len + len > RT_STDERR_TAIL ? RT_STDERR_TAIL - len : s->tail_len;
		memmove(s->tail, s->tail + s->tail_len - keep, keep);
		memcpy(s->tail + keep, chunk, len);
		s->tail_len = keep + len;
	}
}

static void on_signal(struct state *s)
{
	struct signalfd_siginfo info;
	if (read(s->w->signal_fd, &info, sizeof(info)) != sizeof(info))
		return;
	if (info.ssi_signo != SIGCHLD) {
		signal_sandbox(s, (int)info.ssi_signo);
		return;
	}
	int status;
	pid_t pid;
	while ((pid = waitpid(-1, &status, WNOHANG)) > 0)
		if (pid == s->w->bwrap) {
			s->reaped = true;
			s->wait_status = status;
			if (s->w->direct && WIFEXITED(status)) {
				s->exit_code = WEXITSTATUS(status);
				s->have_exit_code = true;
			}
			s->drain_until_ms = now_ms() + DRAIN_MS;
		}
}

static void on_timer(struct state *s, uint64_t now)
{
	if (s->reaped)
		return; /* the run is over; only the pipes are being drained */
	if (!s->timed_out && s->w->time_limit_ms && now >= s->start_ms + s->w->time_limit_ms) {
		s->timed_out = true;
		s->kill_at_ms = now + GRACE_MS;
		signal_sandbox(s, SIGTERM);
	} else if (s->timed_out && s->kill_at_ms && now >= s->kill_at_ms) {
		s->kill_at_ms = 0;
		kill(s->w->bwrap, SIGKILL);
		if (s->w->cgroup)
			rt_cgroup_signal(s->w->cgroup, SIGKILL);
	}
}

static int poll_timeout(const struct state *s, uint64_t now)
{
	uint64_t next = UINT64_MAX;
	if (!s->reaped && !s->timed_out && s->w->time_limit_ms)
		next = s->start_ms + s->w->time_limit_ms;
	if (!s->reaped && s->timed_out && s->kill_at_ms)
		next = s->kill_at_ms;
	if (s->reaped && s->drain_until_ms < next)
		next = s->drain_until_ms;
	if (next == UINT64_MAX)
		return -1;
	return next <= now ? 0 : (int)(next - now > 60000 ? 60000 : next - now);
}

static void run_loop(struct state *s)
{
	while (!s->reaped ||
	       ((s->status_fd >= 0 || s->stderr_fd >= 0) && now_ms() < s->drain_until_ms)) {
		struct pollfd fds[3] = {{s->w->signal_fd, POLLIN, 0},
		                        {s->status_fd, POLLIN, 0},
		                        {s->stderr_fd, POLLIN, 0}};
		int n = poll(fds, 3, poll_timeout(s, now_ms()));
		if (n < 0 && errno != EINTR)
			break;
		if (fds[0].revents & POLLIN)
			on_signal(s);
		if (fds[1].revents)
			read_status(s);
		if (fds[2].revents)
			relay_stderr(s);
		on_timer(s, now_ms());
	}
}

/* ---- the outcome ------------------------------------------------------------ */

/* bwrap's execvp message, when the command could not be executed. */
static int exec_failure(struct state *s, char *line, size_t size)
{
	s->tail[s->tail_len] = '\0';
	const char *at = NULL;
	for (const char *p = s->tail; (p = strstr(p, "bwrap: execvp ")); p++)
		at = p;
	if (!at)
		return 0;
	snprintf(line, size, "%.*s", (int)strcspn(at, "\n"), at);
	bool missing =
	    strstr(line, ": No such file or directory") || strstr(line, ": Not a directory");
	return missing ? 127 : 126;
}

/* cellrun's reading of a setup failure: which host condition, which fix. */
static const char *setup_hint(const char *tail)
{
	static const char *const hints[][2] = {
	    {"Creating new namespace failed",
	     "this host does not let this user create namespaces "
	     "(kernel.unprivileged_userns_clone=0, an AppArmor "
	     "userns restriction, or a container); see `cell doctor`"},
	    {"No permissions to create new namespace", "unprivileged user namespaces are off "
	                                               "on this host; see `cell doctor`"},
	    {"Permission denied", "bwrap's host user (nobody when cellrun is started by "
	                          "root; see --user) cannot reach a path of the policy: "
	                          "give that user access to it, or choose another --user"},
	    {"Can't find source path", "a bind source of the policy is missing on this host; "
	                               "mark it optional (ro? / rw?) or create it"},
	    {"setting up uid map", "the user namespace's id mapping was refused"},
	    {"seccomp", "the kernel refused the seccomp filter"},
	};
	for (size_t i = 0; i < sizeof(hints) / sizeof(hints[0]); i++)
		if (strstr(tail, hints[i][0]))
			return hints[i][1];
	return "bwrap's message is above";
}

static void explain(struct state *s, struct rt_outcome *out)
{
	char text[512];
	const struct rt_watch *w = s->w;
	if (s->timed_out) {
		rt_format_ms(w->time_limit_ms, text, sizeof(text));
		fprintf(stderr, "cellrun: timed out after %s\n", text);
		*out = (struct rt_outcome){.exit_code = 124, .reason = RT_TIMEOUT};
		return;
	}
	int code = s->have_exit_code             ? s->exit_code
	           : WIFSIGNALED(s->wait_status) ? 128 + WTERMSIG(s->wait_status)
	                                         : -1;
	if (code >= 0) {
		out->exit_code = code;
		out->reason = RT_EXITED;
		if (code > 128 && code < 128 + 65) {
			out->signal = code - 128;
			out->reason = RT_SIGNALED;
		}
		if (out->signal == SIGSYS) {
			out->reason = RT_SECCOMP;
			fputs("cellrun: killed by seccomp (SIGSYS): a kill rule of the policy, or "
			      "a call through a foreign architecture or the x32 ABI\n",
			      stderr);
		} else if (out->signal == SIGKILL && w->cgroup && rt_cgroup_oom_killed(w->cgroup)) {
			out->reason = RT_OOM;
			fprintf(stderr, "cellrun: killed: memory limit %s reached (OOM)\n",
			        format_bytes(w->memory_limit, text, sizeof(text)));
		}
		return;
	}
	out->reason = RT_SETUP_FAILED;
	out->exit_code = exec_failure(s, text, sizeof(text));
	if (out->exit_code) {
		fprintf(stderr, "cellrun: the command could not be %s (%s)\n",
		        out->exit_code == 127 ? "found" : "executed", text);
		return;
	}
	out->exit_code = 125;
	s->tail[s->tail_len] = '\0';
	if (w->diagnose && w->diagnose(s->tail, w->diagnose_ctx))
		return;
	fprintf(stderr, "cellrun: bwrap failed before the command started (exit status %d): %s\n",
	        WIFEXITED(s->wait_status) ? WEXITSTATUS(s->wait_status) : -1, setup_hint(s->tail));
}

void rt_supervise(const struct rt_watch *w, struct rt_outcome *out)
{
	struct state s = {.w = w,
	                  .start_ms = now_ms(),
	                  .status_fd = w->status_fd,
	                  .stderr_fd = w->stderr_fd,
	                  .child_pid = w->direct ? getpid() : -1};
	run_loop(&s);
	if (w->direct) { /* what the command left behind; never a reused pid */
		static pid_t left[MAX_SANDBOXED];
		for (size_t i = 0, n = descendants(getpid(), left, MAX_SANDBOXED); i < n; i++)
			kill(left[i], SIGKILL);
		/* Reaped here (for up to a second): an init that does not reap
		 * would keep them as zombies. */
		for (uint64_t until = now_ms() + 1000; now_ms() < until;) {
			pid_t got = waitpid(-1, NULL, WNOHANG);
			if (got < 0 && errno != EINTR)
				break; /* ECHILD: none left */
			if (got == 0)
				usleep(10000);
		}
	}
	if (s.status_fd >= 0)
		close(s.status_fd);
	if (s.stderr_fd >= 0)
		close(s.stderr_fd);
	memset(out, 0, sizeof(*out));
	explain(&s, out);
	out->wall_ms = now_ms() - s.start_ms;
	uint64_t usec = w->cgroup ? rt_cgroup_cpu_usec(w->cgroup) : 0;
	if (!usec) {
		struct rusage ru;
		if (getrusage(RUSAGE_CHILDREN, &ru) == 0)
			usec = (uint64_t)(ru.ru_utime.tv_sec + ru.ru_stime.tv_sec) * 1000000 +
			       (uint64_t)(ru.ru_utime.tv_usec + ru.ru_stime.tv_usec);
	}
	out->have_cpu = true;
	out->cpu_ms = usec / 1000;
	out->peak_bytes = w->cgroup ? rt_cgroup_peak_memory(w->cgroup) : 0;
	out->have_peak = out->peak_bytes != 0;
}

int rt_signals_watch(sigset_t *old)
{
	static const int sigs[] = {SIGCHLD, SIGINT,  SIGTERM, SIGHUP,
	                           SIGQUIT, SIGUSR1, SIGUSR2, SIGALRM};
	sigset_t watched;
	sigemptyset(&watched);
	for (size_t i = 0; i < sizeof(sigs) / sizeof(sigs[0]); i++)
		sigaddset(&watched, sigs[i]);
	sigprocmask(SIG_BLOCK, &watched, old);
	return signalfd(-1, &watched, SFD_CLOEXEC);
}

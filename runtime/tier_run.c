/* tier_run.c - the user-namespace probe, and a run under the Landlock tier. */
#include "tier_run.h"
#include "launch.h"
#include "rt_util.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <sched.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/signalfd.h>
#include <sys/wait.h>
#include <unistd.h>

#define EXIT_SETUP 125

extern char **environ;

/* ---- the probe -------------------------------------------------------------- */

int rt_userns_probe(bool drop, uid_t uid, gid_t gid)
{
	pid_t pid = fork();
	if (pid < 0)
		return -1;
	if (pid == 0) {
		char err[256];
		if (drop && rt_drop_privileges(uid, gid, err, sizeof(err)) < 0)
			_exit(255);
		/* Changing ids made the process undumpable, which gives its
		 * /proc/self files to root: bwrap's user can write its maps. */
		if (drop)
			prctl(PR_SET_DUMPABLE, 1);
		/* Creating the namespace is not enough: Ubuntu's AppArmor
		 * restriction lets unshare succeed and refuses the id map. */
		char map[64];
		int len = snprintf(map, sizeof(map), "0 %u 1\n", (unsigned)geteuid());
		if (unshare(CLONE_NEWUSER) < 0)
			_exit(errno > 0 && errno < 254 ? errno : 254);
		int fd = open("/proc/self/uid_map", O_WRONLY | O_CLOEXEC);
		if (fd < 0 || write(fd, map, (size_t)len) != len)
			_exit(errno > 0 && errno < 254 ? errno : 254);
		_exit(0);
	}
	int status;
	while (waitpid(pid, &status, 0) < 0)
		if (errno != EINTR)
			return -1;
	if (!WIFEXITED(status) || WEXITSTATUS(status) >= 254)
		return -1;
	return WEXITSTATUS(status);
}

/* ---- the environment ---------------------------------------------------------- */

static size_t env_find(char **env, size_t n, const char *name)
{
	size_t len = strlen(name);
	for (size_t i = 0; i < n; i++)
		if (strncmp(env[i], name, len) == 0 && env[i][len] == '=')
			return i;
	return n;
}

static const char *host_value(char *const *host, const char *name)
{
	size_t len = strlen(name);
	for (; host && *host; host++)
		if (strncmp(*host, name, len) == 0 && (*host)[len] == '=')
			return *host + len + 1;
	return NULL;
}

/* Sets (value) or removes (NULL) one variable of env[0..*n). */
static void env_put(char **env, size_t *n, const char *name, const char *value)
{
	for (size_t at; (at = env_find(env, *n, name)) < *n;) {
		free(env[at]);
		env[at] = env[--*n];
		env[*n] = NULL;
	}
	if (value && asprintf(&env[(*n)++], "%s=%s", name, value) < 0)
		rt_out_of_memory();
}

char **rt_ll_environ(const struct rt_ll_piece *p, char *const *host)
{
	size_t n_host = 0, n = 0;
	while (host && host[n_host])
		n_host++;
	/* Each operation adds at most one variable. */
	char **env = rt_must_alloc(calloc(n_host + p->n_env + 1, sizeof(char *)));
	for (size_t i = 0; i < n_host; i++)
		if (strchr(host[i], '='))
			env[n++] = rt_must_alloc(strdup(host[i]));
	for (size_t i = 0; i < p->n_env; i++) {
		const struct rt_ll_env *e = &p->env[i];
		if (e->kind == RT_LL_ENV_CLEAR) {
			while (n > 0) {
				free(env[--n]);
				env[n] = NULL;
			}
			continue;
		}
		env_put(env, &n, e->name,
		        e->kind == RT_LL_ENV_SET    ? e->value
		        : e->kind == RT_LL_ENV_KEEP ? host_value(host, e->name)
		                                    : NULL);
	}
	return env;
}

void rt_ll_environ_free(char **env)
{
	for (char **e = env; e && *e; e++)
		free(*e);
	free(env);
}

/* ---- the child ------------------------------------------------------------ */

static void child_fail(int report, int code, const char *fmt, ...)
    __attribute__((format(printf, 3, 4), noreturn));

/* "NNN message": the exit status the failure means, then why. */
static void child_fail(int report, int code, const char *fmt, ...)
{
	char msg[600];
	int len = snprintf(msg, sizeof(msg), "%03d", code);
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(msg + len, sizeof(msg) - (size_t)len, fmt, ap);
	va_end(ap);
	ssize_t ignored = write(report, msg, strlen(msg));
	(void)ignored;
	_exit(code);
}

static void restrict_self(const struct rt_tier_launch *l, int report)
{
	char err[512];
	const struct rt_ll_plan *plan = l->plan;
	struct rt_landlock_rule *rules = calloc(plan->n_rules + 1, sizeof(*rules));
	size_t n = 0;
	if (!rules)
		child_fail(report, EXIT_SETUP, "out of memory");
	for (size_t i = 0; i < plan->n_rules; i++)
		if (plan->rules[i].fd >= 0)
			rules[n++] = (struct rt_landlock_rule){
			    plan->rules[i].fd, plan->rules[i].rights, plan->rules[i].is_dir};
	struct rt_landlock_spec spec = {.abi = plan->abi,
	                                .rules = rules,
	                                .n_rules = n,
	                                .deny_tcp = plan->deny_tcp,
	                                .scoped = plan->scoped};
	if (rt_landlock_restrict(&spec, err, sizeof(err)) < 0)
		child_fail(report, EXIT_SETUP, "%s", err);
	free(rules);
}

static void child(const struct rt_tier_launch *l, int report, pid_t parent)
{
	char err[512];
	const struct rt_ll_piece *p = l->piece;
	signal(SIGPIPE, SIG_DFL);
	sigprocmask(SIG_SETMASK, l->child_mask, NULL);
	if (l->cgroup && rt_cgroup_enter(l->cgroup, 0, err, sizeof(err)) < 0)
		child_fail(report, EXIT_SETUP, "%s", err);
	if (rt_rlimits_apply(l->limits, rt_cgroup_holds_memory(l->cgroup), err, sizeof(err)) < 0)
		child_fail(report, EXIT_SETUP, "%s", err);
	if (l->drop_privileges && rt_drop_privileges(l->uid, l->gid, err, sizeof(err)) < 0)
		child_fail(report, EXIT_SETUP, "%s", err);
	if (prctl(PR_SET_PDEATHSIG, SIGKILL) < 0 || getppid() != parent)
		child_fail(report, EXIT_SETUP, "cellrun went away during start-up");
	if (p->new_session && setsid() < 0)
		child_fail(report, EXIT_SETUP, "setsid: %s", strerror(errno));
	if (p->cwd && chdir(p->cwd) < 0)
		child_fail(report, EXIT_SETUP, "cannot change to the policy's directory %s: %s",
		           p->cwd, strerror(errno));
	/* Only 0-2 reach the command; the report pipe stays until the exec. */
	if (close_range(3, ~0U, CLOSE_RANGE_CLOEXEC) < 0)
		child_fail(report, EXIT_SETUP, "close_range: %s", strerror(errno));
	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0)
		child_fail(report, EXIT_SETUP, "PR_SET_NO_NEW_PRIVS: %s", strerror(errno));
	if (prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL, 0, 0, 0) < 0 && errno != EINVAL)
		child_fail(report, EXIT_SETUP, "clearing ambient capabilities: %s",
		           strerror(errno));
	restrict_self(l, report);
	struct sock_fprog prog = {.len =
	                              (unsigned short)(l->filter->len / sizeof(struct sock_filter)),
	                          .filter = (struct sock_filter *)l->filter->data};
	if (prctl(PR_SET_SECCOMP, SECCOMP_MODE_FILTER, &prog) < 0)
		child_fail(report, EXIT_SETUP, "loading the seccomp filter: %s", strerror(errno));
	environ = l->env;
	execvp(l->command[0], l->command);
	int e = errno;
	child_fail(report, e == ENOENT || e == ENOTDIR ? 127 : 126, "%s: %s", l->command[0],
	           strerror(e));
}

static void spawn_child(const void *arg, int report, pid_t parent)
{
	child(arg, report, parent);
}

pid_t rt_tier_launch(const struct rt_tier_launch *l, int *code, char *err, size_t err_size)
{
	*code = EXIT_SETUP;
	size_t len = l->filter->len;
	if (len == 0 || len % sizeof(struct sock_filter) ||
	    len / sizeof(struct sock_filter) > 0xffff)
		return rt_fail(err, err_size,
		               "the seccomp filter is not a struct sock_filter array");
	pid_t pid = rt_spawn(spawn_child, l, err, err_size);
	if (pid > 0)
		return pid;
	/* The child's message starts with its exit code (child_fail). */
	int n = 0;
	if (strlen(err) > 3 && sscanf(err, "%3d%n", code, &n) == 1 && n == 3)
		memmove(err, err + 3, strlen(err + 3) + 1);
	else
		*code = EXIT_SETUP;
	return -1;
}

/* ---- a whole run ---------------------------------------------------------- */

static void print_lines(const char *prefix, const char *lines)
{
	for (const char *l = lines; l && *l;) {
		size_t len = strcspn(l, "\n");
		fprintf(stderr, "%s%.*s\n", prefix, (int)len, l);
		l += len + (l[len] == '\n');
	}
}

static void dry_run(const struct rt_tier_run *t, const struct rt_ll_piece *p,
                    const struct rt_ll_plan *plan, char **env)
{
	rt_ll_plan_print(stdout, p, plan);
	for (char **e = env; *e; e++)
		printf("# env %s\n", *e);
	printf("# command:");
	for (char *const *a = t->command; *a; a++)
		printf(" %s", *a);
	printf("\n# seccomp filter: %zu bytes (%s), loaded by cellrun just before the exec\n",
	       t->bundle->pieces[RT_PIECE_BPF].bytes.len, t->bundle->pieces[RT_PIECE_BPF].file);
	if (t->drop)
		printf("# the command runs as host uid %u\n", (unsigned)t->uid);
}

/* Signals, the cgroup, the launch and the supervision. */
static void run(const struct rt_tier_run *t, struct rt_tier_launch *l, struct rt_outcome *out)
{
	char err[1024];
	sigset_t old;
	int sfd = rt_signals_watch(&old);
	struct rt_cgroup *cg = NULL;
	int code = EXIT_SETUP;
	/* Without a pid namespace, what the command forks and orphans must
	 * stay cellrun's, so that it can be signalled and killed at the end. */
	if (sfd < 0 || prctl(PR_SET_CHILD_SUBREAPER, 1) < 0) {
		fprintf(stderr, "cellrun: signalfd or PR_SET_CHILD_SUBREAPER: %s\n",
		        strerror(errno));
	} else if (rt_cgroup_create(t->limits, "/sys/fs/cgroup", t->self_cgroup, t->bundle->name,
	                            &cg, stderr, err, sizeof(err)) < 0) {
		fprintf(stderr, "cellrun: %s\n", err);
	} else {
		l->cgroup = cg;
		l->child_mask = &old;
		pid_t pid = rt_tier_launch(l, &code, err, sizeof(err));
		if (pid < 0 && code != EXIT_SETUP) {
			fprintf(stderr, "cellrun: the command could not be %s (%s)\n",
			        code == 127 ? "found" : "executed", err);
			*out = (struct rt_outcome){.exit_code = code, .reason = RT_SETUP_FAILED};
		} else if (pid < 0) {
			fprintf(stderr, "cellrun: cannot start the command: %s\n", err);
		} else {
			const struct rt_limit *time = &t->limits->time_ms;
			struct rt_watch w = {.bwrap = pid,
			                     .signal_fd = sfd,
			                     .status_fd = -1,
			                     .stderr_fd = -1,
			                     .cgroup = cg,
			                     .time_limit_ms =
			                         time->set && !time->infinite ? time->value : 0,
			                     .memory_limit = t->limits->memory_bytes.value,
			                     .direct = true};
			rt_supervise(&w, out);
		}
	}
	rt_cgroup_destroy(cg);
	if (sfd >= 0)
		close(sfd);
	sigprocmask(SIG_SETMASK, &old, NULL);
}

void rt_tier_run(const struct rt_tier_run *t, struct rt_outcome *out)
{
	char err[1024];
	const struct rt_bundle *b = t->bundle;
	const struct rt_bytes *text = &b->pieces[RT_PIECE_LANDLOCK].bytes;
	struct rt_ll_piece piece = {0};
	struct rt_ll_plan plan = {0};
	*out = (struct rt_outcome){.exit_code = EXIT_SETUP, .reason = RT_SETUP_FAILED};
	const char *why = t->userns_errno > 0 ? strerror(t->userns_errno) : "probe failed";
	if (b->version < 2) {
		fprintf(stderr,
		        "cellrun: user namespaces are unavailable here (%s), and bundle %s has no "
		        "Landlock piece (format %u): recompile it with this cell\n",
		        why, b->name, b->version);
		return;
	}
	if (rt_ll_piece_parse((const char *)text->data, text->len, &piece, err, sizeof(err)) < 0 ||
	    rt_ll_piece_fill(&piece, b, err, sizeof(err)) < 0) {
		fprintf(stderr, "cellrun: %s\n", err);
		rt_ll_piece_free(&piece);
		return;
	}
	if (rt_ll_plan_make(&piece, rt_landlock_abi(), &plan) > 0) {
		fprintf(stderr,
		        "cellrun: user namespaces are unavailable here (%s), and the Landlock tier "
		        "cannot apply bundle %s on this host:\n",
		        why, b->name);
		print_lines("  ", plan.refusals);
	} else {
		char **env = rt_ll_environ(&piece, environ);
		struct rt_tier_launch l = {.command = t->command,
		                           .env = env,
		                           .piece = &piece,
		                           .plan = &plan,
		                           .filter = &b->pieces[RT_PIECE_BPF].bytes,
		                           .limits = t->limits,
		                           .drop_privileges = t->drop,
		                           .uid = t->uid,
		                           .gid = t->gid};
		if (t->dry_run) {
			dry_run(t, &piece, &plan, env);
			*out = (struct rt_outcome){.exit_code = 0, .reason = RT_EXITED};
		} else {
			fprintf(stderr,
			        "cellrun: user namespaces are unavailable here (%s); running %s "
			        "under the Landlock tier (Landlock ABI %d; see docs/landlock.md)\n",
			        why, b->name, plan.abi);
			print_lines("cellrun: warning: ", plan.warnings);
			run(t, &l, out);
		}
		rt_ll_environ_free(env);
	}
	rt_ll_plan_free(&plan);
	rt_ll_piece_free(&piece);
}

/*
 * cellrun - run a command under a compiled cell bundle.
 *
 *   cellrun [--param NAME=VALUE]... [--bwrap PATH] [--user NAME|UID] [--dry-run]
 *           [--status-json FILE] [--best-effort] [--fallback landlock|none] [--strict]
 *           BUNDLE -- CMD [ARG...]
 *   cellrun [same options] --bundle-fds MANIFEST,BPF,ARGS,LIMITS[,LANDLOCK] -- CMD [ARG...]
 *
 * The steps, each in its own module: load and verify the bundle
 * (manifest.h), fill params and seal the pieces into memfds (fill.h), set up
 * the limits (rt_limits.h), start bwrap (launch.h), watch it and read the
 * outcome (supervise.h). When user namespaces are unavailable and the
 * policy or --fallback allows it, the Landlock tier runs the command
 * without bwrap instead (tier_run.h). Exit status: the command's own,
 * 128+N for signal N, 124 on timeout, 125 when cellrun or bwrap failed
 * before the command ran, 126/127 when the command could not be executed /
 * found. docs/runtime.md is the reference.
 */
#include "fill.h"
#include "hostcheck.h"
#include "launch.h"
#include "rt_limits.h"
#include "manifest.h"
#include "supervise.h"
#include "tier_run.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/signalfd.h>
#include <sys/stat.h>
#include <sys/utsname.h>
#include <unistd.h>

#define EXIT_SETUP 125
#define ERR_SIZE   1024

struct options {
	char **params;
	size_t n_params;
	const char *bwrap, *user, *status_json, *bundle;
	int bundle_fds[5];
	size_t n_bundle_fds;
	bool have_fds, dry_run, best_effort, strict;
	const char *fallback; /* --fallback: "landlock" or "none"; NULL: the policy's */
	char **command;
};

struct run {
	struct options opt;
	struct rt_bundle bundle;
	struct rt_limits limits;
	struct rt_bytes filled_args;
	char *bwrap;
	char **argv;
	struct rt_cgroup *cgroup;
	struct rt_outcome outcome;
};

static void usage(FILE *to)
{
	fputs(
	    "usage: cellrun [--param NAME=VALUE]... [--bwrap PATH] [--user NAME|UID] [--dry-run]\n"
	    "               [--status-json FILE] [--best-effort] [--fallback landlock|none]\n"
	    "               [--strict] BUNDLE -- CMD [ARG...]\n"
	    "       cellrun [options] --bundle-fds MANIFEST,BPF,ARGS,LIMITS[,LANDLOCK] -- CMD "
	    "[ARG...]\n"
	    "BUNDLE is a path prefix: out/NAME means out/NAME.manifest, .bpf, .args, .limits,\n"
	    ".landlock.\n",
	    to);
}

static int refuse(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

static int refuse(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	fputs("cellrun: ", stderr);
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
	va_end(ap);
	return -1;
}

static int parse_fds(const char *text, int fds[5], size_t *n)
{
	char tail;
	int got =
	    sscanf(text, "%d,%d,%d,%d,%d%c", &fds[0], &fds[1], &fds[2], &fds[3], &fds[4], &tail);
	if (got != 4 && got != 5)
		return refuse("--bundle-fds needs four or five descriptors: "
		              "MANIFEST,BPF,ARGS,LIMITS[,LANDLOCK]");
	*n = (size_t)got;
	for (int i = 0; i < got; i++)
		if (fds[i] < 3 || fcntl(fds[i], F_GETFD) < 0)
			return refuse("--bundle-fds: %d is not an open descriptor above 2", fds[i]);
	return 0;
}

static int parse_options(int argc, char **argv, struct options *o)
{
	int i = 1;
	o->params = calloc((size_t)argc, sizeof(char *));
	if (!o->params)
		return refuse("out of memory");
	for (; i < argc && strcmp(argv[i], "--") != 0; i++) {
		const char *a = argv[i];
		bool has_value = i + 1 < argc;
		if (strcmp(a, "--help") == 0) {
			usage(stdout);
			exit(0);
		} else if (strcmp(a, "--dry-run") == 0) {
			o->dry_run = true;
		} else if (strcmp(a, "--best-effort") == 0) {
			o->best_effort = true;
		} else if (strcmp(a, "--param") == 0 && has_value) {
			o->params[o->n_params++] = argv[++i];
		} else if (strcmp(a, "--bwrap") == 0 && has_value) {
			o->bwrap = argv[++i];
		} else if (strcmp(a, "--user") == 0 && has_value) {
			o->user = argv[++i];
		} else if (strcmp(a, "--status-json") == 0 && has_value) {
			o->status_json = argv[++i];
		} else if (strcmp(a, "--bundle-fds") == 0 && has_value) {
			if (parse_fds(argv[++i], o->bundle_fds, &o->n_bundle_fds) < 0)
				return -1;
			o->have_fds = true;
		} else if (strcmp(a, "--fallback") == 0 && has_value) {
			o->fallback = argv[++i];
			if (strcmp(o->fallback, "landlock") != 0 &&
			    strcmp(o->fallback, "none") != 0)
				return refuse("--fallback is `landlock` or `none`, not '%s'",
				              o->fallback);
		} else if (strcmp(a, "--strict") == 0) {
			o->strict = true;
		} else if (a[0] == '-' || o->bundle) {
			usage(stderr);
			return refuse("unexpected argument '%s'", a);
		} else {
			o->bundle = a;
		}
	}
	if (o->strict && o->fallback && strcmp(o->fallback, "landlock") == 0)
		return refuse(
		    "--strict refuses every fallback; it cannot go with --fallback landlock");
	if (i + 1 >= argc || (!o->bundle == !o->have_fds)) {
		usage(stderr);
		return refuse("%s", i + 1 >= argc ? "no command given after --"
		                                  : "give either BUNDLE or --bundle-fds");
	}
	o->command = argv + i + 1;
	return 0;
}

/* ---- preparing ------------------------------------------------------------ */

static int load(struct run *r)
{
	char err[ERR_SIZE];
	struct utsname un;
	int rc = r->opt.have_fds ? rt_bundle_load_fds(r->opt.bundle_fds, r->opt.n_bundle_fds,
	                                              &r->bundle, err, sizeof(err))
	                         : rt_bundle_load_path(r->opt.bundle, &r->bundle, err, sizeof(err));
	if (r->opt.have_fds)
		for (size_t i = 0; i < r->opt.n_bundle_fds; i++)
			close(r->opt.bundle_fds[i]);
	if (rc == 0 && uname(&un) == 0)
		rc = rt_bundle_check_arch(&r->bundle, un.machine, err, sizeof(err));
	if (rc == 0)
		rc = rt_params_bind(&r->bundle, r->opt.params, r->opt.n_params, err, sizeof(err));
	if (rc == 0)
		rc = rt_args_fill(&r->bundle, &r->filled_args, err, sizeof(err));
	const struct rt_bytes *lim = &r->bundle.pieces[RT_PIECE_LIMITS].bytes;
	if (rc == 0 &&
	    rt_limits_parse((const char *)lim->data, lim->len, &r->limits, err, sizeof(err)) < 0)
		rc = -1;
	if (rc < 0)
		return refuse("%s", err);
	if (r->opt.best_effort) {
		struct rt_limit *all[] = {&r->limits.memory_bytes,   &r->limits.pids,
		                          &r->limits.cpu_millicores, &r->limits.time_ms,
		                          &r->limits.nofile,         &r->limits.fsize_bytes};
		for (size_t i = 0; i < sizeof(all) / sizeof(all[0]); i++)
			all[i]->best_effort = true;
	}
	return 0;
}

/* bwrap --args 3 [--setenv NAME VALUE]... --seccomp 4 --json-status-fd 5 -- CMD ARG... */
static void build_argv(struct run *r)
{
	size_t n_cmd = 0;
	while (r->opt.command[n_cmd])
		n_cmd++;
	char **v = calloc(16 + 3 * r->bundle.n_env_keep + n_cmd, sizeof(char *));
	if (!v)
		exit(EXIT_SETUP);
	size_t n = 0;
	v[n++] = r->bwrap;
	v[n++] = "--args";
	v[n++] = "3";
	/* After the file, so that they apply after its --clearenv. */
	for (size_t i = 0; i < r->bundle.n_env_keep; i++) {
		const char *value = getenv(r->bundle.env_keep[i]);
		if (value) {
			v[n++] = "--setenv";
			v[n++] = r->bundle.env_keep[i];
			v[n++] = (char *)value;
		}
	}
	v[n++] = "--seccomp";
	v[n++] = "4";
	v[n++] = "--json-status-fd";
	v[n++] = "5";
	v[n++] = "--";
	for (size_t i = 0; i < n_cmd; i++)
		v[n++] = r->opt.command[i];
	r->argv = v;
}

/* ---- --dry-run -------------------------------------------------------------- */

/* Shell quoting: safe words as they are, anything else in single quotes. */
static void put_quoted(const char *s, size_t len)
{
	static const char safe[] = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
	                           "0123456789_@%+=:,./-";
	bool plain = len > 0;
	for (size_t i = 0; i < len && plain; i++)
		plain = s[i] && strchr(safe, s[i]);
	if (plain) {
		fwrite(s, 1, len, stdout);
		return;
	}
	putchar('\'');
	for (size_t i = 0; i < len; i++) {
		if (s[i] == '\'')
			fputs("'\\''", stdout);
		else
			putchar(s[i]);
	}
	putchar('\'');
}

static void put_limit(const char *name, const struct rt_limit *l, const char *unit)
{
	if (!l->set)
		return;
	if (l->infinite)
		printf("# limit %s: infinity", name);
	else
		printf("# limit %s: %llu%s", name, (unsigned long long)l->value, unit);
	printf("%s\n", l->best_effort ? " (best-effort)" : "");
}

static void put_limits(const struct rt_limits *l);

static void dry_run(struct run *r, bool drop, uid_t uid)
{
	const struct rt_bytes *args = &r->filled_args;
	put_quoted(r->bwrap, strlen(r->bwrap));
	/* The args file inline, in place of `--args 3`. */
	for (size_t at = 0; at < args->len;) {
		size_t len = strlen((const char *)args->data + at);
		putchar(' ');
		put_quoted((const char *)args->data + at, len);
		at += len + 1;
	}
	for (char **a = r->argv + 3; *a; a++) {
		putchar(' ');
		put_quoted(*a, strlen(*a));
	}
	printf("\n# --args 3: the %zu bytes of options after bwrap above, in a sealed memfd\n",
	       args->len);
	printf("# fd 4: seccomp filter, %zu bytes (%s)\n", r->bundle.pieces[RT_PIECE_BPF].bytes.len,
	       r->bundle.pieces[RT_PIECE_BPF].file);
	for (size_t i = 0; i < r->bundle.n_data; i++)
		printf("# fd %d: file contents, %zu bytes\n", r->bundle.data[i].fd,
		       r->bundle.data[i].bytes.len);
	put_limits(&r->limits);
	if (drop)
		printf("# bwrap runs as host uid %u\n", (unsigned)uid);
}

static void put_limits(const struct rt_limits *l)
{
	put_limit("memory", &l->memory_bytes, " bytes");
	put_limit("pids", &l->pids, "");
	put_limit("cpu", &l->cpu_millicores, " millicores");
	put_limit("time", &l->time_ms, " ms");
	put_limit("nofile", &l->nofile, "");
	put_limit("fsize", &l->fsize_bytes, " bytes");
}

/* ---- running ------------------------------------------------------------------ */

static int check_bwrap_version(struct run *r)
{
	char err[ERR_SIZE];
	unsigned have[3];
	const unsigned *need = r->bundle.bwrap_min;
	if (rt_bwrap_version(r->bwrap, have, err, sizeof(err)) < 0)
		return refuse("%s", err);
	for (int i = 0; i < 3; i++) {
		if (have[i] > need[i])
			return 0;
		if (have[i] < need[i])
			return refuse("bundle %s needs bwrap %u.%u.%u or newer; %s is %u.%u.%u",
			              r->bundle.name, need[0], need[1], need[2], r->bwrap, have[0],
			              have[1], have[2]);
	}
	return 0;
}

static int seal(struct run *r, const char *name, const void *data, size_t len)
{
	char err[ERR_SIZE];
	int fd = rt_sealed_memfd(name, data, len, err, sizeof(err));
	if (fd >= 0)
		fd = rt_fd_high(fd, err, sizeof(err));
	if (fd < 0)
		refuse("%s", err);
	(void)r;
	return fd;
}

static int high_pipe(int p[2])
{
	char err[ERR_SIZE];
	if (pipe2(p, O_CLOEXEC) < 0)
		return refuse("pipe: %s", strerror(errno));
	p[0] = rt_fd_high(p[0], err, sizeof(err));
	p[1] = p[0] < 0 ? -1 : rt_fd_high(p[1], err, sizeof(err));
	return p[1] < 0 ? refuse("%s", err) : 0;
}

static char *read_self_cgroup(void)
{
	char *text = calloc(1, 8192);
	FILE *f = fopen("/proc/self/cgroup", "re");
	if (text && f && fread(text, 1, 8191, f) == 0)
		text[0] = '\0';
	if (f)
		fclose(f);
	return text ? text : strdup("");
}

/* Who bwrap ran as, for the diagnosis of a start that failed. */
struct bwrap_user {
	const struct run *r;
	bool drop;
	uid_t uid;
	gid_t gid;
};

/* bwrap failed before the command started: when the host is why, say which
 * condition and its fix in one line (hostcheck.h; `cell doctor` says more). */
static bool diagnose_setup(const char *bwrap_stderr, void *ctx)
{
	const struct bwrap_user *u = ctx;
	struct hc_host h;
	struct hc_diagnosis d;
	struct hc_needs n = {.name = u->r->bundle.name,
	                     .proc =
	                         hc_args_mount_proc(u->r->filled_args.data, u->r->filled_args.len)};
	(void)bwrap_stderr; /* the probe is surer than bwrap's wording */
	hc_probe(&h, &(struct hc_probe_options){
	                 .bwrap = u->r->bwrap, .drop = u->drop, .uid = u->uid, .gid = u->gid});
	bool found = hc_diagnose(&h, &n, &d);
	if (found)
		fprintf(stderr,
		        "cellrun: bwrap cannot %s: %s. Fix: %s. Run `cell doctor` for details.\n",
		        d.what, d.cause, d.fix);
	hc_host_free(&h);
	return found;
}

/* Everything from the memfds to the end of the run. */
static int run_sandbox(struct run *r, bool drop, uid_t uid, gid_t gid)
{
	char err[ERR_SIZE];
	int data_fds[RT_MAX_DATA_FDS];
	int status[2] = {-1, -1}, errpipe[2] = {-1, -1};
	size_t n_data = 0;
	int rc = -1;
	int args_fd = seal(r, "cell-args", r->filled_args.data, r->filled_args.len);
	int bpf_fd = seal(r, "cell-filter", r->bundle.pieces[RT_PIECE_BPF].bytes.data,
	                  r->bundle.pieces[RT_PIECE_BPF].bytes.len);
	for (; n_data < r->bundle.n_data; n_data++) {
		const struct rt_bytes *d = &r->bundle.data[n_data].bytes;
		if ((data_fds[n_data] = seal(r, "cell-data", d->data, d->len)) < 0)
			break;
	}
	/* bwrap reports a command it cannot exec only as text on stderr, so
	 * stderr is relayed through a pipe to tell 126/127 from other failures.
	 * A terminal is worth more than that distinction: when stderr is one, the
	 * sandbox gets it as it is and bwrap's own message is what the user sees. */
	bool relay_stderr = !isatty(STDERR_FILENO);
	if (args_fd < 0 || bpf_fd < 0 || n_data < r->bundle.n_data || high_pipe(status) < 0 ||
	    (relay_stderr && high_pipe(errpipe) < 0))
		goto out;

	sigset_t old;
	int sfd = rt_signals_watch(&old);
	if (sfd < 0) {
		refuse("signalfd: %s", strerror(errno));
		goto out_mask;
	}
	char *self_cgroup = read_self_cgroup();
	rc = rt_cgroup_create(&r->limits, "/sys/fs/cgroup", self_cgroup, r->bundle.name, &r->cgroup,
	                      stderr, err, sizeof(err));
	free(self_cgroup);
	if (rc < 0) {
		refuse("%s", err);
		goto out_sfd;
	}
	rc = -1;
	struct rt_launch l = {.bwrap = r->bwrap,
	                      .argv = r->argv,
	                      .args_fd = args_fd,
	                      .filter_fd = bpf_fd,
	                      .status_fd = status[1],
	                      .stderr_fd = errpipe[1],
	                      .data = r->bundle.data,
	                      .data_fds = data_fds,
	                      .n_data = n_data,
	                      .cgroup = r->cgroup,
	                      .limits = &r->limits,
	                      .drop_privileges = drop,
	                      .uid = uid,
	                      .gid = gid,
	                      .child_mask = &old};
	pid_t pid = rt_launch(&l, err, sizeof(err));
	close(status[1]);
	if (errpipe[1] >= 0)
		close(errpipe[1]);
	status[1] = errpipe[1] = -1;
	if (pid < 0) {
		refuse("cannot start bwrap: %s", err);
		goto out_sfd;
	}
	struct rt_watch w = {.bwrap = pid,
	                     .signal_fd = sfd,
	                     .status_fd = status[0],
	                     .stderr_fd = errpipe[0],
	                     .cgroup = r->cgroup,
	                     .time_limit_ms = r->limits.time_ms.set && !r->limits.time_ms.infinite
	                                          ? r->limits.time_ms.value
	                                          : 0,
	                     .memory_limit = r->limits.memory_bytes.value,
	                     .diagnose = diagnose_setup,
	                     .diagnose_ctx = &(struct bwrap_user){r, drop, uid, gid}};
	rt_supervise(&w, &r->outcome);
	status[0] = errpipe[0] = -1; /* closed by rt_supervise */
	rc = 0;
out_sfd:
	close(sfd);
out_mask:
	sigprocmask(SIG_SETMASK, &old, NULL);
out:
	for (int *fd = (int[]){args_fd, bpf_fd, status[0], status[1], errpipe[0], errpipe[1]},
	         i = 0;
	     i < 6; i++)
		if (fd[i] >= 0)
			close(fd[i]);
	for (size_t i = 0; i < n_data; i++)
		close(data_fds[i]);
	return rc;
}

static void write_status_json(const char *path, const struct rt_outcome *o)
{
	FILE *f = fopen(path, "we");
	if (!f) {
		refuse("cannot write --status-json %s: %s", path, strerror(errno));
		return;
	}
	fprintf(f, "{\"exit_code\":%d,\"signal\":", o->exit_code);
	fprintf(f, o->signal ? "%d" : "null", o->signal);
	fprintf(f, ",\"reason\":\"%s\",\"wall_ms\":%llu,\"cpu_ms\":", rt_reason_name(o->reason),
	        (unsigned long long)o->wall_ms);
	fprintf(f, o->have_cpu ? "%llu" : "null", (unsigned long long)o->cpu_ms);
	fprintf(f, ",\"peak_memory_bytes\":");
	fprintf(f, o->have_peak ? "%llu" : "null", (unsigned long long)o->peak_bytes);
	fputs("}\n", f);
	if (fclose(f) != 0)
		refuse("cannot write --status-json %s: %s", path, strerror(errno));
}

static void release(struct run *r)
{
	rt_cgroup_destroy(r->cgroup);
	r->cgroup = NULL;
	rt_bundle_free(&r->bundle);
	free(r->filled_args.data);
	free(r->bwrap);
	free(r->argv);
	free(r->opt.params);
}

/* A setuid-root bwrap makes its namespaces without the caller's user
 * namespaces: then the bwrap tier works, whatever the probe would say. */
static bool setuid_bwrap(const char *option)
{
	char err[256];
	char *bwrap = rt_find_bwrap(option, err, sizeof(err));
	struct stat st;
	bool setuid = bwrap && stat(bwrap, &st) == 0 && st.st_uid == 0 && (st.st_mode & S_ISUID);
	free(bwrap);
	return setuid;
}

/* The Landlock tier, when the policy or --fallback allows it and a probe
 * shows that bwrap's user cannot create a user namespace here. Returns
 * false when the run is bwrap's; else true, the run done (or refused). */
static bool landlock_tier(struct run *r, bool drop, uid_t uid, gid_t gid)
{
	bool allowed = r->opt.fallback ? strcmp(r->opt.fallback, "landlock") == 0
	                               : r->bundle.fallback_landlock;
	if (!allowed || r->opt.strict || setuid_bwrap(r->opt.bwrap))
		return false;
	int userns = rt_userns_probe(drop, uid, gid);
	if (userns <= 0)
		return false;
	char *self_cgroup = read_self_cgroup();
	struct rt_tier_run t = {.bundle = &r->bundle,
	                        .limits = &r->limits,
	                        .command = r->opt.command,
	                        .drop = drop,
	                        .uid = uid,
	                        .gid = gid,
	                        .dry_run = r->opt.dry_run,
	                        .userns_errno = userns,
	                        .self_cgroup = self_cgroup};
	rt_tier_run(&t, &r->outcome);
	free(self_cgroup);
	if (r->opt.dry_run && r->outcome.exit_code == 0)
		put_limits(&r->limits);
	if (r->opt.status_json && !r->opt.dry_run)
		write_status_json(r->opt.status_json, &r->outcome);
	return true;
}

int main(int argc, char **argv)
{
	struct run r = {0};
	char err[ERR_SIZE];
	uid_t uid = 0;
	gid_t gid = 0;
	r.outcome = (struct rt_outcome){.exit_code = EXIT_SETUP, .reason = RT_SETUP_FAILED};
	/* A reader that went away must not kill cellrun mid-run: the sandbox
	 * would be left without its supervisor. */
	signal(SIGPIPE, SIG_IGN);
	if (parse_options(argc, argv, &r.opt) < 0) {
		free(r.opt.params);
		return EXIT_SETUP;
	}
	bool drop = geteuid() == 0 || getuid() == 0;
	int rc = load(&r);
	if (rc == 0 && !drop && r.opt.user)
		rc = refuse(
		    "--user needs cellrun to run as root (it picks the host uid bwrap runs as)");
	if (rc == 0 && drop && rt_resolve_user(r.opt.user, &uid, &gid, err, sizeof(err)) < 0)
		rc = refuse("%s", err);
	if (rc == 0 && landlock_tier(&r, drop, uid, gid)) {
		release(&r);
		return r.outcome.exit_code;
	}
	if (rc == 0 && !(r.bwrap = rt_find_bwrap(r.opt.bwrap, err, sizeof(err))))
		rc = refuse("%s", err);
	if (rc == 0)
		build_argv(&r);
	if (rc == 0 && r.opt.dry_run) {
		dry_run(&r, drop, uid);
		release(&r);
		return 0;
	}
	if (rc == 0)
		rc = check_bwrap_version(&r);
	if (rc == 0)
		run_sandbox(&r, drop, uid, gid);
	if (r.opt.status_json)
		write_status_json(r.opt.status_json, &r.outcome);
	int code = r.outcome.exit_code;
	release(&r);
	return code;
}

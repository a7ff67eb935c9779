/* cmd_lint.c - `cell lint` and `cell check` (see cmd_lint.h). */
#include "cmd_lint.h"
#include "bundle.h"
#include "cli.h"
#include "cmd_test.h"
#include "compile.h"
#include "lint.h"
#include "names.h"
#include "util.h"

#include <dirent.h>
#include <errno.h>
#include <getopt.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

const char cmd_lint_usage[] =
    "usage: cell lint [--format text|json|sarif] [--fail-on error|warning|never]\n"
    "                 [--root DIR] [--host-root DIR] [-p NAME] [-D N=V]... [-I DIR]...\n"
    "                 FILE|DIR...\n"
    "       cell lint --list-rules\n"
    "\n"
    "Reports what in a policy deserves a reviewer's attention: dangerous syscalls\n"
    "allowed without a reason, a permissive default, the hardening baseline left\n"
    "out or overridden, sensitive host paths writable, and more (docs/lint.md).\n"
    "A DIR stands for every .cell, .yaml and .yml file under it, in sorted order.\n"
    "\n"
    "  --format FORMAT      text (the default: file:line:col, the source line and\n"
    "                       a fix), json (one object per finding) or sarif (2.1.0)\n"
    "  --fail-on LEVEL      exit 1 on a finding at or above LEVEL: error, warning\n"
    "                       (the default) or never\n"
    "  --root DIR           SARIF locations are relative to DIR (default: the git\n"
    "                       top-level of the first file, else the current directory)\n"
    "  --host-root DIR      check bind sources against DIR as if it were / (an\n"
    "                       image's root filesystem, a recorded host)\n"
    "  --list-rules         print the rule catalogue and exit\n"
    "  -p, -D, -I           as for 'cell compile'\n"
    "  -h, --help           show this help\n"
    "\n"
    "Suppress a finding with `lint { ignore CL012 because \"...\" }` in the policy, or\n"
    "`# lint: CL012` on the line. Exit status: 0 clean, 1 findings at or above the\n"
    "threshold (or a policy with errors), 2 usage or an unreadable file.\n";

const char cmd_check_usage[] =
    "usage: cell check [--fail-on error|warning|never] [--host-root DIR] [-p NAME]\n"
    "                  [-D N=V]... [-I DIR]... FILE|DIR...\n"
    "\n"
    "One command for CI: compiles every policy in memory, lints it and checks its\n"
    "test blocks, prints the lint findings and any failures, and ends with\n"
    "'N policies: X compiled, Y lint findings, Z tests failed'.\n"
    "A DIR stands for every .cell, .yaml and .yml file under it, in sorted order.\n"
    "\n"
    "  --fail-on LEVEL      lint findings at or above LEVEL fail the check: error,\n"
    "                       warning (the default) or never\n"
    "  --host-root DIR      as for 'cell lint'\n"
    "  -p, -D, -I           as for 'cell compile'\n"
    "  -h, --help           show this help\n"
    "\n"
    "Exit status: 0 everything compiled, no finding at or above the threshold and\n"
    "every test held; 1 otherwise; 2 usage or an unreadable file.\n";

enum { EXIT_FINDINGS = 1, EXIT_USAGE = 2 };
#define FAIL_NEVER 3 /* above every severity */

/* ---- inputs ---------------------------------------------------------------------- */

struct inputs {
	char **paths;
	size_t n, cap;
};

static void inputs_add(struct inputs *in, char *path)
{
	xgrow((void **)&in->paths, &in->cap, in->n + 1, sizeof(*in->paths));
	in->paths[in->n++] = path;
}

static bool is_policy_name(const char *name)
{
	const char *dot = strrchr(name, '.');
	return dot &&
	       (strcmp(dot, ".cell") == 0 || strcmp(dot, ".yaml") == 0 || strcmp(dot, ".yml") == 0);
}

/* Every policy file under `dir`, hidden entries and symbolic links to
 * directories skipped (a link cycle must not hang CI). */
static int walk(const char *dir, struct inputs *in)
{
	DIR *dh = opendir(dir);
	if (!dh) {
		fprintf(stderr, "cell: cannot read '%s': %s\n", dir, strerror(errno));
		return -1;
	}
	int rc = 0;
	struct dirent *e;
	while (rc == 0 && (e = readdir(dh)) != NULL) {
		if (e->d_name[0] == '.')
			continue;
		char *path = xasprintf("%s/%s", dir, e->d_name);
		struct stat st;
		if (lstat(path, &st) == 0 && S_ISDIR(st.st_mode)) {
			rc = walk(path, in);
			free(path);
		} else if (is_policy_name(e->d_name) && stat(path, &st) == 0 &&
		           S_ISREG(st.st_mode)) {
			inputs_add(in, path);
		} else {
			free(path);
		}
	}
	closedir(dh);
	return rc;
}

static int by_path(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Returns 0, or -1 after saying which argument cannot be read. */
static int collect(char **args, int n, struct inputs *in)
{
	for (int i = 0; i < n; i++) {
		struct stat st;
		if (stat(args[i], &st) < 0 || (!S_ISDIR(st.st_mode) && access(args[i], R_OK) < 0)) {
			fprintf(stderr, "cell: cannot read '%s': %s\n", args[i], strerror(errno));
			return -1;
		}
		if (!S_ISDIR(st.st_mode)) {
			inputs_add(in, xstrdup(args[i]));
			continue;
		}
		size_t first = in->n;
		size_t len = strlen(args[i]);
		char *dir = xstrndup(args[i], len > 1 && args[i][len - 1] == '/' ? len - 1 : len);
		int rc = walk(dir, in);
		free(dir);
		if (rc < 0)
			return -1;
		qsort(in->paths + first, in->n - first, sizeof(*in->paths), by_path);
	}
	return 0;
}

static void inputs_free(struct inputs *in)
{
	for (size_t i = 0; i < in->n; i++)
		free(in->paths[i]);
	free(in->paths);
}

/* One linted file and its policies. */
struct linted_file {
	const char *path;
	const struct resolve_options *ro;
	struct resolve_result res;
};

/* ---- a session: the files of one command -------------------------------------------- */

struct session {
	bool check; /* cell check: compile and test too */
	struct cli_policy_args pa;
	enum lint_format format;
	int fail_on;
	const char *root, *host_root;
	struct diag_ctx *d;
	struct lint_run *run;
	struct linted_file *files;
	size_t n_files;
	size_t n_policies, n_compiled;
	bool errors;
	struct expect_counts tests;
};

/* Compiles `p` in memory and checks its tests; true when it compiled. */
static bool compile_and_test(struct session *s, const struct ir_policy *p)
{
	struct bundle b;
	bundle_init(&b, p);
	bool ok = compile_bundle(s->d, &b) == 0;
	if (ok)
		expect_check_policy(s->d, p, &b.bpf, &s->tests);
	bundle_free(&b);
	return ok;
}

static void process_file(struct session *s, struct linted_file *f)
{
	int before = diag_error_count(s->d);
	int rc = resolve_file(s->d, f->path, f->ro, &f->res);
	s->n_policies += f->res.n_policies;
	if (rc != 0) {
		int n = diag_error_count(s->d) - before;
		fprintf(stderr, "cell: %d error%s in %s\n", n, n == 1 ? "" : "s", f->path);
		s->errors = true;
		return;
	}
	for (size_t i = 0; i < f->res.n_policies; i++) {
		const struct ir_policy *p = f->res.policies[i];
		if (s->check && !compile_and_test(s, p)) {
			s->errors = true;
			continue;
		}
		s->n_compiled++;
		lint_run_policy(s->run, p);
	}
}

static int run_session(struct session *s, char **args, int n_args)
{
	struct inputs in = {0};
	if (collect(args, n_args, &in) < 0) {
		inputs_free(&in);
		return EXIT_USAGE;
	}
	char *root = NULL;
	if (s->root && !(root = realpath(s->root, NULL))) {
		fprintf(stderr, "cell: --root '%s': %s\n", s->root, strerror(errno));
		inputs_free(&in);
		return EXIT_USAGE;
	}
	if (!root && in.n)
		root = lint_repository_root(in.paths[0]);
	s->d = diag_new(stderr);
	struct lint_options lo = {.host_root = s->host_root};
	s->run = lint_run_new(&lo);
	s->files = xcalloc(in.n ? in.n : 1, sizeof(*s->files));
	for (size_t i = 0; i < in.n; i++) {
		struct linted_file *f = &s->files[s->n_files++];
		*f = (struct linted_file){.path = in.paths[i], .ro = &s->pa.ro};
		process_file(s, f);
	}
	lint_run_finish(s->run);
	fflush(stderr);
	struct lint_output_options oo = {
	    .format = s->check ? LINT_FORMAT_TEXT : s->format,
	    .color = lint_color_wanted(STDOUT_FILENO),
	    .diag = s->d,
	    .root = root,
	    .summary = !s->check,
	};
	lint_output(stdout, s->run, &oo);
	size_t failing =
	    s->fail_on <= LINT_ERROR ? lint_run_count(s->run, (enum lint_severity)s->fail_on) : 0;
	if (s->check)
		printf("%zu polic%s: %zu compiled, %zu lint finding%s, %zu test%s failed\n",
		       s->n_policies, s->n_policies == 1 ? "y" : "ies", s->n_compiled,
		       lint_run_count(s->run, LINT_NOTE),
		       lint_run_count(s->run, LINT_NOTE) == 1 ? "" : "s", s->tests.failed,
		       s->tests.failed == 1 ? "" : "s");
	fflush(stdout);
	int rc = s->errors || failing || s->tests.failed ? EXIT_FINDINGS : 0;
	for (size_t i = 0; i < s->n_files; i++)
		resolve_result_free(&s->files[i].res);
	free(s->files);
	lint_run_free(s->run);
	diag_free(s->d);
	free(root);
	inputs_free(&in);
	names_cleanup();
	return rc;
}

/* ---- options ---------------------------------------------------------------------- */

enum { OPT_FORMAT = 256, OPT_FAIL_ON, OPT_ROOT, OPT_HOST_ROOT, OPT_LIST };

static int usage(const char *text, const char *fmt, const char *arg)
{
	fputs("cell: ", stderr);
	fprintf(stderr, fmt, arg);
	fputs("\n", stderr);
	fputs(text, stderr);
	return EXIT_USAGE;
}

static int parse_fail_on(const char *s)
{
	static const char *const levels[] = {"note", "warning", "error", "never"};
	for (size_t i = 0; i < ARRAY_SIZE(levels); i++)
		if (strcmp(s, levels[i]) == 0)
			return (int)i;
	return -1;
}

/* Returns -1 to go on, or an exit status. */
static int session_option(struct session *s, int c, const char *arg, const char *text)
{
	if (cli_policy_option(&s->pa, c, arg))
		return -1;
	switch (c) {
	case OPT_FORMAT:
		if (lint_format_parse(arg, &s->format) < 0)
			return usage(text, "unknown --format '%s' (text, json or sarif)", arg);
		return -1;
	case OPT_FAIL_ON:
		s->fail_on = parse_fail_on(arg);
		if (s->fail_on < 0 || s->fail_on == LINT_NOTE)
			return usage(text, "unknown --fail-on '%s' (error, warning or never)", arg);
		return -1;
	case OPT_ROOT:
		s->root = arg;
		return -1;
	case OPT_HOST_ROOT:
		s->host_root = arg;
		return -1;
	case OPT_LIST:
		lint_output_rules(stdout);
		return 0;
	case 'h':
		fputs(text, stdout);
		return 0;
	default:
		fputs(text, stderr);
		return EXIT_USAGE;
	}
}

static int run_command(int argc, char **argv, bool check)
{
	static const struct option lint_options[] = {
	    CLI_POLICY_LONGOPTS,
	    {"format", required_argument, NULL, OPT_FORMAT},
	    {"fail-on", required_argument, NULL, OPT_FAIL_ON},
	    {"root", required_argument, NULL, OPT_ROOT},
	    {"host-root", required_argument, NULL, OPT_HOST_ROOT},
	    {"list-rules", no_argument, NULL, OPT_LIST},
	    {"help", no_argument, NULL, 'h'},
	    {NULL, 0, NULL, 0},
	};
	static const struct option check_options[] = {
	    CLI_POLICY_LONGOPTS,
	    {"fail-on", required_argument, NULL, OPT_FAIL_ON},
	    {"host-root", required_argument, NULL, OPT_HOST_ROOT},
	    {"help", no_argument, NULL, 'h'},
	    {NULL, 0, NULL, 0},
	};
	const char *text = check ? cmd_check_usage : cmd_lint_usage;
	struct session s = {.check = check, .fail_on = LINT_WARNING};
	int c, rc = -1;
	optind = 1;
	while (rc < 0 && (c = getopt_long(argc, argv, CLI_POLICY_SHORTOPTS "h",
	                                  check ? check_options : lint_options, NULL)) != -1)
		rc = session_option(&s, c, optarg, text);
	if (rc < 0 && optind >= argc)
		rc = usage(text, "%s",
		           check ? "check needs a policy file or directory"
		                 : "lint needs a policy file or directory");
	if (rc < 0)
		rc = run_session(&s, argv + optind, argc - optind);
	cli_policy_args_free(&s.pa);
	return rc;
}

int cmd_lint(int argc, char **argv)
{
	return run_command(argc, argv, false);
}

int cmd_check(int argc, char **argv)
{
	return run_command(argc, argv, true);
}

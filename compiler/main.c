/*
 * main.c - the `cell` command line: subcommands, options, exit codes.
 *
 * Exit codes: 0 success, 1 the policy has errors, 2 the command line is wrong
 * (or a file could not be read), 3 out of memory. Everything else lives in
 * the modules; this file only parses arguments and calls them.
 */
#include "cli.h"
#include "cmd_doctor.h"
#include "cmd_explain.h"
#include "cmd_fmt.h"
#include "cmd_lint.h"
#include "cmd_test.h"
#include "compile.h"
#include "diag.h"
#include "embedded.h"
#include "names.h"
#include "resolve.h"
#include "util.h"

#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum { EXIT_POLICY = 1, EXIT_USAGE = 2 };

static const char main_usage[] =
    "usage: cell [--help] [--version] COMMAND [ARGS]\n"
    "\n"
    "cell compiles a sandbox policy into a bundle that bubblewrap loads:\n"
    "a seccomp filter, a bwrap argument file, limits and a manifest.\n"
    "\n"
    "commands:\n"
    "  compile    compile a policy file into bundles\n"
    "  run        compile a policy in memory and run a command under it\n"
    "  test       check a policy's test blocks against its compiled filter\n"
    "  explain    say what a policy grants, or what it does with given calls\n"
    "  fmt        print policies in the canonical layout, or convert to/from YAML\n"
    "  lint       report what in a policy deserves a reviewer's attention\n"
    "  check      compile, lint and test policies: one command for CI\n"
    "  syscalls   list the built-in syscall groups, or the syscalls of one\n"
    "  doctor     check whether this host can run sandboxes, and a policy\n"
    "  help       show help for a command\n"
    "\n"
    "exit status: 0 success, 1 policy errors, 2 usage errors.\n"
    "Run 'cell help COMMAND' for a command's options. The language is described\n"
    "in cell-policy(5) and docs/language.md; the commands in cell(1).\n";

static const char compile_usage[] =
    "usage: cell compile FILE [-o DIR] [-p NAME] [-D NAME=VALUE]... [-I DIR]... [--emit LIST]\n"
    "                    [--depfile FILE]\n"
    "\n"
    "Compiles every policy defined in FILE (or only NAME) and, with -o, writes\n"
    "for each one DIR/NAME.bpf, NAME.args, NAME.limits, NAME.landlock and NAME.manifest.\n"
    "Nothing is written unless every policy compiles without error; files are\n"
    "replaced atomically. Without -o the policies are checked and nothing is\n"
    "written.\n"
    "\n"
    "  -o, --output DIR     write the bundles into DIR (created if missing)\n"
    "  -p, --policy NAME    compile only policy NAME (it may come from an include)\n"
    "  -D, --define N=V     give param N the value V at compile time\n"
    "  -I, --include DIR    search DIR for included files (after the including\n"
    "                       file's own directory)\n"
    "  --emit LIST          also write exports beside each bundle, comma-separated:\n"
    "                       oci (NAME.oci.json, an OCI runtime-spec seccomp profile),\n"
    "                       c (NAME.h), asm (NAME.asm), pfc (NAME.pfc)\n"
    "  --depfile FILE       with -o, also write a make-style dependency file: the\n"
    "                       files written depend on FILE and every file it includes\n"
    "  -q, --quiet          print only diagnostics\n"
    "  -h, --help           show this help\n";

static const char run_usage[] =
    "usage: cell run [POLICY] [-p NAME] [-D N=V]... [-I DIR]... [CELLRUN OPTIONS] -- CMD [ARG]...\n"
    "       cell run --show-default\n"
    "\n"
    "Compiles POLICY in memory and runs CMD under it with cellrun; no file is\n"
    "written. Without POLICY, the embedded default is used: the system\n"
    "read-only, the current directory read-write, a private /tmp, no network,\n"
    "the base syscall set (print it with --show-default).\n"
    "\n"
    "  -p, -D, -I           as for 'cell compile'\n"
    "  --param N=V          fill a param at run time (passed to cellrun)\n"
    "  --bwrap PATH, --user NAME, --status-json FILE, --dry-run, --best-effort,\n"
    "  --fallback landlock|none, --strict\n"
    "                       passed to cellrun; see cellrun --help\n"
    "\n"
    "The exit status is cellrun's: the command's own, 128+N for a signal,\n"
    "124 on timeout, 125 when the sandbox could not be set up.\n";

static const char syscalls_usage[] =
    "usage: cell syscalls [@GROUP]\n"
    "\n"
    "Without an argument, lists the built-in groups with their sizes. With a\n"
    "group, lists its syscalls (nested groups expanded), one per line.\n";

static int usage_error(const char *usage, const char *fmt, const char *arg)
{
	fputs("cell: ", stderr);
	fprintf(stderr, fmt, arg);
	fputs("\n", stderr);
	fputs(usage, stderr);
	return EXIT_USAGE;
}

static int cmd_compile(int argc, char **argv)
{
	static const struct option options[] = {
	    CLI_POLICY_LONGOPTS,
	    {"output", required_argument, NULL, 'o'},
	    {"quiet", no_argument, NULL, 'q'},
	    {"emit", required_argument, NULL, 'E'},
	    {"depfile", required_argument, NULL, 'M'},
	    {"help", no_argument, NULL, 'h'},
	    {NULL, 0, NULL, 0},
	};
	struct cli_policy_args pa = {0};
	struct compile_options co = {0};
	int c, rc = -1;
	optind = 1;
	while (rc < 0 &&
	       (c = getopt_long(argc, argv, CLI_POLICY_SHORTOPTS "o:qh", options, NULL)) != -1) {
		if (cli_policy_option(&pa, c, optarg))
			continue;
		switch (c) {
		case 'o':
			co.out_dir = optarg;
			break;
		case 'q':
			co.quiet = true;
			break;
		case 'E': {
			const char *bad = NULL;
			int mask = compile_parse_emit(optarg, &bad);
			if (mask < 0)
				rc = usage_error(compile_usage,
				                 "unknown --emit kind at '%s' (oci, c, asm, pfc)",
				                 bad);
			else
				co.emit |= (unsigned)mask;
			break;
		}
		case 'M':
			co.depfile = optarg;
			break;
		case 'h':
			fputs(compile_usage, stdout);
			rc = 0;
			break;
		default:
			fputs(compile_usage, stderr);
			rc = EXIT_USAGE;
			break;
		}
	}
	if (rc < 0 && argc - optind != 1) {
		rc = usage_error(compile_usage, "%s",
		                 argc - optind ? "compile takes one policy file"
		                               : "compile needs a policy file");
	} else if (rc < 0 && co.depfile && !co.out_dir) {
		rc = usage_error(compile_usage, "%s",
		                 "--depfile needs -o: it names the files written");
	} else if (rc < 0) {
		co.resolve = pa.ro;
		rc = compile_policy_file(argv[optind], &co, stderr);
	}
	cli_policy_args_free(&pa);
	return rc;
}

/* The cellrun options `cell run` passes through, by getopt code. */
enum {
	OPT_PARAM = 256,
	OPT_BWRAP,
	OPT_USER,
	OPT_STATUS,
	OPT_FALLBACK,
	OPT_DRY,
	OPT_BEST,
	OPT_STRICT,
	OPT_SHOW
};
static const char *const passthrough_names[] = {"--param",       "--bwrap",    "--user",
                                                "--status-json", "--fallback", "--dry-run",
                                                "--best-effort", "--strict"};

static int cmd_run(int argc, char **argv)
{
	static const struct option options[] = {
	    CLI_POLICY_LONGOPTS,
	    {"param", required_argument, NULL, OPT_PARAM},
	    {"bwrap", required_argument, NULL, OPT_BWRAP},
	    {"user", required_argument, NULL, OPT_USER},
	    {"status-json", required_argument, NULL, OPT_STATUS},
	    {"dry-run", no_argument, NULL, OPT_DRY},
	    {"best-effort", no_argument, NULL, OPT_BEST},
	    {"fallback", required_argument, NULL, OPT_FALLBACK},
	    {"strict", no_argument, NULL, OPT_STRICT},
	    {"show-default", no_argument, NULL, OPT_SHOW},
	    {"help", no_argument, NULL, 'h'},
	    {NULL, 0, NULL, 0},
	};
	/* Everything after the first "--" is the command, untouched by getopt. */
	int split = 1;
	while (split < argc && strcmp(argv[split], "--") != 0)
		split++;
	struct cli_policy_args pa = {0};
	const char **passthrough = xcalloc((size_t)argc * 2 + 1, sizeof(*passthrough));
	size_t n_passthrough = 0;
	int c, rc = -1;
	optind = 1;
	while (rc < 0 &&
	       (c = getopt_long(split, argv, CLI_POLICY_SHORTOPTS "h", options, NULL)) != -1) {
		if (cli_policy_option(&pa, c, optarg))
			continue;
		switch (c) {
		case OPT_PARAM:
		case OPT_BWRAP:
		case OPT_USER:
		case OPT_STATUS:
		case OPT_FALLBACK:
			passthrough[n_passthrough++] = passthrough_names[c - OPT_PARAM];
			passthrough[n_passthrough++] = optarg;
			break;
		case OPT_DRY:
		case OPT_BEST:
		case OPT_STRICT:
			passthrough[n_passthrough++] = passthrough_names[c - OPT_PARAM];
			break;
		case OPT_SHOW: {
			const struct embedded_file *f = embedded_find(EMBEDDED_DEFAULT_PATH);
			fwrite(f->text, 1, *f->len, stdout);
			rc = 0;
			break;
		}
		case 'h':
			fputs(run_usage, stdout);
			rc = 0;
			break;
		default:
			fputs(run_usage, stderr);
			rc = EXIT_USAGE;
			break;
		}
	}
	if (rc < 0) {
		const char *policy = optind < split ? argv[optind] : NULL;
		if (split - optind > 1)
			rc = usage_error(run_usage, "run takes at most one policy, not '%s'",
			                 argv[optind + 1]);
		else if (split + 1 >= argc)
			rc = usage_error(run_usage, "%s", "run needs a command after '--'");
		else
			rc = run_policy(policy, &pa.ro, (char *const *)passthrough, n_passthrough,
			                argv + split + 1, stderr);
	}
	cli_policy_args_free(&pa);
	free(passthrough);
	return rc;
}

static int cmd_syscalls(int argc, char **argv)
{
	if (argc > 1 && (strcmp(argv[1], "-h") == 0 || strcmp(argv[1], "--help") == 0)) {
		fputs(syscalls_usage, stdout);
		return 0;
	}
	if (argc > 2)
		return usage_error(syscalls_usage, "%s", "syscalls takes at most one group");
	struct diag_ctx *d = diag_new(stderr);
	char **names = NULL;
	size_t n = 0;
	int rc = 0;
	if (argc == 2) {
		if (resolve_builtin_group_expand(d, argv[1], &names, &n) < 0)
			rc = EXIT_USAGE;
		for (size_t i = 0; rc == 0 && i < n; i++)
			printf("%s\n", names[i]);
	} else {
		if (resolve_builtin_group_names(d, &names, &n) < 0)
			rc = EXIT_POLICY;
		for (size_t i = 0; rc == 0 && i < n; i++) {
			char **members = NULL;
			size_t n_members = 0;
			resolve_builtin_group_expand(d, names[i], &members, &n_members);
			printf("@%-18s %4zu syscalls\n", names[i], n_members);
			resolve_names_free(members, n_members);
		}
	}
	resolve_names_free(names, n);
	diag_free(d);
	names_cleanup();
	return rc;
}

int main(int argc, char **argv)
{
	if (argc < 2)
		return usage_error(main_usage, "%s", "no command given");
	const char *cmd = argv[1];
	if (strcmp(cmd, "--version") == 0 || strcmp(cmd, "-V") == 0) {
		printf("cell %s\n", CELL_VERSION);
		return 0;
	}
	if (strcmp(cmd, "--help") == 0 || strcmp(cmd, "-h") == 0) {
		fputs(main_usage, stdout);
		return 0;
	}
	if (strcmp(cmd, "help") == 0) {
		const char *topic = argc > 2 ? argv[2] : NULL;
		if (!topic)
			fputs(main_usage, stdout);
		else if (strcmp(topic, "compile") == 0)
			fputs(compile_usage, stdout);
		else if (strcmp(topic, "run") == 0)
			fputs(run_usage, stdout);
		else if (strcmp(topic, "test") == 0)
			fputs(cmd_test_usage, stdout);
		else if (strcmp(topic, "explain") == 0)
			fputs(cmd_explain_usage, stdout);
		else if (strcmp(topic, "fmt") == 0)
			fputs(cmd_fmt_usage, stdout);
		else if (strcmp(topic, "lint") == 0)
			fputs(cmd_lint_usage, stdout);
		else if (strcmp(topic, "check") == 0)
			fputs(cmd_check_usage, stdout);
		else if (strcmp(topic, "syscalls") == 0)
			fputs(syscalls_usage, stdout);
		else if (strcmp(topic, "doctor") == 0)
			fputs(cmd_doctor_usage, stdout);
		else
			return usage_error(main_usage, "no help for unknown command '%s'", topic);
		return 0;
	}
	if (strcmp(cmd, "compile") == 0)
		return cmd_compile(argc - 1, argv + 1);
	if (strcmp(cmd, "run") == 0)
		return cmd_run(argc - 1, argv + 1);
	if (strcmp(cmd, "test") == 0)
		return cmd_test(argc - 1, argv + 1);
	if (strcmp(cmd, "explain") == 0)
		return cmd_explain(argc - 1, argv + 1);
	if (strcmp(cmd, "fmt") == 0)
		return cmd_fmt(argc - 1, argv + 1);
	if (strcmp(cmd, "lint") == 0)
		return cmd_lint(argc - 1, argv + 1);
	if (strcmp(cmd, "check") == 0)
		return cmd_check(argc - 1, argv + 1);
	if (strcmp(cmd, "syscalls") == 0)
		return cmd_syscalls(argc - 1, argv + 1);
	if (strcmp(cmd, "doctor") == 0)
		return cmd_doctor(argc - 1, argv + 1);
	static const char *const commands[] = {"compile", "run",      "test",   "explain", "lint",
	                                       "check",   "syscalls", "doctor", "fmt",     "help"};
	const char *best = diag_suggest(cmd, commands, ARRAY_SIZE(commands));
	if (best) {
		fprintf(stderr, "cell: unknown command '%s'; did you mean '%s'?\n", cmd, best);
		return EXIT_USAGE;
	}
	return usage_error(main_usage, "unknown command '%s'", cmd);
}

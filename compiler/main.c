/*
 * main.c - the `cell` command line: subcommands, options, exit codes.
 *
 * Exit codes: 0 success, 1 the policy has errors, 2 the command line is wrong
 * (or a file could not be read), 3 out of memory. Everything else lives in
 * the modules; this file only parses arguments and calls them.
 */
#include "compile.h"
#include "diag.h"
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
    "  syscalls   list the built-in syscall groups, or the syscalls of one\n"
    "  help       show help for a command\n"
    "\n"
    "exit status: 0 success, 1 policy errors, 2 usage errors.\n"
    "Run 'cell help COMMAND' for a command's options. The language is described\n"
    "in docs/language.md.\n";

static const char compile_usage[] =
    "usage: cell compile FILE [-o DIR] [-p NAME] [-D NAME=VALUE]... [-I DIR]...\n"
    "\n"
    "Compiles every policy defined in FILE (or only NAME) and, with -o, writes\n"
    "for each one DIR/NAME.bpf, NAME.args, NAME.limits and NAME.manifest.\n"
    "Nothing is written unless every policy compiles without error; files are\n"
    "replaced atomically. Without -o the policies are checked and nothing is\n"
    "written.\n"
    "\n"
    "  -o, --output DIR     write the bundles into DIR (created if missing)\n"
    "  -p, --policy NAME    compile only policy NAME (it may come from an include)\n"
    "  -D, --define N=V     give param N the value V at compile time\n"
    "  -I, --include DIR    search DIR for included files (after the including\n"
    "                       file's own directory)\n"
    "  -q, --quiet          print only diagnostics\n"
    "  -h, --help           show this help\n";

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

struct string_list {
	const char **items;
	size_t n;
};

static void string_list_add(struct string_list *l, const char *s)
{
	l->items = xrealloc(l->items, (l->n + 1) * sizeof(*l->items));
	l->items[l->n++] = s;
}

static int cmd_compile(int argc, char **argv)
{
	static const struct option options[] = {
	    {"output", required_argument, NULL, 'o'}, {"policy", required_argument, NULL, 'p'},
	    {"define", required_argument, NULL, 'D'}, {"include", required_argument, NULL, 'I'},
	    {"quiet", no_argument, NULL, 'q'},	      {"help", no_argument, NULL, 'h'},
	    {NULL, 0, NULL, 0},
	};
	struct string_list defines = {0}, includes = {0};
	struct compile_options co = {0};
	int c;
	optind = 1;
	while ((c = getopt_long(argc, argv, "o:p:D:I:qh", options, NULL)) != -1) {
		switch (c) {
		case 'o':
			co.out_dir = optarg;
			break;
		case 'p':
			co.resolve.only_policy = optarg;
			break;
		case 'D':
			string_list_add(&defines, optarg);
			break;
		case 'I':
			string_list_add(&includes, optarg);
			break;
		case 'q':
			co.quiet = true;
			break;
		case 'h':
			fputs(compile_usage, stdout);
			free(defines.items);
			free(includes.items);
			return 0;
		default:
			free(defines.items);
			free(includes.items);
			fputs(compile_usage, stderr);
			return EXIT_USAGE;
		}
	}
	int rc;
	if (argc - optind != 1) {
		rc = usage_error(compile_usage, "%s", argc - optind ? "compile takes one policy file"
								   : "compile needs a policy file");
	} else {
		co.resolve.defines = defines.items;
		co.resolve.n_defines = defines.n;
		co.resolve.include_dirs = includes.items;
		co.resolve.n_include_dirs = includes.n;
		rc = compile_policy_file(argv[optind], &co, stderr);
	}
	free(defines.items);
	free(includes.items);
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
		else if (strcmp(topic, "syscalls") == 0)
			fputs(syscalls_usage, stdout);
		else
			return usage_error(main_usage, "no help for unknown command '%s'", topic);
		return 0;
	}
	if (strcmp(cmd, "compile") == 0)
		return cmd_compile(argc - 1, argv + 1);
	if (strcmp(cmd, "syscalls") == 0)
		return cmd_syscalls(argc - 1, argv + 1);
	static const char *const commands[] = {"compile", "syscalls", "help"};
	const char *best = diag_suggest(cmd, commands, ARRAY_SIZE(commands));
	if (best) {
		fprintf(stderr, "cell: unknown command '%s'; did you mean '%s'?\n", cmd, best);
		return EXIT_USAGE;
	}
	return usage_error(main_usage, "unknown command '%s'", cmd);
}

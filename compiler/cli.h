/*
 * cli.h - the options every subcommand that reads a policy shares:
 * -p NAME, -D NAME=VALUE and -I DIR. Each subcommand puts CLI_POLICY_LONGOPTS
 * in its option table and CLI_POLICY_SHORTOPTS in its option string, and
 * hands every option it does not handle itself to cli_policy_option().
 */
#ifndef CELL_CLI_H
#define CELL_CLI_H

#include "resolve.h"

#include <getopt.h>
#include <stdbool.h>

#define CLI_POLICY_SHORTOPTS "p:D:I:"
#define CLI_POLICY_LONGOPTS                                                                        \
	{"policy", required_argument, NULL, 'p'}, {"define", required_argument, NULL, 'D'},        \
	{                                                                                          \
		"include", required_argument, NULL, 'I'                                            \
	}

struct cli_policy_args {
	struct resolve_options ro; /* points into the lists below */
	const char **defines;
	const char **includes;
};

/* Takes option `c` with its argument when it is -p, -D or -I, and returns
 * true; returns false for any other option. */
bool cli_policy_option(struct cli_policy_args *a, int c, const char *arg);
void cli_policy_args_free(struct cli_policy_args *a);

#endif

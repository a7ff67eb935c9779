/* cli.c - the -p, -D and -I options shared by the subcommands. */
#include "cli.h"
#include "util.h"

#include <stdlib.h>

static const char **list_add(const char **list, size_t *n, const char *s)
{
	list = xrealloc(list, (*n + 1) * sizeof(*list));
	list[(*n)++] = s;
	return list;
}

bool cli_policy_option(struct cli_policy_args *a, int c, const char *arg)
{
	switch (c) {
	case 'p':
		a->ro.only_policy = arg;
		return true;
	case 'D':
		a->defines = list_add(a->defines, &a->ro.n_defines, arg);
		a->ro.defines = a->defines;
		return true;
	case 'I':
		a->includes = list_add(a->includes, &a->ro.n_include_dirs, arg);
		a->ro.include_dirs = a->includes;
		return true;
	default:
		return false;
	}
}

void cli_policy_args_free(struct cli_policy_args *a)
{
	free(a->defines);
	free(a->includes);
	*a = (struct cli_policy_args){0};
}

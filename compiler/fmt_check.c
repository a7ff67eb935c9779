/*
 * fmt_check.c - `cell fmt`'s read-back check (see fmt_check.h).
 */
#include "fmt_check.h"

#include "yaml_front.h"

bool fmt_reads_back(const struct ast_file *f, const char *text, size_t len, bool yaml, bool exact,
                    struct diag_ctx *d, struct ast_file **again)
{
	int errors = diag_error_count(d);
	const char *path =
	    diag_add_source(d, yaml ? "(formatted).yaml" : "(formatted).cell", text, len);
	struct ast_file *g =
	    yaml ? parse_policy_yaml(d, path, text, len) : parse_policy_text(d, path, text, len);
	bool ok = diag_error_count(d) == errors && (!exact || ast_same_tree(f, g));
	if (again)
		*again = g;
	else
		ast_file_free(g);
	return ok;
}

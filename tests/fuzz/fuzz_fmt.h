/*
 * fuzz_fmt.h - the `cell fmt` properties both fuzz targets check on every
 * input that parses without error. A violation aborts, which libFuzzer
 * reports with the input:
 *  - the .cell text printed from a .cell tree passes `cell fmt`'s own
 *    read-back check (fmt_reads_back: parses without error to the same
 *    tree, ast_same_tree) and prints to the same text again (idempotence);
 *  - the .cell text printed from a YAML tree, when the printer accepts the
 *    tree (some YAML values have no .cell spelling), does the same, to the
 *    same tree when the printer says it is exact;
 *  - the YAML printed from either tree, when the printer accepts it (YAML
 *    refuses a name defined twice), reads back without error, to the same
 *    tree when the printer says it is exact, and YAML printed from YAML is
 *    idempotent.
 */
#ifndef CELL_FUZZ_FMT_H
#define CELL_FUZZ_FMT_H

#include "ast.h"
#include "diag.h"
#include "fmt_cell.h"
#include "fmt_check.h"
#include "fmt_yaml.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Prints `f` (parsed from text/len) in one format; false when the printer
 * refuses the tree. */
static bool fuzz_print(FILE *sink, const struct ast_file *f, const char *text, size_t len,
                       bool yaml_in, bool yaml_out, struct buf *out, bool *exact)
{
	struct diag_ctx *d = diag_new(sink);
	struct fmt_source src = {text, len, yaml_in};
	bool ok = yaml_out ? fmt_yaml_print(f, &src, d, out, exact)
	                   : fmt_cell_print(f, &src, d, out, exact);
	diag_free(d);
	return ok;
}

static void fuzz_fmt_one(FILE *sink, const struct ast_file *f, const char *text, size_t len,
                         bool yaml_in, bool yaml_out)
{
	struct buf out, again;
	buf_init(&out);
	buf_init(&again);
	bool exact = false;
	if (!fuzz_print(sink, f, text, len, yaml_in, yaml_out, &out, &exact)) {
		/* Only .cell from .cell must always print. */
		if (!yaml_in && !yaml_out)
			abort();
		buf_free(&out);
		return;
	}
	struct diag_ctx *d = diag_new(sink);
	struct ast_file *g = NULL;
	if (!fmt_reads_back(f, out.data, out.len, yaml_out, exact, d, &g))
		abort();
	if (yaml_in == yaml_out) {
		bool ignored;
		if (!fuzz_print(sink, g, out.data, out.len, yaml_out, yaml_out, &again, &ignored) ||
		    again.len != out.len || (out.len && memcmp(again.data, out.data, out.len) != 0))
			abort();
	}
	ast_file_free(g);
	diag_free(d);
	buf_free(&out);
	buf_free(&again);
}

static void fuzz_fmt_check(FILE *sink, const struct ast_file *f, const char *text, size_t len,
                           bool yaml_in)
{
	fuzz_fmt_one(sink, f, text, len, yaml_in, false);
	fuzz_fmt_one(sink, f, text, len, yaml_in, true);
}

#endif

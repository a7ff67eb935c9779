/*
 * fmt_check.h - the check `cell fmt` makes on its own output before it
 * prints or writes anything: the text parses without error, and to the
 * input's tree (ast_same_tree: locations and comments aside) unless the
 * printer said a word had to change kind.
 *
 * cmd_fmt.c runs it on every file it formats, and the fuzz targets
 * (tests/fuzz/fuzz_fmt.h) run the same function, so that what they test is
 * what users run.
 */
#ifndef CELL_FMT_CHECK_H
#define CELL_FMT_CHECK_H

#include "ast.h"
#include "diag.h"

#include <stdbool.h>
#include <stddef.h>

/* Parses text[0..len), printed from `f` (as YAML when `yaml`), interned in
 * `d` as "(formatted).cell" or "(formatted).yaml", with its errors reported
 * to `d`. True when it parses without error and, when `exact` (the
 * printer's *exact), to f's tree. *again (may be NULL) receives the tree
 * read back, which the caller frees before `d`; without it, it is freed
 * here. */
bool fmt_reads_back(const struct ast_file *f, const char *text, size_t len, bool yaml, bool exact,
                    struct diag_ctx *d, struct ast_file **again);

#endif

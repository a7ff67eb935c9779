/*
 * fmt_cell.h - a syntax tree printed as canonical .cell text: the `cell fmt`
 * layout, with every comment kept.
 *
 * The canonical layout, all of it decided by the tree (so that formatting is
 * idempotent), except blank lines and comments, which come from the source
 * text (fmt_comments.h):
 *  - two spaces of indentation per level, one statement per line, sections
 *    in source order, inside a syscalls section the default first, then the
 *    section's groups, then the rules in order (neither a default nor a
 *    group depends on where it is written);
 *  - one blank line between top-level items, except between consecutive
 *    includes or consecutive consts, which keep the source's choice; inside
 *    a block, a blank line where the source had one or more, never after '{'
 *    or before '}';
 *  - lists with ", " (targets, bases, arch, lint ids, group members); a
 *    group longer than 100 columns is filled over several lines; a rule
 *    longer than 100 columns puts its `if` and its `because` on lines of
 *    their own, indented once more;
 *  - runs of consecutive statements (no blank line or comment between)
 *    align: fs keywords, rule verbs, the `->` of syscall expectations (those
 *    no longer than 40 columns up to the arrow), and trailing comments,
 *    which start two spaces after the longest line of their run;
 *  - words as written: numbers keep their units and base, paths and
 *    identifiers are bare, strings are quoted with the language's escapes
 *    (\" \\ \n \t \r \0 \xHH for other control bytes); `tmpfs` options are
 *    written size first; an empty block is `{}`.
 *
 * A tree read from YAML can hold what the language cannot write (a reserved
 * word as a limit value, a `requires` tool that is not a name). A word that
 * only needs quotes is quoted (it becomes a string: `hostname "none"`);
 * anything else is an error at the construct, and nothing is printed.
 */
#ifndef CELL_FMT_CELL_H
#define CELL_FMT_CELL_H

#include "ast.h"
#include "diag.h"
#include "fmt_comments.h"
#include "util.h"

#include <stdbool.h>
#include <stddef.h>

/* Longest line the layout aims for, in columns. */
#define FMT_WIDTH 100

/* Appends `f` as .cell text to `out`. `src` is the text `f` was parsed from
 * (comments and blank lines; may be NULL). Returns false after reporting an
 * error to `d`; `out` is then unspecified. *exact (may be NULL) is set to
 * whether the text parses back to the same tree (false only when a word had
 * to be quoted). */
bool fmt_cell_print(const struct ast_file *f, const struct fmt_source *src, struct diag_ctx *d,
                    struct buf *out, bool *exact);

/* The small constructs YAML also writes in the language's syntax. */
void fmt_expr(const struct ast_expr *e, struct buf *out);           /* parentheses as fmt.md says */
void fmt_target(const struct ast_target *t, struct buf *out);       /* optional ioctl(fd, cmd) */
void fmt_member(const struct ast_group_member *m, struct buf *out); /* !optional @group */
/* How many '(' and '!' deep the text of fmt_expr(e) goes: the YAML reader
 * counts both against its limit of AST_EXPR_MAX_DEPTH. */
int fmt_expr_nesting(const struct ast_expr *e);
/* Length of the valid UTF-8 sequence at s[0..n) (the lexer's definition), or 0. */
size_t fmt_utf8_len(const unsigned char *s, size_t n);

#endif

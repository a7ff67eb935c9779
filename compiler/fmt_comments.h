/*
 * fmt_comments.h - where the comments and blank lines of a policy file go
 * when `cell fmt` prints the file again (as .cell or as YAML).
 *
 * The tree (ast.h) keeps comments apart from the statements, in
 * ast_file.comments, each with its location. This module decides, once, which
 * construct each comment belongs to, so that both printers (fmt_cell.h,
 * fmt_yaml.h) only have to ask "what goes around this node?".
 *
 * Anchors. Every construct the printers put on a line of its own is an
 * anchor: each top-level item, each policy section or declaration, each
 * statement inside a section (an fs statement, a rule, a group, a default, a
 * limit, ...). A construct with braces (a policy, an fs or syscalls section,
 * ...) is two anchors: its opening line (FMT_OPEN) and its closing brace
 * (FMT_CLOSE). Each anchor has a position in the source: the location of its
 * first token; a closing brace's is found in the source text.
 *
 * Placement, decided from the source text:
 *  - a trailing comment (code before it on its line) belongs to the first
 *    anchor that starts on that line, or else to the statement that the line
 *    continues. It stays on the anchor's first line when it was on the
 *    anchor's first source line (`# lint: ID` suppressions are per line);
 *  - an own-line comment belongs to the next anchor, before which it is
 *    printed at that anchor's indentation; before a closing brace it is the
 *    block's last comment, printed inside the block. One written inside a
 *    statement that spans lines goes before that statement. Comments after
 *    the last anchor end the file.
 *  - blank lines: an anchor or an own-line comment has a blank line before
 *    it when the source has a line of only white space between it and the
 *    previous anchor or own-line comment. The printers keep one such blank
 *    line, except at the start and end of a block.
 *
 * YAML sources. libyaml drops comments, so the only comments of a tree read
 * from YAML are the `# lint: ID` ones that yaml_front.c makes from a rule's
 * `lint:` key, located at the rule: each stays a trailing comment of the
 * anchor at its exact location. Blank lines are read from the YAML text the
 * same way, so that they survive cell -> yaml -> cell.
 */
#ifndef CELL_FMT_COMMENTS_H
#define CELL_FMT_COMMENTS_H

#include "ast.h"

#include <stdbool.h>
#include <stddef.h>

/* The text a tree was parsed from. */
struct fmt_source {
	const char *text; /* NULL: no text (no blank lines, comments by location) */
	size_t len;
	bool yaml; /* parsed by parse_policy_yaml() */
};

enum fmt_part { FMT_WHOLE, FMT_OPEN, FMT_CLOSE };

/* An own-line comment, and whether a blank line comes before it. */
struct fmt_leading {
	const struct ast_comment *comment;
	bool blank_before;
};

/* What goes around one anchor. Comments are in source order. */
struct fmt_note {
	struct fmt_leading *leading; /* own-line comments printed before it */
	size_t n_leading;
	bool blank_before;                  /* a blank line between the comments and it */
	const struct ast_comment *trailing; /* on the anchor's first source line */
	const struct ast_comment **later;   /* trailing comments on its later lines */
	size_t n_later;
};

struct fmt_comments;

/* Places every comment of `f`. Never fails; `src` may have NULL text. */
struct fmt_comments *fmt_comments_build(const struct ast_file *f, const struct fmt_source *src);
void fmt_comments_free(struct fmt_comments *m);

/* The note of anchor (`node`, `part`); an empty note for a node that is not an
 * anchor. `node` is the tree node the anchor stands for: the ast_item of an
 * item (FMT_OPEN/FMT_CLOSE for a policy, FMT_WHOLE otherwise), the ast_body
 * of a section (FMT_OPEN/FMT_CLOSE for a section with braces), the
 * statement's own node otherwise (the ast_action of a default). */
const struct fmt_note *fmt_comments_at(const struct fmt_comments *m, const void *node,
                                       enum fmt_part part);
/* The comments after the last anchor, as the leading comments of the end. */
const struct fmt_note *fmt_comments_end(const struct fmt_comments *m);

/* Whether a section of this kind is written with braces. */
bool fmt_body_has_block(enum ast_body_kind kind);

/* The comment's text as printed: without trailing white space (a CR of a
 * CRLF file included). Returns the length to print of c->text. */
size_t fmt_comment_len(const struct ast_comment *c);

#endif

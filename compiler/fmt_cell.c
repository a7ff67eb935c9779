/*
 * fmt_cell.c - the canonical .cell printer (see fmt_cell.h for the layout).
 *
 * Printing happens in two steps. The tree walk turns every construct into
 * lines (struct line: an indentation, an optional aligned head, the text, a
 * trailing comment, flags), with comments placed by fmt_comments.h. The
 * render step then aligns heads and trailing comments within runs of
 * consecutive lines and writes the text, so alignment depends on nothing
 * but the lines themselves.
 *
 * Every switch over a kind of the tree lists every case and has no
 * `default`: a new kind in ast.h is a compile error here until it is printed.
 */
#include "fmt_cell.h"

#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

/* Heads that align with their neighbours' (a run is one class). */
enum align { ALIGN_NONE, ALIGN_FS, ALIGN_RULE, ALIGN_EXPECT };

/* Widest `expect CALL` that takes part in aligning the arrows. */
#define EXPECT_ALIGN_MAX 40

struct line {
	int indent;
	enum align align;
	char *head; /* aligned within its run, or NULL */
	char *text; /* after the head and one space; or the whole line */
	const struct ast_comment *comment;
	bool blank;      /* a blank line before this one */
	bool cont;       /* continues the statement above */
	bool opens;      /* ends with '{' */
	bool closes;     /* is a '}' */
	bool is_comment; /* an own-line comment: `comment` is it */
	size_t width;    /* rendered width without the comment */
};

struct printer {
	struct line *lines;
	size_t n, cap;
	const struct fmt_comments *cm;
	struct diag_ctx *d;
	bool failed;
	bool exact; /* no word changed kind */
};

/* One statement as lines: the first, then continuations. */
struct cont {
	int indent;
	char *text;
};

struct stmt {
	enum align align;
	char *head;
	char *text;
	struct cont *cont;
	size_t n_cont, cap_cont;
	bool opens;
};

static void stmt_cont(struct stmt *s, int indent, char *text)
{
	xgrow((void **)&s->cont, &s->cap_cont, s->n_cont + 1, sizeof(*s->cont));
	s->cont[s->n_cont++] = (struct cont){indent, text};
}

static void report(struct printer *p, struct src_loc loc, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static void report(struct printer *p, struct src_loc loc, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	diag_report(p->d, DIAG_ERROR, loc, fmt, ap);
	va_end(ap);
	p->failed = true;
}

static struct line *line_new(struct printer *p, int indent)
{
	xgrow((void **)&p->lines, &p->cap, p->n + 1, sizeof(*p->lines));
	struct line *l = &p->lines[p->n++];
	memset(l, 0, sizeof(*l));
	l->indent = indent;
	return l;
}

static char *take(struct buf *b)
{
	char *s = xstrdup(buf_cstr(b));
	buf_free(b);
	return s;
}

/* ---- strings ------------------------------------------------------------------------------ */

size_t fmt_utf8_len(const unsigned char *s, size_t n)
{
	if (n >= 2 && s[0] >= 0xc2 && s[0] <= 0xdf && (s[1] & 0xc0) == 0x80)
		return 2;
	if (n >= 3 && (s[1] & 0xc0) == 0x80 && (s[2] & 0xc0) == 0x80) {
		if ((s[0] == 0xe0 && s[1] >= 0xa0) || (s[0] >= 0xe1 && s[0] <= 0xec) ||
		    s[0] == 0xee || s[0] == 0xef || (s[0] == 0xed && s[1] <= 0x9f))
			return 3;
	}
	if (n >= 4 && (s[1] & 0xc0) == 0x80 && (s[2] & 0xc0) == 0x80 && (s[3] & 0xc0) == 0x80) {
		if ((s[0] == 0xf0 && s[1] >= 0x90) || (s[0] >= 0xf1 && s[0] <= 0xf3) ||
		    (s[0] == 0xf4 && s[1] <= 0x8f))
			return 4;
	}
	return 0;
}

static void put_string(struct buf *b, const char *s, size_t len)
{
	static const char hex[] = "0123456789abcdef";
	buf_puts(b, "\"");
	for (size_t i = 0; i < len; i++) {
		unsigned char c = (unsigned char)s[i];
		const char *esc = c == '"'    ? "\\\""
		                  : c == '\\' ? "\\\\"
		                  : c == '\n' ? "\\n"
		                  : c == '\t' ? "\\t"
		                  : c == '\r' ? "\\r"
		                  : c == 0    ? "\\0"
		                              : NULL;
		size_t seq = c >= 0x80 ? fmt_utf8_len((const unsigned char *)s + i, len - i) : 0;
		if (esc) {
			buf_puts(b, esc);
		} else if (seq) {
			buf_append(b, s + i, seq);
			i += seq - 1;
		} else if (c < 0x20 || c >= 0x7f) {
			char x[5] = {'\\', 'x', hex[c >> 4], hex[c & 15], 0};
			buf_puts(b, x);
		} else {
			buf_append(b, s + i, 1);
		}
	}
	buf_puts(b, "\"");
}

/* ---- words and names --------------------------------------------------------------------- */

enum {
	W_IDENT = 1,
	W_STRING = 2,
	W_PATH = 4,
	W_NUMBER = 8,
	W_NONE = 16, /* the keyword `none` is accepted here */
};

static const char *word_kind_text(enum ast_word_kind kind)
{
	switch (kind) {
	case AST_WORD_IDENT:
		return "a name";
	case AST_WORD_STRING:
		return "a string";
	case AST_WORD_PATH:
		return "a path";
	case AST_WORD_NUMBER:
		return "a number";
	}
	return "a word";
}

static unsigned word_bit(enum ast_word_kind kind)
{
	switch (kind) {
	case AST_WORD_IDENT:
		return W_IDENT;
	case AST_WORD_STRING:
		return W_STRING;
	case AST_WORD_PATH:
		return W_PATH;
	case AST_WORD_NUMBER:
		return W_NUMBER;
	}
	return 0;
}

/* Whether w, as written bare, is read back as the same word. */
static bool word_is_bare(const struct ast_word *w)
{
	int lexed = ast_lex_kind(w->text, w->len);
	switch (w->kind) {
	case AST_WORD_IDENT:
		return lexed == AST_WORD_IDENT && !ast_is_reserved(w->text, w->len);
	case AST_WORD_PATH:
		return lexed == AST_WORD_PATH;
	case AST_WORD_NUMBER:
		return lexed == AST_WORD_NUMBER;
	case AST_WORD_STRING:
		return false;
	}
	return false;
}

/* Appends w where the grammar accepts the kinds in `allow` (W_*). A word that
 * cannot be written bare is quoted where a string is accepted. */
/* A string token; one longer than the lexer accepts is an error. */
static void put_string_token(struct printer *p, struct buf *b, const char *s, size_t len,
                             struct src_loc loc)
{
	size_t start = b->len;
	put_string(b, s, len);
	if (b->len - start > AST_TOKEN_MAX)
		report(p, loc,
		       "this string is %zu bytes long once quoted and escaped; the language "
		       "takes at most %d",
		       b->len - start, AST_TOKEN_MAX);
}

static void put_word(struct printer *p, struct buf *b, const struct ast_word *w, unsigned allow,
                     const char *what)
{
	if (w->kind == AST_WORD_STRING && (allow & W_STRING)) {
		put_string_token(p, b, w->text, w->len, w->loc);
	} else if ((allow & word_bit(w->kind)) && word_is_bare(w)) {
		buf_puts(b, w->text);
	} else if ((allow & W_NONE) && w->kind == AST_WORD_IDENT && strcmp(w->text, "none") == 0) {
		buf_puts(b, "none");
	} else if (allow & W_STRING) {
		put_string_token(p, b, w->text, w->len, w->loc);
		p->exact = false;
	} else {
		report(p, w->loc, "%s cannot be %s '%s' in the policy language", what,
		       word_kind_text(w->kind), w->text);
	}
}

/* Appends the words of a list, separated. */
static void put_words(struct printer *p, struct buf *b, const struct ast_word *w, unsigned allow,
                      const char *sep, const char *what)
{
	for (; w; w = w->next) {
		put_word(p, b, w, allow, what);
		if (w->next)
			buf_puts(b, sep);
	}
}

/* A name is an identifier, not reserved (but kill, time and link may be
 * syscall names); one from YAML may not be, which is an error. */
static void check_name(struct printer *p, const char *name, bool syscall, struct src_loc loc,
                       const char *what)
{
	if (ast_name_check(name, strlen(name), syscall ? AST_NAME_SYSCALL : AST_NAME_PLAIN) !=
	    AST_NAME_OK)
		report(p, loc, "%s '%s' is not a name the policy language can write", what, name);
}

static void put_name(struct printer *p, struct buf *b, const char *name, bool syscall,
                     struct src_loc loc, const char *what)
{
	check_name(p, name, syscall, loc, what);
	buf_puts(b, name);
}

/* ---- expressions, targets, members ------------------------------------------------------- */

static int expr_prec(enum ast_expr_kind kind)
{
	switch (kind) {
	case AST_EXPR_OR:
		return 1;
	case AST_EXPR_AND:
		return 2;
	case AST_EXPR_NOT:
		return 3;
	case AST_EXPR_CMP:
	case AST_EXPR_IN:
		return 4;
	case AST_EXPR_BITOR:
		return 5;
	case AST_EXPR_BITAND:
		return 6;
	case AST_EXPR_IDENT:
	case AST_EXPR_NUMBER:
		return 7;
	}
	return 7;
}

/* Parentheses where the operand binds looser than its place needs (`min`);
 * binary operators are left-associative. The operand of '!' is always in
 * parentheses unless it is a single name, number or '!': `!a == b` means
 * `!(a == b)` in the grammar, which nobody should have to remember. */
static void put_expr(struct buf *b, const struct ast_expr *e, int min)
{
	bool paren = expr_prec(e->kind) < min;
	if (paren)
		buf_puts(b, "(");
	switch (e->kind) {
	case AST_EXPR_OR:
	case AST_EXPR_AND:
	case AST_EXPR_BITOR:
	case AST_EXPR_BITAND: {
		int prec = expr_prec(e->kind);
		put_expr(b, e->lhs, prec);
		buf_puts(b, e->kind == AST_EXPR_OR      ? " || "
		            : e->kind == AST_EXPR_AND   ? " && "
		            : e->kind == AST_EXPR_BITOR ? " | "
		                                        : " & ");
		put_expr(b, e->rhs, prec + 1);
		break;
	}
	case AST_EXPR_NOT: {
		int inner = expr_prec(e->lhs->kind);
		buf_puts(b, "!");
		put_expr(b, e->lhs, inner >= 7 || e->lhs->kind == AST_EXPR_NOT ? 0 : 8);
		break;
	}
	case AST_EXPR_CMP:
		put_expr(b, e->lhs, 5);
		buf_printf(b, " %s ", ast_cmp_op_text(e->op));
		put_expr(b, e->rhs, 5);
		break;
	case AST_EXPR_IN:
		put_expr(b, e->lhs, 5);
		buf_puts(b, " in (");
		for (const struct ast_expr *v = e->list; v; v = v->next) {
			put_expr(b, v, 0);
			if (v->next)
				buf_puts(b, ", ");
		}
		buf_puts(b, ")");
		break;
	case AST_EXPR_IDENT:
	case AST_EXPR_NUMBER:
		buf_puts(b, e->text);
		break;
	}
	if (paren)
		buf_puts(b, ")");
}

void fmt_expr(const struct ast_expr *e, struct buf *out)
{
	put_expr(out, e, 0);
}

/* The nesting of put_expr(e, min)'s text; keep the two in step. */
static int nesting(const struct ast_expr *e, int min)
{
	int own = (expr_prec(e->kind) < min) + (e->kind == AST_EXPR_NOT), deepest = 0, d;
	int prec = expr_prec(e->kind);
	switch (e->kind) {
	case AST_EXPR_OR:
	case AST_EXPR_AND:
	case AST_EXPR_BITOR:
	case AST_EXPR_BITAND:
		deepest = nesting(e->lhs, prec);
		if ((d = nesting(e->rhs, prec + 1)) > deepest)
			deepest = d;
		break;
	case AST_EXPR_NOT:
		deepest = nesting(
		    e->lhs, expr_prec(e->lhs->kind) >= 7 || e->lhs->kind == AST_EXPR_NOT ? 0 : 8);
		break;
	case AST_EXPR_CMP:
		deepest = nesting(e->lhs, 5);
		if ((d = nesting(e->rhs, 5)) > deepest)
			deepest = d;
		break;
	case AST_EXPR_IN:
		deepest = nesting(e->lhs, 5);
		for (const struct ast_expr *v = e->list; v; v = v->next)
			if ((d = nesting(v, 0)) > deepest)
				deepest = d;
		break;
	case AST_EXPR_IDENT:
	case AST_EXPR_NUMBER:
		break;
	}
	return own + deepest;
}

int fmt_expr_nesting(const struct ast_expr *e)
{
	return nesting(e, 0);
}

void fmt_target(const struct ast_target *t, struct buf *out)
{
	buf_printf(out, "%s%s%s", t->optional ? "optional " : "", t->is_group ? "@" : "", t->name);
	if (!t->has_parens)
		return;
	buf_puts(out, "(");
	for (const struct ast_word *w = t->argnames; w; w = w->next)
		buf_printf(out, "%s%s", w->text, w->next ? ", " : "");
	buf_puts(out, ")");
}

void fmt_member(const struct ast_group_member *m, struct buf *out)
{
	buf_printf(out, "%s%s%s%s", m->exclude ? "!" : "", m->optional ? "optional " : "",
	           m->is_group ? "@" : "", m->name);
}

/* Checks the names fmt_target() writes ('@' names are the reader's: letters,
 * digits, '_' and '-'). */
static void check_target(struct printer *p, const struct ast_target *t)
{
	if (!t->is_group)
		check_name(p, t->name, true, t->loc, "the syscall");
	for (const struct ast_word *w = t->argnames; w; w = w->next)
		check_name(p, w->text, false, w->loc, "the argument");
	if (t->has_parens && !t->argnames)
		report(p, t->loc, "'%s()' names no argument: the language cannot write it",
		       t->name);
}

static void put_targets(struct printer *p, struct buf *b, const struct ast_target *t)
{
	for (; t; t = t->next) {
		check_target(p, t);
		fmt_target(t, b);
		if (t->next)
			buf_puts(b, ", ");
	}
}

/* ---- statements with their comments ------------------------------------------------------ */

static void put_comment_line(struct printer *p, const struct ast_comment *c, int indent, bool blank)
{
	struct line *l = line_new(p, indent);
	l->is_comment = true;
	l->comment = c;
	l->blank = blank;
}

static void emit_leading(struct printer *p, const struct fmt_note *n, int indent)
{
	for (size_t i = 0; i < n->n_leading; i++)
		put_comment_line(p, n->leading[i].comment, indent, n->leading[i].blank_before);
}

/* Emits a statement with its note. `comment_indent` is where its own-line
 * comments go (inside the block for a closing brace). Trailing comments:
 * the one of the first source line stays on the first line; of the others,
 * the last goes on the last line and the rest before the statement. */
static void emit_stmt(struct printer *p, const struct fmt_note *n, int indent, int comment_indent,
                      struct stmt *s, bool blank_ok)
{
	emit_leading(p, n, comment_indent);
	size_t lines = 1 + s->n_cont;
	const struct ast_comment *first = n->trailing, *last = NULL;
	size_t moved = n->n_later;
	if (n->n_later && (lines > 1 || !first)) {
		moved--;
		last = n->later[n->n_later - 1];
	}
	if (lines == 1 && !first) {
		first = last;
		last = NULL;
	}
	bool blank = blank_ok && n->blank_before;
	for (size_t i = 0; i < moved; i++) {
		put_comment_line(p, n->later[i], comment_indent, blank);
		blank = false;
	}
	struct line *l = line_new(p, indent);
	l->align = s->align;
	l->head = s->head;
	l->text = s->text;
	l->comment = first;
	l->blank = blank;
	l->opens = s->opens;
	for (size_t i = 0; i < s->n_cont; i++) {
		l = line_new(p, s->cont[i].indent);
		l->text = s->cont[i].text;
		l->cont = true;
		l->closes = strcmp(l->text, "}") == 0;
		l->comment = i + 1 == s->n_cont ? last : NULL;
	}
	free(s->cont);
}

/* A one-line statement from a buffer. */
static void emit_simple(struct printer *p, const void *node, int indent, struct buf *text)
{
	struct stmt s = {.text = take(text)};
	emit_stmt(p, fmt_comments_at(p->cm, node, FMT_WHOLE), indent, indent, &s, true);
}

static bool note_is_empty(const struct fmt_note *n)
{
	return !n->n_leading && !n->trailing && !n->n_later;
}

/* The closing brace of a block. */
static void emit_close(struct printer *p, const void *node, int indent)
{
	struct stmt s = {.text = xstrdup("}")};
	emit_stmt(p, fmt_comments_at(p->cm, node, FMT_CLOSE), indent, indent + 1, &s, false);
	p->lines[p->n - 1].closes = true;
}

/* `header {`, or `header {}` when the block holds nothing to print. Returns
 * whether the block was opened (the caller prints its inside and closes). */
static bool emit_open(struct printer *p, const void *node, int indent, struct buf *header,
                      bool empty)
{
	bool open = !empty || !note_is_empty(fmt_comments_at(p->cm, node, FMT_CLOSE));
	buf_puts(header, open ? " {" : " {}");
	struct stmt s = {.text = take(header), .opens = open};
	emit_stmt(p, fmt_comments_at(p->cm, node, FMT_OPEN), indent, indent, &s, true);
	return open;
}

/* ---- groups ------------------------------------------------------------------------------ */

/* `group @NAME = { a, b }` on one line, or its members filled over lines of
 * at most FMT_WIDTH columns. */
static void emit_group(struct printer *p, const void *node, const struct ast_group *g, int indent)
{
	struct buf one, member, fill;
	buf_init(&one);
	buf_init(&member);
	buf_init(&fill);
	buf_printf(&one, "group @%s = {", g->name);
	struct stmt s = {.text = xstrdup(buf_cstr(&one))};
	for (const struct ast_group_member *m = g->members; m; m = m->next) {
		if (!m->is_group)
			check_name(p, m->name, true, m->loc, "the syscall");
		buf_reset(&member);
		fmt_member(m, &member);
		buf_printf(&one, " %s%s", buf_cstr(&member), m->next ? "," : "");
	}
	buf_puts(&one, g->members ? " }" : "}");
	if ((size_t)indent * 2 + one.len <= FMT_WIDTH || !g->members) {
		free(s.text);
		s.text = take(&one);
		buf_free(&member);
		emit_stmt(p, fmt_comments_at(p->cm, node, FMT_WHOLE), indent, indent, &s, true);
		return;
	}
	buf_free(&one);
	size_t room = FMT_WIDTH - (size_t)(indent + 1) * 2;
	for (const struct ast_group_member *m = g->members; m; m = m->next) {
		buf_reset(&member);
		fmt_member(m, &member);
		if (m->next)
			buf_puts(&member, ",");
		if (fill.len && fill.len + 1 + member.len > room) {
			stmt_cont(&s, indent + 1, take(&fill));
			buf_init(&fill);
		}
		if (fill.len)
			buf_puts(&fill, " ");
		buf_append(&fill, member.data, member.len);
	}
	stmt_cont(&s, indent + 1, take(&fill));
	stmt_cont(&s, indent, xstrdup("}"));
	buf_free(&member);
	emit_stmt(p, fmt_comments_at(p->cm, node, FMT_WHOLE), indent, indent, &s, true);
}

/* ---- syscalls ---------------------------------------------------------------------------- */

/* A verdict: `allow` ... `log`, or `errno NAME` (a default, an expectation). */
static void put_verdict(struct printer *p, struct buf *b, const struct ast_action *a)
{
	bool has_errno = a->kind == AST_ACTION_ERRNO;
	if (has_errno != (a->errno_name != NULL)) {
		report(p, a->loc, "a '%s' verdict %s an errno: the language cannot write it",
		       ast_action_keyword(a->kind), has_errno ? "without" : "with");
		return;
	}
	buf_puts(b, ast_action_keyword(a->kind));
	if (has_errno) {
		buf_puts(b, " ");
		put_name(p, b, a->errno_name, false, a->errno_loc, "the errno");
	}
}

static void emit_default(struct printer *p, const struct ast_action *a, int indent)
{
	struct buf b;
	buf_init(&b);
	buf_puts(&b, "default ");
	put_verdict(p, &b, a);
	emit_simple(p, a, indent, &b);
}

static void emit_rule(struct printer *p, const struct ast_rule *r, int indent)
{
	const struct ast_action *a = &r->action;
	bool verb_ok =
	    a->kind != AST_ACTION_ERRNO && (!a->errno_name || a->kind == AST_ACTION_DENY);
	if (!verb_ok)
		report(p, r->loc, "a rule '%s'%s: the language cannot write it",
		       ast_action_keyword(a->kind), a->errno_name ? " with an errno" : "");
	struct buf first, cond, reason;
	buf_init(&first);
	buf_init(&cond);
	buf_init(&reason);
	put_targets(p, &first, r->targets);
	if (a->errno_name) {
		buf_puts(&first, " errno ");
		put_name(p, &first, a->errno_name, false, a->errno_loc, "the errno");
	}
	if (r->cond) {
		buf_puts(&cond, "if ");
		fmt_expr(r->cond, &cond);
	}
	if (r->reason) {
		buf_puts(&reason, "because ");
		put_string_token(p, &reason, r->reason, strlen(r->reason), r->loc);
	}
	struct stmt s = {.align = ALIGN_RULE, .head = xstrdup(ast_action_keyword(a->kind))};
	size_t width = (size_t)indent * 2 + strlen(s.head) + 1 + first.len +
	               (cond.len ? cond.len + 1 : 0) + (reason.len ? reason.len + 1 : 0);
	bool split = width > FMT_WIDTH && (cond.len || reason.len);
	struct buf *tails[2] = {&cond, &reason};
	for (size_t i = 0; i < 2; i++) {
		if (!tails[i]->len)
			continue;
		if (split) {
			stmt_cont(&s, indent + 1, take(tails[i]));
			buf_init(tails[i]);
			continue;
		}
		buf_printf(&first, " %s", buf_cstr(tails[i]));
	}
	s.text = take(&first);
	buf_free(&cond);
	buf_free(&reason);
	emit_stmt(p, fmt_comments_at(p->cm, r, FMT_WHOLE), indent, indent, &s, true);
}

static void emit_syscalls(struct printer *p, const struct ast_body *b, int indent)
{
	if (b->u.syscalls.default_action)
		emit_default(p, b->u.syscalls.default_action, indent);
	for (const struct ast_group *g = b->u.syscalls.groups; g; g = g->next)
		emit_group(p, g, g, indent);
	for (const struct ast_rule *r = b->u.syscalls.rules; r; r = r->next)
		emit_rule(p, r, indent);
}

/* ---- fs ---------------------------------------------------------------------------------- */

/* What each statement takes besides its path (bits: 1 optional, 2 at,
 * 4 target, 8 size, 16 mode). */
static unsigned fs_takes(enum ast_fs_kind kind)
{
	switch (kind) {
	case AST_FS_RO:
	case AST_FS_RW:
		return 1 | 2;
	case AST_FS_MASK:
		return 1;
	case AST_FS_TMPFS:
		return 8 | 16;
	case AST_FS_LINK:
		return 4;
	case AST_FS_DIR:
		return 16;
	case AST_FS_FILE:
		return 4 | 16;
	case AST_FS_DEV:
	case AST_FS_PROC:
	case AST_FS_CWD:
		return 0;
	}
	return 0;
}

static void emit_fs(struct printer *p, const struct ast_fs_stmt *s, int indent)
{
	enum { WORD = W_PATH | W_STRING | W_IDENT };
	unsigned takes = fs_takes(s->kind);
	unsigned has = (s->optional ? 1u : 0) | (s->at ? 2u : 0) | (s->target ? 4u : 0) |
	               (s->size ? 8u : 0) | (s->mode ? 16u : 0);
	if ((has & ~takes) || ((takes & 4) && !s->target) || !s->path)
		report(p, s->loc, "this '%s' statement has parts the language cannot write",
		       ast_fs_keyword(s->kind));
	struct buf b;
	buf_init(&b);
	if (s->path)
		put_word(p, &b, s->path, WORD, "a path");
	if (s->at) {
		buf_puts(&b, " at ");
		put_word(p, &b, s->at, WORD, "a path");
	}
	if (s->target) {
		buf_puts(&b, s->kind == AST_FS_LINK ? " -> " : " ");
		put_word(p, &b, s->target, s->kind == AST_FS_LINK ? WORD : W_STRING,
		         s->kind == AST_FS_LINK ? "a link target" : "file contents");
	}
	if (s->size) {
		buf_puts(&b, " size ");
		put_word(p, &b, s->size, W_NUMBER, "a size");
	}
	if (s->mode) {
		buf_puts(&b, " mode ");
		put_word(p, &b, s->mode, W_NUMBER, "a mode");
	}
	struct stmt st = {.align = ALIGN_FS, .text = take(&b)};
	st.head = xasprintf("%s%s", ast_fs_keyword(s->kind), s->optional ? "?" : "");
	emit_stmt(p, fmt_comments_at(p->cm, s, FMT_WHOLE), indent, indent, &st, true);
}

/* ---- limits, env, process, test, lint ---------------------------------------------------- */

static void emit_limit(struct printer *p, const struct ast_limit *l, int indent)
{
	struct buf b;
	buf_init(&b);
	buf_printf(&b, "%s ", ast_limit_keyword(l->kind));
	if (l->value && !l->value->next)
		put_word(p, &b, l->value, W_NUMBER | W_IDENT, "a limit");
	else
		report(p, l->loc, "a limit has one value");
	if (l->best_effort)
		buf_puts(&b, " best-effort");
	emit_simple(p, l, indent, &b);
}

static void emit_env(struct printer *p, const struct ast_env_stmt *s, int indent)
{
	struct buf b;
	buf_init(&b);
	bool ok = true;
	switch (s->kind) {
	case AST_ENV_CLEAR:
		buf_puts(&b, ast_env_keyword(s->kind));
		ok = !s->names && !s->value;
		break;
	case AST_ENV_KEEP:
	case AST_ENV_UNSET:
		buf_printf(&b, "%s ", ast_env_keyword(s->kind));
		put_words(p, &b, s->names, W_IDENT, " ", "a variable name");
		ok = s->names && !s->value;
		break;
	case AST_ENV_SET:
		ok = s->names && !s->names->next && s->value && !s->value->next;
		if (!ok)
			break;
		buf_printf(&b, "%s ", ast_env_keyword(s->kind));
		put_word(p, &b, s->names, W_IDENT, "a variable name");
		buf_puts(&b, "=");
		put_word(p, &b, s->value, W_PATH | W_STRING | W_IDENT | W_NUMBER, "a value");
		break;
	}
	if (!ok)
		report(p, s->loc, "this env statement has parts the language cannot write");
	emit_simple(p, s, indent, &b);
}

static void emit_process(struct printer *p, const struct ast_process_stmt *s, int indent)
{
	struct buf b;
	buf_init(&b);
	switch (s->kind) {
	case AST_PROCESS_HOSTNAME:
		buf_printf(&b, "%s ", ast_process_keyword(s->kind));
		if (s->value)
			put_word(p, &b, s->value, W_IDENT | W_STRING, "a hostname");
		break;
	case AST_PROCESS_UID:
	case AST_PROCESS_GID:
		buf_printf(&b, "%s ", ast_process_keyword(s->kind));
		if (s->value)
			put_word(p, &b, s->value, W_NUMBER, "an id");
		break;
	case AST_PROCESS_NEW_SESSION:
		buf_puts(&b, ast_process_keyword(s->kind));
		break;
	}
	if ((s->kind == AST_PROCESS_NEW_SESSION) == (s->value != NULL) ||
	    (s->value && s->value->next))
		report(p, s->loc, "this process statement has parts the language cannot write");
	emit_simple(p, s, indent, &b);
}

static void emit_expect(struct printer *p, const struct ast_expect *e, int indent)
{
	struct buf b;
	buf_init(&b);
	struct stmt s = {.text = NULL};
	switch (e->kind) {
	case AST_EXPECT_SYSCALL:
		buf_puts(&b, "expect ");
		if (e->syscall)
			put_name(p, &b, e->syscall->text, true, e->syscall->loc, "the syscall");
		if (e->args) {
			buf_puts(&b, "(");
			for (const struct ast_expr *a = e->args; a; a = a->next) {
				fmt_expr(a, &b);
				buf_puts(&b, a->next ? ", " : ")");
			}
		}
		s.align = ALIGN_EXPECT;
		s.head = take(&b);
		buf_init(&b);
		buf_puts(&b, "-> ");
		put_verdict(p, &b, &e->action);
		if (e->arch) {
			buf_puts(&b, " on ");
			put_word(p, &b, e->arch, W_IDENT, "an architecture");
		}
		break;
	case AST_EXPECT_FS:
		buf_puts(&b, "expect fs ");
		if (e->path && e->fact) {
			put_word(p, &b, e->path, W_PATH | W_STRING | W_IDENT, "a path");
			buf_puts(&b, " ");
			put_word(p, &b, e->fact, W_IDENT, "a file system fact");
		}
		break;
	case AST_EXPECT_LIMIT:
		buf_printf(&b, "expect limit %s ", ast_limit_keyword(e->limit));
		if (e->value)
			put_word(p, &b, e->value, W_NUMBER | W_IDENT, "a limit");
		else
			buf_puts(&b, "none");
		break;
	}
	if ((e->kind == AST_EXPECT_SYSCALL && !e->syscall) ||
	    (e->kind == AST_EXPECT_FS && !(e->path && e->fact)))
		report(p, e->loc, "this expectation has parts missing");
	s.text = take(&b);
	emit_stmt(p, fmt_comments_at(p->cm, e, FMT_WHOLE), indent, indent, &s, true);
}

static void emit_lint(struct printer *p, const struct ast_lint_ignore *l, int indent)
{
	struct buf b;
	buf_init(&b);
	buf_puts(&b, "ignore ");
	if (!l->ids)
		report(p, l->loc, "'ignore' names no lint rule");
	put_words(p, &b, l->ids, W_IDENT, ", ", "a lint rule id");
	if (l->reason) {
		buf_puts(&b, " because ");
		put_word(p, &b, l->reason, W_STRING, "a reason");
	}
	emit_simple(p, l, indent, &b);
}

/* ---- policy bodies ----------------------------------------------------------------------- */

static void emit_block_inside(struct printer *p, const struct ast_body *b, int indent)
{
	switch (b->kind) {
	case AST_BODY_FS:
		for (const struct ast_fs_stmt *s = b->u.fs; s; s = s->next)
			emit_fs(p, s, indent);
		break;
	case AST_BODY_SYSCALLS:
		emit_syscalls(p, b, indent);
		break;
	case AST_BODY_LIMITS:
		for (const struct ast_limit *l = b->u.limits; l; l = l->next)
			emit_limit(p, l, indent);
		break;
	case AST_BODY_ENV:
		for (const struct ast_env_stmt *s = b->u.env; s; s = s->next)
			emit_env(p, s, indent);
		break;
	case AST_BODY_PROCESS:
		for (const struct ast_process_stmt *s = b->u.process; s; s = s->next)
			emit_process(p, s, indent);
		break;
	case AST_BODY_TEST:
		for (const struct ast_expect *e = b->u.tests; e; e = e->next)
			emit_expect(p, e, indent);
		break;
	case AST_BODY_LINT:
		for (const struct ast_lint_ignore *l = b->u.lint; l; l = l->next)
			emit_lint(p, l, indent);
		break;
	case AST_BODY_PARAM:
	case AST_BODY_NET:
	case AST_BODY_ARCH:
	case AST_BODY_UNTRUSTED:
	case AST_BODY_DESCRIPTION:
	case AST_BODY_REQUIRES:
	case AST_BODY_FALLBACK:
		break;
	}
}

/* A one-line declaration: param, net, arch, untrusted, description,
 * requires, fallback. */
static void emit_declaration(struct printer *p, const struct ast_body *b, int indent)
{
	struct buf t;
	buf_init(&t);
	buf_puts(&t, ast_body_keyword(b->kind));
	const struct ast_word *w = NULL;
	bool ok = true;
	switch (b->kind) {
	case AST_BODY_PARAM: /* param NAME [in DIR] */
		buf_puts(&t, " ");
		ok = b->u.param && !(b->u.param->next && b->u.param->next->next);
		if (!ok)
			break;
		put_word(p, &t, b->u.param, W_IDENT, "a param");
		if (b->u.param->next) {
			buf_puts(&t, " in ");
			put_word(p, &t, b->u.param->next, W_PATH | W_STRING | W_IDENT,
			         "a directory");
		}
		break;
	case AST_BODY_NET:
		buf_printf(&t, " %s", ast_net_keyword(b->u.net));
		break;
	case AST_BODY_ARCH:
		buf_puts(&t, " ");
		ok = b->u.arches != NULL;
		put_words(p, &t, b->u.arches, W_IDENT, ", ", "an architecture");
		break;
	case AST_BODY_UNTRUSTED:
		break;
	case AST_BODY_DESCRIPTION:
		buf_puts(&t, " ");
		w = b->u.words;
		ok = w && !w->next;
		if (ok)
			put_word(p, &t, w, W_STRING, "a description");
		break;
	case AST_BODY_REQUIRES:
		buf_puts(&t, " ");
		w = b->u.words;
		ok = w && w->next && !w->next->next;
		if (ok) {
			put_word(p, &t, w, W_IDENT, "a required tool");
			buf_puts(&t, " ");
			put_word(p, &t, w->next, W_STRING, "a version");
		}
		break;
	case AST_BODY_FALLBACK:
		buf_puts(&t, " ");
		w = b->u.words;
		ok = w && !w->next;
		if (ok)
			put_word(p, &t, w, W_IDENT | W_NONE, "a fallback");
		break;
	case AST_BODY_FS:
	case AST_BODY_SYSCALLS:
	case AST_BODY_LIMITS:
	case AST_BODY_ENV:
	case AST_BODY_PROCESS:
	case AST_BODY_TEST:
	case AST_BODY_LINT:
		ok = false;
		break;
	}
	if (!ok)
		report(p, b->loc, "this '%s' has parts the language cannot write",
		       ast_body_keyword(b->kind));
	emit_simple(p, b, indent, &t);
}

static void emit_body(struct printer *p, const struct ast_body *b, int indent)
{
	if (!fmt_body_has_block(b->kind)) {
		emit_declaration(p, b, indent);
		return;
	}
	struct buf header;
	buf_init(&header);
	buf_puts(&header, ast_body_keyword(b->kind));
	if (!emit_open(p, b, indent, &header, ast_body_is_empty(b)))
		return;
	emit_block_inside(p, b, indent + 1);
	emit_close(p, b, indent);
}

/* ---- items ------------------------------------------------------------------------------- */

static void emit_policy(struct printer *p, const struct ast_item *item)
{
	const struct ast_policy *pol = item->u.policy;
	struct buf header;
	buf_init(&header);
	buf_puts(&header, "policy ");
	put_name(p, &header, pol->name, false, pol->loc, "the policy");
	if (pol->bases) {
		buf_puts(&header, " : ");
		put_words(p, &header, pol->bases, W_IDENT, ", ", "a base policy");
	}
	if (!emit_open(p, item, 0, &header, pol->body == NULL))
		return;
	for (const struct ast_body *b = pol->body; b; b = b->next)
		emit_body(p, b, 1);
	emit_close(p, item, 0);
}

static void emit_item(struct printer *p, const struct ast_item *item)
{
	struct buf b;
	buf_init(&b);
	switch (item->kind) {
	case AST_ITEM_INCLUDE:
		buf_puts(&b, "include ");
		if (item->u.include && !item->u.include->next)
			put_word(p, &b, item->u.include, W_STRING, "an included file");
		else
			report(p, item->loc, "an include names one file");
		emit_simple(p, item, 0, &b);
		break;
	case AST_ITEM_CONST:
		buf_puts(&b, "const ");
		put_name(p, &b, item->u.constant.name, false, item->u.constant.name_loc,
		         "the constant");
		buf_puts(&b, " = ");
		if (item->u.constant.value && !item->u.constant.value->next)
			put_word(p, &b, item->u.constant.value,
			         W_NUMBER | W_STRING | W_PATH | W_IDENT, "a constant");
		else
			report(p, item->loc, "a constant has one value");
		emit_simple(p, item, 0, &b);
		break;
	case AST_ITEM_GROUP:
		buf_free(&b);
		emit_group(p, item, item->u.group, 0);
		break;
	case AST_ITEM_POLICY:
		buf_free(&b);
		emit_policy(p, item);
		break;
	}
}

/* Top-level items are separated by a blank line, except consecutive
 * includes or consts, which keep the source's. */
static bool items_apart(const struct ast_item *a, const struct ast_item *b)
{
	return a->kind != b->kind || a->kind == AST_ITEM_POLICY || a->kind == AST_ITEM_GROUP;
}

static void emit_file(struct printer *p, const struct ast_file *f)
{
	const struct ast_item *prev = NULL;
	for (const struct ast_item *i = f->items; i; i = i->next) {
		size_t first = p->n;
		emit_item(p, i);
		if (prev && p->n > first && items_apart(prev, i))
			p->lines[first].blank = true;
		prev = i;
	}
	emit_leading(p, fmt_comments_end(p->cm), 0);
}

/* ---- rendering --------------------------------------------------------------------------- */

static size_t head_width(const struct line *l)
{
	return l->head ? strlen(l->head) : 0;
}

static bool takes_part(const struct line *l)
{
	return l->align != ALIGN_EXPECT || head_width(l) <= EXPECT_ALIGN_MAX;
}

/* Pads the heads of each run: lines of one class and indentation with only
 * their continuation lines between them, and no blank line. */
static void align_heads(struct printer *p)
{
	size_t i = 0;
	while (i < p->n) {
		struct line *l = &p->lines[i];
		if (l->align == ALIGN_NONE || l->is_comment) {
			i++;
			continue;
		}
		size_t end = i + 1, widest = takes_part(l) ? head_width(l) : 0;
		for (; end < p->n; end++) {
			const struct line *m = &p->lines[end];
			if (m->cont)
				continue;
			if (m->align != l->align || m->indent != l->indent || m->blank ||
			    m->is_comment)
				break;
			if (takes_part(m) && head_width(m) > widest)
				widest = head_width(m);
		}
		for (size_t k = i; k < end; k++) {
			struct line *m = &p->lines[k];
			if (m->cont || !takes_part(m) || head_width(m) >= widest)
				continue;
			char *padded = xasprintf("%-*s", (int)widest, m->head);
			free(m->head);
			m->head = padded;
		}
		i = end;
	}
}

static void measure(struct printer *p)
{
	for (size_t i = 0; i < p->n; i++) {
		struct line *l = &p->lines[i];
		l->width = (size_t)l->indent * 2 +
		           (l->is_comment ? 1 + fmt_comment_len(l->comment)
		                          : (l->head ? strlen(l->head) + 1 : 0) + strlen(l->text));
	}
}

/* Whether line k continues the trailing-comment run of the lines before it:
 * same indentation, no blank line, and no block boundary between. */
static bool comment_run_goes_on(const struct printer *p, size_t k)
{
	const struct line *m = &p->lines[k], *prev = &p->lines[k - 1];
	return m->comment && !m->is_comment && m->indent == prev->indent && !m->blank &&
	       !m->closes && !prev->closes && !prev->opens;
}

/* The column of each trailing comment: two spaces after the longest line of
 * its run (consecutive lines of one block, each with a comment). */
static void render(struct printer *p, struct buf *out)
{
	size_t run_end = 0, col = 0;
	for (size_t i = 0; i < p->n; i++) {
		const struct line *l = &p->lines[i];
		if (l->blank && i > 0 && !p->lines[i - 1].opens)
			buf_puts(out, "\n");
		if (l->comment && !l->is_comment && i >= run_end) {
			col = 0;
			for (run_end = i; run_end < p->n; run_end++) {
				if (run_end > i && !comment_run_goes_on(p, run_end))
					break;
				if (p->lines[run_end].width > col)
					col = p->lines[run_end].width;
			}
			col += 2;
		}
		size_t start = out->len;
		for (int k = 0; k < l->indent; k++)
			buf_puts(out, "  ");
		if (l->is_comment) {
			buf_puts(out, "#");
			buf_append(out, l->comment->text, fmt_comment_len(l->comment));
			buf_puts(out, "\n");
			continue;
		}
		if (l->head)
			buf_printf(out, "%s ", l->head);
		buf_puts(out, l->text);
		if (l->comment) {
			while (out->len - start < col)
				buf_puts(out, " ");
			buf_puts(out, "#");
			buf_append(out, l->comment->text, fmt_comment_len(l->comment));
		}
		buf_puts(out, "\n");
	}
}

static void printer_free(struct printer *p)
{
	for (size_t i = 0; i < p->n; i++) {
		free(p->lines[i].head);
		free(p->lines[i].text);
	}
	free(p->lines);
}

bool fmt_cell_print(const struct ast_file *f, const struct fmt_source *src, struct diag_ctx *d,
                    struct buf *out, bool *exact)
{
	struct printer p = {.d = d, .exact = true};
	p.cm = fmt_comments_build(f, src);
	emit_file(&p, f);
	if (!p.failed) {
		align_heads(&p);
		measure(&p);
		render(&p, out);
	}
	printer_free(&p);
	fmt_comments_free((struct fmt_comments *)p.cm);
	if (exact)
		*exact = p.exact;
	return !p.failed;
}

/*
 * fmt_comments.c - comment and blank-line placement for `cell fmt` (see
 * fmt_comments.h for the rules).
 *
 * Steps: index the source's lines; walk the tree and record every anchor
 * with its source position; sort the anchors by position; then one pass over
 * the comments in source order, merged with the anchors, assigns each
 * comment and computes every blank-line flag. Ranges between neighbouring
 * anchors are disjoint, so the whole is linear in the size of the file (plus
 * the sort).
 */
#include "fmt_comments.h"

#include <stdlib.h>
#include <string.h>

struct anchor {
	const void *node;
	enum fmt_part part;
	int line, col; /* 0: no position in the source */
	size_t seq;    /* registration order: breaks ties */
	int end_line;  /* last source line holding the construct's code */
	struct fmt_note note;
	size_t cap_leading, cap_later;
};

struct fmt_comments {
	struct anchor *anchors;
	size_t n, cap;
	struct anchor **sorted; /* the anchors with a position, by position */
	size_t n_sorted;
	size_t *slots; /* hash of (node, part) -> index + 1 */
	size_t n_slots;
	struct fmt_note end, empty;
	size_t cap_end;
	/* The source. */
	struct fmt_source src;
	size_t *line_start; /* byte offset of each line's start; [n_lines] = len */
	size_t n_lines;
	int *comment_col; /* by line (from 1): the column of its comment, or 0 */
};

/* ---- the source's lines ------------------------------------------------------------------ */

/* The line breaks of the language (LF) or of libyaml (LF, CR LF, CR, NEL, LS, PS). */
static size_t line_break_at(const struct fmt_source *s, size_t i)
{
	const unsigned char *t = (const unsigned char *)s->text;
	if (t[i] == '\n')
		return 1;
	if (!s->yaml)
		return 0;
	if (t[i] == '\r')
		return i + 1 < s->len && t[i + 1] == '\n' ? 2 : 1;
	if (t[i] == 0xc2 && i + 1 < s->len && t[i + 1] == 0x85)
		return 2;
	if (t[i] == 0xe2 && i + 2 < s->len && t[i + 1] == 0x80 &&
	    (t[i + 2] == 0xa8 || t[i + 2] == 0xa9))
		return 3;
	return 0;
}

static void index_lines(struct fmt_comments *m)
{
	size_t cap = 0;
	xgrow((void **)&m->line_start, &cap, 1, sizeof(size_t));
	m->line_start[m->n_lines++] = 0;
	for (size_t i = 0; i < m->src.len;) {
		size_t brk = line_break_at(&m->src, i);
		if (!brk) {
			i++;
			continue;
		}
		i += brk;
		xgrow((void **)&m->line_start, &cap, m->n_lines + 1, sizeof(size_t));
		m->line_start[m->n_lines++] = i;
	}
	xgrow((void **)&m->line_start, &cap, m->n_lines + 1, sizeof(size_t));
	m->line_start[m->n_lines] = m->src.len;
	m->comment_col = xcalloc(m->n_lines + 2, sizeof(int));
}

/* Offset of (line, col), clamped to the text. */
static size_t offset_of(const struct fmt_comments *m, int line, int col)
{
	if (line < 1 || (size_t)line > m->n_lines)
		return m->src.len;
	size_t off = m->line_start[line - 1] + (size_t)(col > 0 ? col - 1 : 0);
	return off < m->src.len ? off : m->src.len;
}

static void position_of(const struct fmt_comments *m, size_t off, int *line, int *col)
{
	size_t lo = 0, hi = m->n_lines;
	while (hi - lo > 1) {
		size_t mid = (lo + hi) / 2;
		if (m->line_start[mid] <= off)
			lo = mid;
		else
			hi = mid;
	}
	*line = (int)lo + 1;
	*col = (int)(off - m->line_start[lo]) + 1;
}

static bool is_space(char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\f' || c == '\v';
}

/* Whether bytes [from, to) hold anything but white space and line breaks. */
static bool has_code(const struct fmt_comments *m, size_t from, size_t to)
{
	for (size_t i = from; i < to && i < m->src.len; i++)
		if (!is_space(m->src.text[i]) && !line_break_at(&m->src, i))
			return true;
	return false;
}

/* Whether `line` (from 1) holds code outside its comment. */
static bool line_has_code(const struct fmt_comments *m, int line)
{
	size_t from = m->line_start[line - 1], to = m->line_start[line];
	if (m->comment_col[line])
		to = offset_of(m, line, m->comment_col[line]);
	return has_code(m, from, to);
}

static bool line_is_blank(const struct fmt_comments *m, int line)
{
	return !has_code(m, m->line_start[line - 1], m->line_start[line]);
}

/* A line of only white space strictly between lines a and b. */
static bool blank_between(const struct fmt_comments *m, int a, int b)
{
	if (!m->src.text || a < 1)
		return false;
	for (int l = a + 1; l < b && (size_t)l <= m->n_lines; l++)
		if (line_is_blank(m, l))
			return true;
	return false;
}

/* ---- braces in .cell text ---------------------------------------------------------------- */

/* The '}' that closes the first '{' at or after `from`, skipping strings and
 * comments; the source parsed without error, so braces balance. Returns the
 * offset or SIZE_MAX. */
static size_t block_close(const struct fmt_comments *m, size_t from)
{
	const char *t = m->src.text;
	int depth = 0;
	for (size_t i = from; i < m->src.len; i++) {
		if (t[i] == '#') {
			while (i + 1 < m->src.len && t[i + 1] != '\n')
				i++;
		} else if (t[i] == '"') {
			for (i++; i < m->src.len && t[i] != '"' && t[i] != '\n'; i++)
				if (t[i] == '\\' && i + 1 < m->src.len && t[i + 1] != '\n')
					i++;
		} else if (t[i] == '{') {
			depth++;
		} else if (t[i] == '}' && --depth == 0) {
			return i;
		}
	}
	return SIZE_MAX;
}

/* A group inside a section is located at its '@name': its statement starts
 * at the `group` keyword before it. */
static void group_keyword(const struct fmt_comments *m, int *line, int *col)
{
	size_t at = offset_of(m, *line, *col);
	while (at > 0 && (is_space(m->src.text[at - 1]) || m->src.text[at - 1] == '\n'))
		at--;
	if (at >= 5 && memcmp(m->src.text + at - 5, "group", 5) == 0)
		position_of(m, at - 5, line, col);
}

/* ---- anchors ----------------------------------------------------------------------------- */

static size_t slot_hash(const void *node, enum fmt_part part, size_t n_slots)
{
	uintptr_t h = (uintptr_t)node * 0x9e3779b97f4a7c15u + (uintptr_t)part;
	return (size_t)(h ^ (h >> 29)) & (n_slots - 1);
}

static void add_anchor(struct fmt_comments *m, const void *node, enum fmt_part part,
                       struct src_loc loc)
{
	xgrow((void **)&m->anchors, &m->cap, m->n + 1, sizeof(*m->anchors));
	struct anchor *a = &m->anchors[m->n];
	memset(a, 0, sizeof(*a));
	a->node = node;
	a->part = part;
	a->seq = m->n++;
	if (loc.line > 0 && (!m->src.text || (size_t)loc.line <= m->n_lines)) {
		a->line = loc.line;
		a->col = loc.col > 0 ? loc.col : 1;
	}
}

/* The closing brace of the section or policy that starts at `open`. */
static struct src_loc close_loc(const struct fmt_comments *m, struct src_loc open)
{
	struct src_loc loc = {open.file, 0, 0, 0, 0};
	if (!m->src.text || m->src.yaml || open.line < 1)
		return loc;
	size_t at = block_close(m, offset_of(m, open.line, open.col));
	if (at != SIZE_MAX) {
		position_of(m, at, &loc.line, &loc.col);
		loc.end_line = loc.line;
		loc.end_col = loc.col;
	}
	return loc;
}

static struct src_loc group_loc(const struct fmt_comments *m, struct src_loc loc)
{
	if (m->src.text && !m->src.yaml && loc.line > 0)
		group_keyword(m, &loc.line, &loc.col);
	return loc;
}

/* Every statement of a list as a whole-line anchor at its own location
 * (`&*` drops the const a member of a const section has). */
#define ANCHOR_EACH(m, list)                                                                       \
	for (__typeof__(&*(list)) n_ = (list); n_; n_ = n_->next)                                  \
	add_anchor((m), n_, FMT_WHOLE, n_->loc)

static void walk_syscalls(struct fmt_comments *m, const struct ast_body *b)
{
	const struct ast_action *def = b->u.syscalls.default_action;
	if (def)
		add_anchor(m, def, FMT_WHOLE, def->loc);
	for (const struct ast_group *g = b->u.syscalls.groups; g; g = g->next)
		add_anchor(m, g, FMT_WHOLE, group_loc(m, g->loc));
	ANCHOR_EACH(m, b->u.syscalls.rules);
}

/* The statements inside a section with braces. */
static void walk_block(struct fmt_comments *m, const struct ast_body *b)
{
	switch (b->kind) {
	case AST_BODY_FS:
		ANCHOR_EACH(m, b->u.fs);
		break;
	case AST_BODY_SYSCALLS:
		walk_syscalls(m, b);
		break;
	case AST_BODY_LIMITS:
		ANCHOR_EACH(m, b->u.limits);
		break;
	case AST_BODY_ENV:
		ANCHOR_EACH(m, b->u.env);
		break;
	case AST_BODY_PROCESS:
		ANCHOR_EACH(m, b->u.process);
		break;
	case AST_BODY_TEST:
		ANCHOR_EACH(m, b->u.tests);
		break;
	case AST_BODY_LINT:
		ANCHOR_EACH(m, b->u.lint);
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

static void walk_policy(struct fmt_comments *m, const struct ast_item *item)
{
	add_anchor(m, item, FMT_OPEN, item->loc);
	for (const struct ast_body *b = item->u.policy->body; b; b = b->next) {
		if (!fmt_body_has_block(b->kind)) {
			add_anchor(m, b, FMT_WHOLE, b->loc);
			continue;
		}
		add_anchor(m, b, FMT_OPEN, b->loc);
		walk_block(m, b);
		add_anchor(m, b, FMT_CLOSE, close_loc(m, b->loc));
	}
	struct src_loc end = item->loc;
	end.line = m->src.yaml ? 0 : item->loc.end_line;
	end.col = item->loc.end_col;
	add_anchor(m, item, FMT_CLOSE, end);
}

static void walk_file(struct fmt_comments *m, const struct ast_file *f)
{
	for (const struct ast_item *i = f->items; i; i = i->next) {
		switch (i->kind) {
		case AST_ITEM_INCLUDE:
		case AST_ITEM_CONST:
		case AST_ITEM_GROUP:
			add_anchor(m, i, FMT_WHOLE, i->loc);
			break;
		case AST_ITEM_POLICY:
			walk_policy(m, i);
			break;
		}
	}
}

static int anchor_cmp(const void *pa, const void *pb)
{
	const struct anchor *a = *(const struct anchor *const *)pa;
	const struct anchor *b = *(const struct anchor *const *)pb;
	if (a->line != b->line)
		return a->line < b->line ? -1 : 1;
	if (a->col != b->col)
		return a->col < b->col ? -1 : 1;
	return a->seq < b->seq ? -1 : a->seq > b->seq;
}

static void index_anchors(struct fmt_comments *m)
{
	m->n_slots = 16;
	while (m->n_slots < m->n * 2)
		m->n_slots *= 2;
	m->slots = xcalloc(m->n_slots, sizeof(*m->slots));
	m->sorted = xcalloc(m->n + 1, sizeof(*m->sorted));
	for (size_t i = 0; i < m->n; i++) {
		struct anchor *a = &m->anchors[i];
		size_t h = slot_hash(a->node, a->part, m->n_slots);
		while (m->slots[h])
			h = (h + 1) & (m->n_slots - 1);
		m->slots[h] = i + 1;
		if (a->line)
			m->sorted[m->n_sorted++] = a;
	}
	qsort(m->sorted, m->n_sorted, sizeof(*m->sorted), anchor_cmp);
	/* A statement's code ends where the next anchor's begins. */
	for (size_t i = 0; m->src.text && i < m->n_sorted; i++) {
		struct anchor *a = m->sorted[i];
		int limit = i + 1 < m->n_sorted ? m->sorted[i + 1]->line - 1 : (int)m->n_lines;
		a->end_line = a->line;
		for (int l = a->line + 1; l <= limit; l++)
			if (line_has_code(m, l))
				a->end_line = l;
	}
}

/* ---- assigning comments ------------------------------------------------------------------ */

static int pos_cmp(int line_a, int col_a, int line_b, int col_b)
{
	if (line_a != line_b)
		return line_a < line_b ? -1 : 1;
	return col_a < col_b ? -1 : col_a > col_b;
}

/* Index of the first sorted anchor at or after (line, col). */
static size_t lower_bound(const struct fmt_comments *m, int line, int col)
{
	size_t lo = 0, hi = m->n_sorted;
	while (lo < hi) {
		size_t mid = (lo + hi) / 2;
		if (pos_cmp(m->sorted[mid]->line, m->sorted[mid]->col, line, col) < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

static void note_add_leading(struct fmt_note *n, size_t *cap, const struct ast_comment *c,
                             bool blank)
{
	xgrow((void **)&n->leading, cap, n->n_leading + 1, sizeof(*n->leading));
	n->leading[n->n_leading++] = (struct fmt_leading){c, blank};
}

static void note_add_trailing(struct fmt_note *n, size_t *cap_later, const struct ast_comment *c,
                              bool first_line)
{
	if (first_line && !n->trailing) {
		n->trailing = c;
		return;
	}
	xgrow((void **)&n->later, cap_later, n->n_later + 1, sizeof(*n->later));
	n->later[n->n_later++] = c;
}

/* Whether code precedes the comment on its line. */
static bool is_trailing(const struct fmt_comments *m, const struct ast_comment *c)
{
	if (m->src.yaml || !m->src.text)
		return true; /* the YAML reader's `# lint:` comments, at their rule */
	size_t at = offset_of(m, c->loc.line, c->loc.col);
	return has_code(m, m->line_start[c->loc.line - 1], at);
}

static struct anchor *anchor_at(const struct fmt_comments *m, const void *node, enum fmt_part part)
{
	size_t h = slot_hash(node, part, m->n_slots);
	for (; m->slots[h]; h = (h + 1) & (m->n_slots - 1)) {
		struct anchor *a = &m->anchors[m->slots[h] - 1];
		if (a->node == node && a->part == part)
			return a;
	}
	return NULL;
}

/* The anchor a trailing comment belongs to, or NULL: the last construct that
 * starts before it on its line (a block opened and closed on that line
 * counts as its opening), else the statement its line continues. */
static struct anchor *trailing_owner(const struct fmt_comments *m, const struct ast_comment *c)
{
	size_t after = lower_bound(m, c->loc.line, c->loc.col);
	if (m->src.yaml || !m->src.text) {
		if (after < m->n_sorted && m->sorted[after]->line == c->loc.line &&
		    m->sorted[after]->col == c->loc.col)
			return m->sorted[after];
	}
	if (after == 0)
		return NULL;
	struct anchor *a = m->sorted[after - 1];
	if (a->line == c->loc.line && a->part == FMT_CLOSE) {
		struct anchor *open = anchor_at(m, a->node, FMT_OPEN);
		if (open && open->line == a->line)
			return open;
	}
	return a;
}

static void place_trailing(const struct ast_comment *c, struct anchor *owner)
{
	note_add_trailing(&owner->note, &owner->cap_later, c, owner->line == c->loc.line);
}

/* An own-line comment: before the statement it is inside of, else before
 * the next anchor, else at the end. */
static void place_own_line(struct fmt_comments *m, const struct ast_comment *c, bool blank)
{
	size_t next = lower_bound(m, c->loc.line, c->loc.col);
	struct anchor *prev = next > 0 ? m->sorted[next - 1] : NULL;
	if (prev && prev->part == FMT_WHOLE && c->loc.line <= prev->end_line) {
		note_add_leading(&prev->note, &prev->cap_leading, c, false);
		return;
	}
	if (next < m->n_sorted) {
		struct anchor *a = m->sorted[next];
		note_add_leading(&a->note, &a->cap_leading, c, blank);
		return;
	}
	note_add_leading(&m->end, &m->cap_end, c, blank);
}

/* One pass in source order over anchors and comments: placement and blank
 * lines. */
static void place_comments(struct fmt_comments *m, const struct ast_file *f)
{
	for (const struct ast_comment *c = f->comments; c; c = c->next)
		if (c->loc.line > 0 && (size_t)c->loc.line <= m->n_lines)
			m->comment_col[c->loc.line] = c->loc.col;
	index_anchors(m);
	int prev_line = 0;
	size_t ai = 0;
	for (const struct ast_comment *c = f->comments; c; c = c->next) {
		bool located = m->src.text && c->loc.line > 0 && (size_t)c->loc.line <= m->n_lines;
		for (;
		     located && ai < m->n_sorted &&
		     pos_cmp(m->sorted[ai]->line, m->sorted[ai]->col, c->loc.line, c->loc.col) < 0;
		     ai++) {
			m->sorted[ai]->note.blank_before =
			    blank_between(m, prev_line, m->sorted[ai]->line);
			prev_line = m->sorted[ai]->line;
		}
		struct anchor *owner = located && is_trailing(m, c) ? trailing_owner(m, c) : NULL;
		if (owner) {
			place_trailing(c, owner);
			continue;
		}
		if (!located) {
			note_add_leading(&m->end, &m->cap_end, c, false);
			continue;
		}
		bool blank = blank_between(m, prev_line, c->loc.line);
		prev_line = c->loc.line;
		place_own_line(m, c, blank);
	}
	for (; ai < m->n_sorted; ai++) {
		m->sorted[ai]->note.blank_before = blank_between(m, prev_line, m->sorted[ai]->line);
		prev_line = m->sorted[ai]->line;
	}
}

/* Without the text: each comment stays with the anchor at its location. */
static void place_by_location(struct fmt_comments *m, const struct ast_file *f)
{
	index_anchors(m);
	for (const struct ast_comment *c = f->comments; c; c = c->next) {
		size_t i = lower_bound(m, c->loc.line, c->loc.col);
		if (c->loc.line > 0 && i < m->n_sorted && m->sorted[i]->line == c->loc.line &&
		    m->sorted[i]->col == c->loc.col)
			place_trailing(c, m->sorted[i]);
		else
			note_add_leading(&m->end, &m->cap_end, c, false);
	}
}

/* ---- interface --------------------------------------------------------------------------- */

struct fmt_comments *fmt_comments_build(const struct ast_file *f, const struct fmt_source *src)
{
	struct fmt_comments *m = xcalloc(1, sizeof(*m));
	if (src && src->text)
		m->src = *src;
	else
		m->src.yaml = src && src->yaml;
	if (m->src.text)
		index_lines(m);
	walk_file(m, f);
	if (m->src.text)
		place_comments(m, f);
	else
		place_by_location(m, f);
	return m;
}

static void note_free(struct fmt_note *n)
{
	free(n->leading);
	free(n->later);
}

void fmt_comments_free(struct fmt_comments *m)
{
	if (!m)
		return;
	for (size_t i = 0; i < m->n; i++)
		note_free(&m->anchors[i].note);
	note_free(&m->end);
	free(m->anchors);
	free(m->sorted);
	free(m->slots);
	free(m->line_start);
	free(m->comment_col);
	free(m);
}

const struct fmt_note *fmt_comments_at(const struct fmt_comments *m, const void *node,
                                       enum fmt_part part)
{
	const struct anchor *a = anchor_at(m, node, part);
	return a ? &a->note : &m->empty;
}

const struct fmt_note *fmt_comments_end(const struct fmt_comments *m)
{
	return &m->end;
}

bool fmt_body_has_block(enum ast_body_kind kind)
{
	switch (kind) {
	case AST_BODY_FS:
	case AST_BODY_SYSCALLS:
	case AST_BODY_LIMITS:
	case AST_BODY_ENV:
	case AST_BODY_PROCESS:
	case AST_BODY_TEST:
	case AST_BODY_LINT:
		return true;
	case AST_BODY_PARAM:
	case AST_BODY_NET:
	case AST_BODY_ARCH:
	case AST_BODY_UNTRUSTED:
	case AST_BODY_DESCRIPTION:
	case AST_BODY_REQUIRES:
	case AST_BODY_FALLBACK:
		return false;
	}
	return false;
}

size_t fmt_comment_len(const struct ast_comment *c)
{
	size_t n = c->text ? strlen(c->text) : 0;
	while (n > 0 && (is_space(c->text[n - 1]) || c->text[n - 1] == '\n'))
		n--;
	return n;
}

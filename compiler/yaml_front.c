/*
 * yaml_front.c - YAML policies to the syntax tree of ast.h (see yaml_front.h
 * for the shape, docs/yaml.md for the schema).
 *
 * Sections, in order: locations (libyaml marks to byte columns), the document
 * tree built from libyaml's events (anchors, aliases and every limit on
 * hostile input), typed access to that tree, words and names (by the
 * language's lexical rules, ast.h), the expression parser, and the schema
 * walk proper.
 */
#include "yaml_front.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <yaml.h>

/* The same bound as grammar/parser.y's (the others, AST_TOKEN_MAX and
 * AST_EXPR_MAX_DEPTH, are the language's, in ast.h), so that a YAML policy
 * can hold nothing the language could not. */
#define POLICY_MAX_BYTES (64u << 20)

/* Lists grow at their tail in O(1): AST_APPEND walks the list, and a hostile
 * file with a million items would make that quadratic. LIST_TAIL finds the
 * `next` slot after the last node once; TAIL_APPEND fills it and moves on. */
#define LIST_TAIL(headp)                                                                           \
	({                                                                                         \
		__typeof__(headp) t_ = (headp);                                                    \
		while (*t_)                                                                        \
			t_ = &(*t_)->next;                                                         \
		t_;                                                                                \
	})
#define TAIL_APPEND(tailp, node)                                                                   \
	do {                                                                                       \
		__typeof__(**(tailp)) *n_ = (node);                                                \
		*(tailp) = n_;                                                                     \
		(tailp) = &n_->next;                                                               \
	} while (0)

/* ---- the document tree ------------------------------------------------------ */

enum ynode_kind { Y_SCALAR, Y_SEQUENCE, Y_MAPPING, Y_ALIAS };

struct ynode {
	enum ynode_kind kind;
	struct src_loc loc;
	/* Scalars. `exact` says that the value is its own source text, on one
	 * line, `quote_skip` bytes after the node's start, so that a position
	 * inside the value is a column too. */
	char *text;
	size_t len;
	bool quoted; /* any style but plain, or tagged !!str */
	bool exact;
	size_t quote_skip;
	size_t src_off; /* byte offset of the node's start */
	/* Sequences: the items. Mappings: key, value, key, value, ... */
	struct ynode **kids;
	size_t n_kids, cap_kids;
	/* Aliases. */
	struct ynode *target;
	/* Size and height with aliases expanded; weight saturates. */
	size_t weight;
	int height;
	bool complete; /* its end event was seen: an alias to it is no cycle */
};

struct anchor {
	char *name;
	struct ynode *node;
};

struct yfront {
	struct diag_ctx *d;
	const char *path;
	const char *text;
	size_t len;
	/* Byte offset of the start of each line, by libyaml's idea of a line. */
	size_t *lines;
	size_t n_lines, cap_lines;
	/* Where the last mark was: marks come in order, so columns convert
	 * in linear time overall. */
	size_t cache_line, cache_col, cache_byte;
	bool cache_valid;

	struct ynode **nodes; /* every node, for freeing */
	size_t n_nodes, cap_nodes;
	struct ynode **open; /* containers being built */
	size_t depth, cap_open;
	struct anchor *anchors; /* open addressing, power-of-two size */
	size_t n_anchors, cap_anchors;
	size_t alias_nodes;
	struct ynode *root;
	int documents;
	bool stop; /* an error after which the event stream is abandoned */
	/* A rule's `lint: [ID...]` becomes the comment `# lint: ID...` on its
	 * line, exactly what the language's suppression comment is. */
	struct ast_comment **comments_tail;
};

/* ---- locations ----------------------------------------------------------------- */

static void add_line(struct yfront *y, size_t start)
{
	xgrow((void **)&y->lines, &y->cap_lines, y->n_lines + 1, sizeof(*y->lines));
	y->lines[y->n_lines++] = start;
}

/* The line breaks libyaml counts: LF, CR LF, CR, NEL, LS and PS. */
static void index_lines(struct yfront *y)
{
	const unsigned char *s = (const unsigned char *)y->text;
	size_t i = 0;
	if (y->len >= 3 && s[0] == 0xef && s[1] == 0xbb && s[2] == 0xbf)
		i = 3; /* libyaml drops the byte order mark before counting columns */
	add_line(y, i);
	while (i < y->len) {
		size_t brk = 0;
		if (s[i] == '\n')
			brk = 1;
		else if (s[i] == '\r')
			brk = i + 1 < y->len && s[i + 1] == '\n' ? 2 : 1;
		else if (s[i] == 0xc2 && i + 1 < y->len && s[i + 1] == 0x85)
			brk = 2;
		else if (s[i] == 0xe2 && i + 2 < y->len && s[i + 1] == 0x80 &&
		         (s[i + 2] == 0xa8 || s[i + 2] == 0xa9))
			brk = 3;
		if (brk) {
			i += brk;
			add_line(y, i);
		} else {
			i++;
		}
	}
}

static size_t utf8_width(unsigned char c)
{
	if (c < 0x80)
		return 1;
	if ((c & 0xe0) == 0xc0)
		return 2;
	if ((c & 0xf0) == 0xe0)
		return 3;
	if ((c & 0xf8) == 0xf0)
		return 4;
	return 1;
}

/* libyaml counts columns in characters; diagnostics count bytes. */
static size_t mark_offset(struct yfront *y, size_t line, size_t column)
{
	if (line >= y->n_lines)
		return y->len;
	size_t col = 0, at = y->lines[line];
	if (y->cache_valid && y->cache_line == line && y->cache_col <= column) {
		col = y->cache_col;
		at = y->cache_byte;
	}
	while (col < column && at < y->len) {
		at += utf8_width((unsigned char)y->text[at]);
		col++;
	}
	if (at > y->len)
		at = y->len;
	y->cache_valid = true;
	y->cache_line = line;
	y->cache_col = col;
	y->cache_byte = at;
	return at;
}

static int clamp_int(size_t v)
{
	return v > 1000000000 ? 1000000000 : (int)v;
}

/* A location from a start and an (exclusive) end mark. */
static struct src_loc span_loc(struct yfront *y, yaml_mark_t start, yaml_mark_t end, size_t *offset)
{
	struct src_loc loc = {y->path, 0, 0, 0, 0};
	size_t at = mark_offset(y, start.line, start.column);
	if (offset)
		*offset = at;
	loc.line = clamp_int(start.line + 1);
	loc.col = clamp_int(at - (start.line < y->n_lines ? y->lines[start.line] : at) + 1);
	size_t end_at = mark_offset(y, end.line, end.column);
	loc.end_line = clamp_int(end.line + 1);
	loc.end_col = clamp_int(end_at - (end.line < y->n_lines ? y->lines[end.line] : end_at));
	if (loc.end_line < loc.line || (loc.end_line == loc.line && loc.end_col < loc.col)) {
		loc.end_line = loc.line;
		loc.end_col = loc.col;
	}
	return loc;
}

static struct src_loc mark_loc(struct yfront *y, yaml_mark_t mark)
{
	return span_loc(y, mark, mark, NULL);
}

/* A location for a byte offset (libyaml's reader reports those). */
static struct src_loc offset_loc(struct yfront *y, size_t offset)
{
	size_t lo = 0, hi = y->n_lines;
	while (hi - lo > 1) {
		size_t mid = lo + (hi - lo) / 2;
		if (y->lines[mid] <= offset)
			lo = mid;
		else
			hi = mid;
	}
	int col = clamp_int(offset >= y->lines[lo] ? offset - y->lines[lo] + 1 : 1);
	return (struct src_loc){y->path, clamp_int(lo + 1), col, clamp_int(lo + 1), col};
}

/* The location of bytes [off, off+n) of a scalar's value: exact when the
 * value is its source text, else the whole scalar. */
static struct src_loc sub_loc(const struct ynode *n, size_t off, size_t count)
{
	struct src_loc loc = n->loc;
	if (!n->exact)
		return loc;
	loc.col = clamp_int((size_t)n->loc.col + n->quote_skip + off);
	loc.end_line = loc.line;
	loc.end_col = clamp_int((size_t)loc.col + (count ? count - 1 : 0));
	return loc;
}

/* Text fit for a message: printable ASCII kept, the rest as \xHH, long text
 * cut. A value may hold newlines or NULs that must not reach the terminal. */
static const char *shown(const char *s, size_t len, char out[96])
{
	static const char hex[] = "0123456789abcdef";
	size_t o = 0;
	for (size_t i = 0; i < len; i++) {
		unsigned char c = (unsigned char)s[i];
		if (o + 8 >= 96) {
			memcpy(out + o, "...", 3);
			o += 3;
			break;
		}
		if (c >= 0x20 && c < 0x7f && c != '\\') {
			out[o++] = (char)c;
		} else {
			out[o++] = '\\';
			out[o++] = 'x';
			out[o++] = hex[c >> 4];
			out[o++] = hex[c & 0xf];
		}
	}
	out[o] = '\0';
	return out;
}

/* ---- anchors --------------------------------------------------------------------- */

static size_t anchor_hash(const char *name)
{
	size_t h = 1469598103934665603u;
	for (; *name; name++)
		h = (h ^ (unsigned char)*name) * 1099511628211u;
	return h;
}

static struct anchor *anchor_slot(struct anchor *table, size_t cap, const char *name)
{
	size_t i = anchor_hash(name) & (cap - 1);
	while (table[i].name && strcmp(table[i].name, name) != 0)
		i = (i + 1) & (cap - 1);
	return &table[i];
}

/* A second anchor of the same name replaces the first (YAML 1.2). */
static void anchor_define(struct yfront *y, const char *name, struct ynode *node)
{
	if (2 * (y->n_anchors + 1) > y->cap_anchors) {
		size_t cap = y->cap_anchors ? 2 * y->cap_anchors : 64;
		struct anchor *table = xcalloc(cap, sizeof(*table));
		for (size_t i = 0; i < y->cap_anchors; i++)
			if (y->anchors[i].name)
				*anchor_slot(table, cap, y->anchors[i].name) = y->anchors[i];
		free(y->anchors);
		y->anchors = table;
		y->cap_anchors = cap;
	}
	struct anchor *slot = anchor_slot(y->anchors, y->cap_anchors, name);
	if (!slot->name) {
		slot->name = xstrdup(name);
		y->n_anchors++;
	}
	slot->node = node;
}

static struct ynode *anchor_find(struct yfront *y, const char *name)
{
	if (!y->cap_anchors)
		return NULL;
	return anchor_slot(y->anchors, y->cap_anchors, name)->node;
}

/* ---- events to the document tree ---------------------------------------------------- */

static size_t add_saturating(size_t a, size_t b)
{
	size_t cap = (size_t)YAML_FRONT_MAX_ALIAS_NODES + 1;
	return a + b > cap || a + b < a ? cap : a + b;
}

static struct ynode *node_new(struct yfront *y, enum ynode_kind kind, yaml_mark_t start,
                              yaml_mark_t end)
{
	struct ynode *n = xcalloc(1, sizeof(*n));
	n->kind = kind;
	n->loc = span_loc(y, start, end, &n->src_off);
	n->weight = 1;
	n->height = 1;
	xgrow((void **)&y->nodes, &y->cap_nodes, y->n_nodes + 1, sizeof(*y->nodes));
	y->nodes[y->n_nodes++] = n;
	return n;
}

static void node_attach(struct yfront *y, struct ynode *n)
{
	if (y->depth == 0) {
		y->root = n;
		return;
	}
	struct ynode *parent = y->open[y->depth - 1];
	xgrow((void **)&parent->kids, &parent->cap_kids, parent->n_kids + 1, sizeof(*parent->kids));
	parent->kids[parent->n_kids++] = n;
}

static const struct ynode *deref(const struct ynode *n)
{
	return n && n->kind == Y_ALIAS ? n->target : n;
}

/* Tags have no meaning in a policy; !!str is accepted as "this is a string". */
static bool tag_ok(struct yfront *y, const yaml_char_t *tag, yaml_mark_t mark, bool *as_string)
{
	if (!tag)
		return true;
	if (as_string && strcmp((const char *)tag, YAML_STR_TAG) == 0) {
		*as_string = true;
		return true;
	}
	char buf[96];
	const char *t = (const char *)tag;
	diag_error(y->d, mark_loc(y, mark),
	           "YAML tags are not used in policies ('%s'); to write a value that starts "
	           "with '!', quote it",
	           shown(t, strlen(t), buf));
	return false;
}

struct key_ref {
	const struct ynode *key; /* as written (perhaps an alias) */
	const char *text;
	size_t len;
	size_t index;
};

static int key_ref_cmp(const void *a, const void *b)
{
	const struct key_ref *x = a, *y = b;
	if (x->len != y->len)
		return x->len < y->len ? -1 : 1;
	int c = memcmp(x->text, y->text, x->len);
	if (c)
		return c;
	return x->index < y->index ? -1 : x->index > y->index;
}

/* Sorting keeps a mapping with a million keys linear-logarithmic. */
static void check_duplicate_keys(struct yfront *y, const struct ynode *map)
{
	size_t pairs = map->n_kids / 2, n = 0;
	if (pairs < 2)
		return;
	struct key_ref *keys = xcalloc(pairs, sizeof(*keys));
	for (size_t i = 0; i < pairs; i++) {
		const struct ynode *k = deref(map->kids[2 * i]);
		if (k->kind != Y_SCALAR)
			continue;
		keys[n++] = (struct key_ref){map->kids[2 * i], k->text, k->len, i};
	}
	qsort(keys, n, sizeof(*keys), key_ref_cmp);
	for (size_t i = 1; i < n; i++) {
		size_t first = i - 1;
		while (i < n && keys[i].len == keys[first].len &&
		       memcmp(keys[i].text, keys[first].text, keys[i].len) == 0) {
			char buf[96];
			const char *name = shown(keys[i].text, keys[i].len, buf);
			diag_error(y->d, keys[i].key->loc, "duplicate key '%s'", name);
			diag_note(y->d, keys[first].key->loc, "'%s' is first given here", name);
			i++;
		}
	}
	free(keys);
}

static bool is_null_text(const char *s, size_t len)
{
	return len == 0 || (len == 1 && s[0] == '~') ||
	       (len == 4 &&
	        (!memcmp(s, "null", 4) || !memcmp(s, "Null", 4) || !memcmp(s, "NULL", 4)));
}

static void on_scalar(struct yfront *y, const yaml_event_t *ev)
{
	struct ynode *n = node_new(y, Y_SCALAR, ev->start_mark, ev->end_mark);
	n->text = xstrndup((const char *)ev->data.scalar.value, ev->data.scalar.length);
	n->len = ev->data.scalar.length;
	n->quoted = ev->data.scalar.style != YAML_PLAIN_SCALAR_STYLE;
	tag_ok(y, ev->data.scalar.tag, ev->start_mark, &n->quoted);
	/* Positions inside the value are columns when the value is its own
	 * source text: plain, or quoted without escapes, on one line. */
	size_t quote = ev->data.scalar.style == YAML_SINGLE_QUOTED_SCALAR_STYLE ||
	                       ev->data.scalar.style == YAML_DOUBLE_QUOTED_SCALAR_STYLE
	                   ? 1
	                   : 0;
	size_t start = n->src_off + quote;
	n->exact = (ev->data.scalar.style == YAML_PLAIN_SCALAR_STYLE || quote) &&
	           ev->start_mark.line == ev->end_mark.line && start + n->len <= y->len &&
	           memcmp(y->text + start, n->text, n->len) == 0;
	n->quote_skip = quote;
	if (ev->data.scalar.anchor)
		anchor_define(y, (const char *)ev->data.scalar.anchor, n);
	n->complete = true;
	node_attach(y, n);
}

static void too_deep(struct yfront *y, struct src_loc loc, const char *how)
{
	diag_error(y->d, loc, "the document is nested more than %d levels deep%s",
	           YAML_FRONT_MAX_DEPTH, how);
	y->stop = true;
}

static void on_start(struct yfront *y, const yaml_event_t *ev, enum ynode_kind kind)
{
	if (y->depth + 1 > YAML_FRONT_MAX_DEPTH) {
		too_deep(y, mark_loc(y, ev->start_mark), "");
		return;
	}
	struct ynode *n = node_new(y, kind, ev->start_mark, ev->end_mark);
	const yaml_char_t *anchor, *tag;
	if (kind == Y_SEQUENCE) {
		anchor = ev->data.sequence_start.anchor;
		tag = ev->data.sequence_start.tag;
	} else {
		anchor = ev->data.mapping_start.anchor;
		tag = ev->data.mapping_start.tag;
	}
	tag_ok(y, tag, ev->start_mark, NULL);
	if (anchor)
		anchor_define(y, (const char *)anchor, n);
	node_attach(y, n);
	xgrow((void **)&y->open, &y->cap_open, y->depth + 1, sizeof(*y->open));
	y->open[y->depth++] = n;
}

static void on_end(struct yfront *y, const yaml_event_t *ev)
{
	struct ynode *n = y->open[--y->depth];
	struct src_loc end = mark_loc(y, ev->end_mark);
	n->loc.end_line = end.line;
	n->loc.end_col = end.col > 1 ? end.col - 1 : end.col;
	for (size_t i = 0; i < n->n_kids; i++) {
		n->weight = add_saturating(n->weight, n->kids[i]->weight);
		if (n->kids[i]->height + 1 > n->height)
			n->height = n->kids[i]->height + 1;
	}
	if (n->kind == Y_MAPPING)
		check_duplicate_keys(y, n);
	n->complete = true;
}

static void on_alias(struct yfront *y, const yaml_event_t *ev)
{
	const char *name = (const char *)ev->data.alias.anchor;
	struct src_loc loc = span_loc(y, ev->start_mark, ev->end_mark, NULL);
	struct ynode *target = anchor_find(y, name);
	char buf[96];
	if (!target) {
		diag_error(y->d, loc,
		           "alias '*%s' names no anchor: write '&%s' on a node before it",
		           shown(name, strlen(name), buf), buf);
		y->stop = true;
		return;
	}
	if (!target->complete) {
		diag_error(y->d, loc,
		           "alias '*%s' is inside the node it names; a policy cannot be recursive",
		           shown(name, strlen(name), buf));
		diag_note(y->d, target->loc, "'&%s' is here", buf);
		y->stop = true;
		return;
	}
	if (y->depth + (size_t)target->height > YAML_FRONT_MAX_DEPTH) {
		too_deep(y, loc, " once its aliases are expanded");
		return;
	}
	y->alias_nodes = add_saturating(y->alias_nodes, target->weight);
	if (y->alias_nodes > YAML_FRONT_MAX_ALIAS_NODES) {
		diag_error(y->d, loc,
		           "aliases expand to more than %d nodes; refusing what looks like a "
		           "'billion laughs' document",
		           YAML_FRONT_MAX_ALIAS_NODES);
		y->stop = true;
		return;
	}
	struct ynode *n = node_new(y, Y_ALIAS, ev->start_mark, ev->end_mark);
	n->target = target;
	n->weight = target->weight;
	n->height = target->height;
	n->complete = true;
	node_attach(y, n);
}

static void report_libyaml_error(struct yfront *y, const yaml_parser_t *p)
{
	switch (p->error) {
	case YAML_MEMORY_ERROR:
		diag_error(y->d, (struct src_loc){y->path, 0, 0, 0, 0},
		           "cannot parse the YAML: out of memory");
		break;
	case YAML_READER_ERROR:
		diag_error(y->d, offset_loc(y, p->problem_offset), "invalid YAML input: %s",
		           p->problem ? p->problem : "unreadable");
		break;
	default:
		diag_error(y->d, mark_loc(y, p->problem_mark), "YAML syntax error: %s%s%s",
		           p->problem ? p->problem : "invalid YAML", p->context ? " " : "",
		           p->context ? p->context : "");
		if (p->context)
			diag_note(y->d, mark_loc(y, p->context_mark), "the construct starts here");
		break;
	}
}

/* Pass 1. Returns the root node, or NULL (after reporting) when the event
 * stream was abandoned or the document is empty. */
static struct ynode *build_tree(struct yfront *y)
{
	yaml_parser_t parser;
	if (!yaml_parser_initialize(&parser)) {
		diag_error(y->d, (struct src_loc){y->path, 0, 0, 0, 0},
		           "cannot start the YAML parser: out of memory");
		return NULL;
	}
	yaml_parser_set_input_string(&parser, (const unsigned char *)y->text, y->len);
	yaml_parser_set_encoding(&parser, YAML_UTF8_ENCODING);
	bool done = false;
	while (!done && !y->stop) {
		yaml_event_t ev;
		if (!yaml_parser_parse(&parser, &ev)) {
			report_libyaml_error(y, &parser);
			y->stop = true;
			break;
		}
		switch (ev.type) {
		case YAML_DOCUMENT_START_EVENT:
			if (++y->documents > 1) {
				diag_error(
				    y->d, mark_loc(y, ev.start_mark),
				    "a second YAML document; a policy file holds exactly one "
				    "(remove this '---' or split the file)");
				y->stop = true;
			}
			break;
		case YAML_SCALAR_EVENT:
			on_scalar(y, &ev);
			break;
		case YAML_SEQUENCE_START_EVENT:
			on_start(y, &ev, Y_SEQUENCE);
			break;
		case YAML_MAPPING_START_EVENT:
			on_start(y, &ev, Y_MAPPING);
			break;
		case YAML_SEQUENCE_END_EVENT:
		case YAML_MAPPING_END_EVENT:
			on_end(y, &ev);
			break;
		case YAML_ALIAS_EVENT:
			on_alias(y, &ev);
			break;
		case YAML_STREAM_END_EVENT:
			done = true;
			break;
		default:
			break;
		}
		yaml_event_delete(&ev);
	}
	yaml_parser_delete(&parser);
	if (y->stop)
		return NULL;
	const struct ynode *root = deref(y->root);
	if (!root ||
	    (root->kind == Y_SCALAR && !root->quoted && is_null_text(root->text, root->len))) {
		diag_error(y->d, root ? root->loc : offset_loc(y, y->len),
		           "the YAML document is empty; a policy file is a mapping with "
		           "'policies' (and optionally 'include', 'const', 'groups')");
		return NULL;
	}
	return y->root;
}

/* ---- typed access ------------------------------------------------------------------ */

static bool is_null(const struct ynode *n)
{
	n = deref(n);
	return n->kind == Y_SCALAR && !n->quoted && is_null_text(n->text, n->len);
}

static const char *kind_text(const struct ynode *n)
{
	n = deref(n);
	if (is_null(n))
		return "nothing (null)";
	switch (n->kind) {
	case Y_SCALAR:
		return "a scalar";
	case Y_SEQUENCE:
		return "a sequence";
	case Y_MAPPING:
		return "a mapping";
	case Y_ALIAS:
		break;
	}
	return "an alias";
}

/* `what` reads as the subject: "'fs' must be a sequence of statements". */
static bool want(struct yfront *y, const struct ynode *n, enum ynode_kind kind, const char *what)
{
	const struct ynode *t = deref(n);
	if (t->kind == kind && (kind != Y_SCALAR || !is_null(t)))
		return true;
	static const char *const names[] = {
	    [Y_SCALAR] = "a scalar",
	    [Y_SEQUENCE] = "a sequence",
	    [Y_MAPPING] = "a mapping",
	    [Y_ALIAS] = "an alias",
	};
	diag_error(y->d, t->loc, "%s must be %s, not %s", what, names[kind], kind_text(t));
	return false;
}

/* A scalar or a sequence of them, as a list of nodes: `arch: x86_64` and
 * `arch: [x86_64, x86]` both work. Returns the count; *items points into
 * the tree or at `one`. */
static size_t scalar_or_list(struct yfront *y, const struct ynode *n, const char *what,
                             struct ynode *const **items, struct ynode **one)
{
	const struct ynode *t = deref(n);
	if (t->kind == Y_SEQUENCE) {
		*items = t->kids;
		return t->n_kids;
	}
	if (!want(y, t, Y_SCALAR, what))
		return 0;
	*one = (struct ynode *)t;
	*items = one;
	return 1;
}

static bool str_eq(const struct ynode *n, const char *s)
{
	return n->len == strlen(s) && memcmp(n->text, s, n->len) == 0;
}

/* Finds a key among `known`; reports an unknown key with a suggestion.
 * Returns its index or -1. */
static int key_index(struct yfront *y, const struct ynode *key, const char *const *known,
                     size_t n_known)
{
	const struct ynode *k = deref(key);
	if (k->kind != Y_SCALAR) {
		diag_error(y->d, k->loc, "a key must be a scalar, not %s", kind_text(k));
		return -1;
	}
	for (size_t i = 0; i < n_known; i++)
		if (str_eq(k, known[i]))
			return (int)i;
	char buf[96];
	const char *name = shown(k->text, k->len, buf);
	const char *best = strlen(k->text) == k->len ? diag_suggest(k->text, known, n_known) : NULL;
	if (best) {
		diag_error(y->d, k->loc, "unknown key '%s'; did you mean '%s'?", name, best);
		return -1;
	}
	struct buf list;
	buf_init(&list);
	for (size_t i = 0; i < n_known; i++)
		buf_printf(&list, "%s'%s'", i ? ", " : "", known[i]);
	diag_error(y->d, k->loc, "unknown key '%s'; expected %s", name, buf_cstr(&list));
	buf_free(&list);
	return -1;
}

static bool bool_value(struct yfront *y, const struct ynode *n, const char *what, bool *out)
{
	const struct ynode *t = deref(n);
	if (t->kind == Y_SCALAR && !t->quoted) {
		if (str_eq(t, "true") || str_eq(t, "True") || str_eq(t, "TRUE")) {
			*out = true;
			return true;
		}
		if (str_eq(t, "false") || str_eq(t, "False") || str_eq(t, "FALSE")) {
			*out = false;
			return true;
		}
	}
	diag_error(y->d, t->loc, "%s must be true or false", what);
	return false;
}

/* ---- words and names, by the language's lexical rules (ast.h) ------------------------- */

enum {
	WORD_IDENT = 1 << AST_WORD_IDENT,
	WORD_STRING = 1 << AST_WORD_STRING,
	WORD_PATH = 1 << AST_WORD_PATH,
	WORD_NUMBER = 1 << AST_WORD_NUMBER
};

/* A word of the language from a scalar. A quoted scalar is a string; a plain
 * one takes the kind the language's lexer would give it. `allowed` is a set
 * of WORD_* bits; `what` names the value in messages. */
static struct ast_word *word_from(struct yfront *y, const struct ynode *n, unsigned allowed,
                                  const char *what)
{
	const struct ynode *t = deref(n);
	if (!want(y, t, Y_SCALAR, what))
		return NULL;
	char buf[96];
	if (t->len > AST_TOKEN_MAX) {
		diag_error(y->d, t->loc, "%s is longer than %d bytes", what, AST_TOKEN_MAX);
		return NULL;
	}
	int kind = ast_lex_kind(t->text, t->len);
	if (t->quoted)
		kind = (allowed & WORD_STRING) || kind != AST_WORD_NUMBER ? AST_WORD_STRING
		                                                          : AST_WORD_NUMBER;
	else if (kind < 0 || !(allowed & (1u << kind)))
		kind = AST_WORD_STRING;
	if (!(allowed & (1u << kind))) {
		if (allowed == WORD_NUMBER)
			diag_error(y->d, t->loc, "%s must be a number, not '%s'", what,
			           shown(t->text, t->len, buf));
		else
			diag_error(y->d, t->loc, "%s must be a number or a name, not '%s'", what,
			           shown(t->text, t->len, buf));
		return NULL;
	}
	return ast_word_new((enum ast_word_kind)kind, xstrndup(t->text, t->len), t->len, t->loc);
}

/* Checks that s[0..len) is a name by `rule`; `loc` is where it is. */
static bool name_ok(struct yfront *y, const char *s, size_t len, enum ast_name_rule rule,
                    struct src_loc loc, const char *what)
{
	char buf[96];
	switch (ast_name_check(s, len, rule)) {
	case AST_NAME_OK:
		return true;
	case AST_NAME_MALFORMED:
		diag_error(y->d, loc, "%s '%s' is not a name: %s", what, shown(s, len, buf),
		           rule == AST_NAME_GROUP
		               ? "use letters, digits, '_' and '-'"
		               : "a name is a letter or '_' followed by letters, "
		                 "digits, '_', '.' and '-'");
		return false;
	case AST_NAME_TOO_LONG:
		diag_error(y->d, loc, "%s is longer than %d bytes", what, AST_TOKEN_MAX);
		return false;
	case AST_NAME_RESERVED:
		diag_error(y->d, loc, "'%s' is a reserved word and cannot be a name",
		           shown(s, len, buf));
		return false;
	}
	return false;
}

/* A name from a whole scalar: returns it allocated, or NULL after an error. */
static char *name_from(struct yfront *y, const struct ynode *n, enum ast_name_rule rule,
                       const char *what)
{
	const struct ynode *t = deref(n);
	if (!want(y, t, Y_SCALAR, what))
		return NULL;
	if (!name_ok(y, t->text, t->len, rule, t->loc, what))
		return NULL;
	return xstrndup(t->text, t->len);
}

static struct ast_word *ident_word(struct yfront *y, const struct ynode *n, const char *what)
{
	char *name = name_from(y, n, AST_NAME_PLAIN, what);
	if (!name)
		return NULL;
	return ast_word_new(AST_WORD_IDENT, name, strlen(name), deref(n)->loc);
}

/* ---- argument filter expressions ------------------------------------------------------------ */

enum xtok {
	X_END,
	X_IDENT,
	X_NUMBER,
	X_OROR,
	X_ANDAND,
	X_NOT,
	X_EQ,
	X_NE,
	X_LT,
	X_LE,
	X_GT,
	X_GE,
	X_BITOR,
	X_BITAND,
	X_LPAREN,
	X_RPAREN,
	X_COMMA,
	X_IN,
	X_BAD,
};

/* One condition string being parsed. */
struct xparse {
	struct yfront *y;
	const struct ynode *n; /* the scalar: text and locations */
	size_t pos;
	enum xtok tok;
	size_t tok_off, tok_len;
	int nesting; /* parentheses and '!' open */
	bool failed;
	bool *depth_reported;
};

static struct src_loc tok_loc(const struct xparse *x)
{
	return sub_loc(x->n, x->tok_off, x->tok_len);
}

static void xfail(struct xparse *x, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* Reports the first error of a condition at the current token; the parse
 * then unwinds without reporting more. */
static void xfail(struct xparse *x, const char *fmt, ...)
{
	if (x->failed)
		return;
	x->failed = true;
	va_list ap;
	va_start(ap, fmt);
	char *msg = xvasprintf(fmt, ap);
	va_end(ap);
	diag_error(x->y->d, tok_loc(x), "%s", msg);
	free(msg);
}

static void xnext(struct xparse *x)
{
	const char *s = x->n->text;
	size_t len = x->n->len;
	while (x->pos < len && s[x->pos] && strchr(" \t\r\n", s[x->pos]))
		x->pos++;
	x->tok_off = x->pos;
	x->tok_len = 0;
	if (x->pos >= len) {
		x->tok = X_END;
		return;
	}
	const char *p = s + x->pos;
	size_t rest = len - x->pos, n;
	static const struct {
		const char *text;
		enum xtok tok;
	} ops[] = {
	    {"||", X_OROR},  {"&&", X_ANDAND}, {"==", X_EQ},    {"!=", X_NE},   {"<=", X_LE},
	    {">=", X_GE},    {"!", X_NOT},     {"<", X_LT},     {">", X_GT},    {"|", X_BITOR},
	    {"&", X_BITAND}, {"(", X_LPAREN},  {")", X_RPAREN}, {",", X_COMMA},
	};
	if ((n = ast_ident_span(p, rest)) > 0) {
		x->tok = n == 2 && !memcmp(p, "in", 2) ? X_IN : X_IDENT;
	} else if ((n = ast_number_span(p, rest)) > 0) {
		x->tok = X_NUMBER;
	} else {
		x->tok = X_BAD;
		n = 1;
		for (size_t i = 0; i < ARRAY_SIZE(ops); i++) {
			size_t l = strlen(ops[i].text);
			if (l <= rest && memcmp(p, ops[i].text, l) == 0) {
				x->tok = ops[i].tok;
				n = l;
				break;
			}
		}
	}
	x->tok_len = n;
	x->pos += n;
	if (x->tok == X_BAD) {
		char buf[96];
		xfail(x, "invalid character '%s' in the condition", shown(p, 1, buf));
	} else if (x->tok == X_IDENT && ast_is_reserved(p, n)) {
		char buf[96];
		xfail(
		    x,
		    "unexpected '%s' in the condition; it is a reserved word and cannot be a name",
		    shown(p, n, buf));
	}
}

static void xunexpected(struct xparse *x, const char *expected)
{
	char buf[96];
	if (x->tok == X_END)
		xfail(x, "unexpected end of the condition, expected %s", expected);
	else
		xfail(x, "unexpected '%s' in the condition, expected %s",
		      shown(x->n->text + x->tok_off, x->tok_len, buf), expected);
}

static int expr_depth(const struct ast_expr *e)
{
	int deepest = 0, d;
	if (e->lhs && (d = expr_depth(e->lhs)) > deepest)
		deepest = d;
	if (e->rhs && (d = expr_depth(e->rhs)) > deepest)
		deepest = d;
	for (const struct ast_expr *v = e->list; v; v = v->next)
		if ((d = expr_depth(v)) > deepest)
			deepest = d;
	return deepest + 1;
}

/* Refuses a tree deeper than the language allows, as parser.y does: the
 * error is reported once per condition and the tree becomes a leaf, so that
 * no later pass recurses deeper. */
static struct ast_expr *expr_checked(struct yfront *y, bool *reported, struct ast_expr *e)
{
	if (!e || expr_depth(e) <= AST_EXPR_MAX_DEPTH)
		return e;
	if (!*reported)
		diag_error(y->d, e->loc, "expression nested too deeply (more than %d levels)",
		           AST_EXPR_MAX_DEPTH);
	*reported = true;
	struct ast_expr *leaf = ast_expr_new(AST_EXPR_NUMBER, e->loc);
	leaf->text = xstrdup("0");
	ast_expr_free(e);
	return leaf;
}

static struct src_loc span_of(struct src_loc a, struct src_loc b)
{
	a.end_line = b.end_line;
	a.end_col = b.end_col;
	return a;
}

static struct ast_expr *binary(struct yfront *y, bool *reported, enum ast_expr_kind kind,
                               struct ast_expr *lhs, struct ast_expr *rhs)
{
	struct ast_expr *e = ast_expr_new(kind, span_of(lhs->loc, rhs->loc));
	e->lhs = lhs;
	e->rhs = rhs;
	return expr_checked(y, reported, e);
}

static struct ast_expr *x_or(struct xparse *x);
static struct ast_expr *x_cmp(struct xparse *x);

/* The grammar, loosest first (docs/language.md):
 *   or      := and { "||" and }
 *   and     := cmp { "&&" cmp }
 *   cmp     := bitor [ CMPOP bitor | "in" "(" or { "," or } ")" ]
 *   bitor   := bitand { "|" bitand }
 *   bitand  := primary { "&" primary }
 *   primary := IDENT | NUMBER | "(" or ")" | "!" cmp
 * "!" takes a comparison, as bison's precedences make it do in parser.y.
 * Each '(' and '!' counts against AST_EXPR_MAX_DEPTH before recursing, so the
 * recursion is bounded whatever the text. */
static struct ast_expr *x_primary(struct xparse *x)
{
	if (x->failed)
		return NULL;
	if (x->tok == X_IDENT || x->tok == X_NUMBER) {
		struct ast_expr *e =
		    ast_expr_new(x->tok == X_IDENT ? AST_EXPR_IDENT : AST_EXPR_NUMBER, tok_loc(x));
		e->text = xstrndup(x->n->text + x->tok_off, x->tok_len);
		xnext(x);
		return e;
	}
	if (x->tok != X_LPAREN && x->tok != X_NOT) {
		xunexpected(x, "a name, a number, '(' or '!'");
		return NULL;
	}
	enum xtok open = x->tok;
	struct src_loc open_loc = tok_loc(x);
	if (++x->nesting > AST_EXPR_MAX_DEPTH) {
		if (!*x->depth_reported)
			diag_error(x->y->d, open_loc,
			           "expression nested too deeply (more than %d levels)",
			           AST_EXPR_MAX_DEPTH);
		*x->depth_reported = true;
		x->failed = true;
		return NULL;
	}
	xnext(x);
	struct ast_expr *e;
	if (open == X_NOT) {
		struct ast_expr *operand = x_cmp(x);
		if (!operand)
			return NULL;
		e = ast_expr_new(AST_EXPR_NOT, span_of(open_loc, operand->loc));
		e->lhs = operand;
		e = expr_checked(x->y, x->depth_reported, e);
	} else {
		e = x_or(x);
		if (e && x->tok != X_RPAREN) {
			xunexpected(x, "')'");
			ast_expr_free(e);
			return NULL;
		}
		if (e)
			xnext(x);
	}
	x->nesting--;
	return e;
}

/* bitand and bitor: left-associative chains of `sub` joined by `op`. */
static struct ast_expr *x_chain(struct xparse *x, enum xtok op, enum ast_expr_kind kind,
                                struct ast_expr *(*sub)(struct xparse *))
{
	struct ast_expr *lhs = sub(x);
	while (lhs && !x->failed && x->tok == op) {
		xnext(x);
		struct ast_expr *rhs = sub(x);
		if (!rhs) {
			ast_expr_free(lhs);
			return NULL;
		}
		lhs = binary(x->y, x->depth_reported, kind, lhs, rhs);
	}
	return lhs;
}

static struct ast_expr *x_bitand(struct xparse *x)
{
	return x_chain(x, X_BITAND, AST_EXPR_BITAND, x_primary);
}

static struct ast_expr *x_bitor(struct xparse *x)
{
	return x_chain(x, X_BITOR, AST_EXPR_BITOR, x_bitand);
}

static bool cmp_token(enum xtok t, enum ast_cmp_op *op)
{
	switch (t) {
	case X_EQ:
		*op = AST_CMP_EQ;
		return true;
	case X_NE:
		*op = AST_CMP_NE;
		return true;
	case X_LT:
		*op = AST_CMP_LT;
		return true;
	case X_LE:
		*op = AST_CMP_LE;
		return true;
	case X_GT:
		*op = AST_CMP_GT;
		return true;
	case X_GE:
		*op = AST_CMP_GE;
		return true;
	default:
		return false;
	}
}

/* "in" "(" or { "," or } ")" after lhs. */
static struct ast_expr *x_in_list(struct xparse *x, struct ast_expr *lhs)
{
	struct ast_expr *e = ast_expr_new(AST_EXPR_IN, lhs->loc);
	e->lhs = lhs;
	xnext(x);
	if (x->tok != X_LPAREN) {
		xunexpected(x, "'(' after 'in'");
		ast_expr_free(e);
		return NULL;
	}
	struct ast_expr **tail = &e->list;
	do {
		xnext(x);
		struct ast_expr *v = x_or(x);
		if (!v) {
			ast_expr_free(e);
			return NULL;
		}
		TAIL_APPEND(tail, v);
	} while (x->tok == X_COMMA);
	if (x->tok != X_RPAREN) {
		xunexpected(x, "',' or ')'");
		ast_expr_free(e);
		return NULL;
	}
	e->loc = span_of(e->loc, tok_loc(x));
	xnext(x);
	return expr_checked(x->y, x->depth_reported, e);
}

static struct ast_expr *x_cmp(struct xparse *x)
{
	struct ast_expr *lhs = x_bitor(x), *e = lhs;
	enum ast_cmp_op op;
	if (!lhs || x->failed)
		return lhs;
	if (cmp_token(x->tok, &op)) {
		xnext(x);
		struct ast_expr *rhs = x_bitor(x);
		if (!rhs) {
			ast_expr_free(lhs);
			return NULL;
		}
		e = ast_expr_new(AST_EXPR_CMP, span_of(lhs->loc, rhs->loc));
		e->op = op;
		e->lhs = lhs;
		e->rhs = rhs;
		e = expr_checked(x->y, x->depth_reported, e);
	} else if (x->tok == X_IN) {
		e = x_in_list(x, lhs);
		if (!e)
			return NULL;
	} else {
		return lhs;
	}
	/* Comparisons do not chain (%nonassoc in parser.y). */
	if (cmp_token(x->tok, &op) || x->tok == X_IN) {
		xunexpected(x, "'&&', '||' or the end: comparisons do not chain");
		ast_expr_free(e);
		return NULL;
	}
	return e;
}

static struct ast_expr *x_and(struct xparse *x)
{
	return x_chain(x, X_ANDAND, AST_EXPR_AND, x_cmp);
}

static struct ast_expr *x_or(struct xparse *x)
{
	return x_chain(x, X_OROR, AST_EXPR_OR, x_and);
}

/* Parses a whole scalar as a condition (or, with `term_only`, as a value:
 * a number, a constant, or '|' and '&' of them). */
static struct ast_expr *parse_expr_scalar(struct yfront *y, const struct ynode *n, bool term_only,
                                          bool *depth_reported)
{
	const struct ynode *t = deref(n);
	if (!want(y, t, Y_SCALAR, term_only ? "a value" : "a condition"))
		return NULL;
	struct xparse x = {.y = y, .n = t, .depth_reported = depth_reported};
	xnext(&x);
	struct ast_expr *e = term_only ? x_bitor(&x) : x_or(&x);
	if (e && !x.failed && x.tok != X_END)
		xunexpected(&x, term_only ? "'|', '&' or the end of the value"
		                          : "an operator or the end of the condition");
	if (x.failed) {
		ast_expr_free(e);
		return NULL;
	}
	return e;
}

/* ---- structured conditions ---------------------------------------------------------------- */

static const char *const cond_keys[] = {"all", "any", "not", "arg", "op", "value", "in", "mask"};
enum { CK_ALL, CK_ANY, CK_NOT, CK_ARG, CK_OP, CK_VALUE, CK_IN, CK_MASK, CK_COUNT };

static struct ast_expr *cond_from(struct yfront *y, const struct ynode *n, bool *reported);

static struct ast_expr *cond_list(struct yfront *y, const struct ynode *list,
                                  enum ast_expr_kind kind, const char *key, bool *reported)
{
	char what[32];
	snprintf(what, sizeof(what), "'%s'", key);
	if (!want(y, list, Y_SEQUENCE, what))
		return NULL;
	const struct ynode *l = deref(list);
	if (l->n_kids == 0) {
		diag_error(y->d, l->loc, "'%s' needs at least one condition", key);
		return NULL;
	}
	struct ast_expr *acc = NULL;
	for (size_t i = 0; i < l->n_kids; i++) {
		struct ast_expr *e = cond_from(y, l->kids[i], reported);
		if (!e) {
			ast_expr_free(acc);
			return NULL;
		}
		acc = acc ? binary(y, reported, kind, acc, e) : e;
	}
	return acc;
}

static bool op_from(struct yfront *y, const struct ynode *n, enum ast_cmp_op *op)
{
	static const struct {
		const char *sym, *word;
		enum ast_cmp_op op;
	} ops[] = {
	    {"==", "eq", AST_CMP_EQ}, {"!=", "ne", AST_CMP_NE}, {"<", "lt", AST_CMP_LT},
	    {"<=", "le", AST_CMP_LE}, {">", "gt", AST_CMP_GT},  {">=", "ge", AST_CMP_GE},
	};
	const struct ynode *t = deref(n);
	if (!want(y, t, Y_SCALAR, "'op'"))
		return false;
	for (size_t i = 0; i < ARRAY_SIZE(ops); i++)
		if (str_eq(t, ops[i].sym) || str_eq(t, ops[i].word)) {
			*op = ops[i].op;
			return true;
		}
	char buf[96];
	diag_error(y->d, t->loc, "unknown comparison '%s'; 'op' is one of ==, !=, <, <=, >, >=",
	           shown(t->text, t->len, buf));
	return false;
}

/* {arg: NAME, [mask: V,] (op: OP, value: V | in: [V, ...])} */
static struct ast_expr *cond_compare(struct yfront *y, const struct ynode *map,
                                     const struct ynode *const *v, bool *reported)
{
	struct ast_expr *lhs = NULL, *e = NULL;
	if (v[CK_VALUE] && v[CK_IN]) {
		diag_error(y->d, deref(v[CK_IN])->loc, "give either 'value' or 'in', not both");
		return NULL;
	}
	if (!v[CK_VALUE] && !v[CK_IN]) {
		diag_error(y->d, map->loc, "a comparison needs 'value' (with 'op') or 'in'");
		return NULL;
	}
	if (v[CK_OP] && v[CK_IN]) {
		diag_error(y->d, deref(v[CK_OP])->loc, "'op' goes with 'value', not with 'in'");
		return NULL;
	}
	char *arg = name_from(y, v[CK_ARG], AST_NAME_PLAIN, "'arg'");
	if (!arg)
		return NULL;
	lhs = ast_expr_new(AST_EXPR_IDENT, deref(v[CK_ARG])->loc);
	lhs->text = arg;
	if (v[CK_MASK]) {
		struct ast_expr *mask = parse_expr_scalar(y, v[CK_MASK], true, reported);
		if (!mask)
			goto fail;
		lhs = binary(y, reported, AST_EXPR_BITAND, lhs, mask);
	}
	if (v[CK_IN]) {
		const struct ynode *list = deref(v[CK_IN]);
		if (!want(y, list, Y_SEQUENCE, "'in'"))
			goto fail;
		if (list->n_kids == 0) {
			diag_error(y->d, list->loc, "'in' needs at least one value");
			goto fail;
		}
		e = ast_expr_new(AST_EXPR_IN, span_of(lhs->loc, list->loc));
		e->lhs = lhs;
		lhs = NULL;
		struct ast_expr **tail = &e->list;
		for (size_t i = 0; i < list->n_kids; i++) {
			struct ast_expr *value =
			    parse_expr_scalar(y, list->kids[i], true, reported);
			if (!value)
				goto fail;
			TAIL_APPEND(tail, value);
		}
		return expr_checked(y, reported, e);
	}
	enum ast_cmp_op op = AST_CMP_EQ;
	if (v[CK_OP] && !op_from(y, v[CK_OP], &op))
		goto fail;
	struct ast_expr *value = parse_expr_scalar(y, v[CK_VALUE], true, reported);
	if (!value)
		goto fail;
	e = ast_expr_new(AST_EXPR_CMP, span_of(lhs->loc, value->loc));
	e->op = op;
	e->lhs = lhs;
	e->rhs = value;
	return expr_checked(y, reported, e);
fail:
	ast_expr_free(lhs);
	ast_expr_free(e);
	return NULL;
}

static struct ast_expr *cond_from(struct yfront *y, const struct ynode *n, bool *reported)
{
	const struct ynode *t = deref(n);
	if (t->kind == Y_SCALAR && !is_null(t))
		return parse_expr_scalar(y, t, false, reported);
	if (t->kind != Y_MAPPING) {
		diag_error(
		    y->d, t->loc,
		    "a condition is a string (\"cmd == TIOCSTI\") or a mapping ({all: [...]}, "
		    "{any: [...]}, {not: ...}, {arg: NAME, op: OP, value: V}, {arg: NAME, in: "
		    "[...]}), not %s",
		    kind_text(t));
		return NULL;
	}
	const struct ynode *v[CK_COUNT] = {0};
	bool ok = true;
	for (size_t i = 0; i + 1 < t->n_kids; i += 2) {
		int k = key_index(y, t->kids[i], cond_keys, CK_COUNT);
		if (k < 0)
			ok = false;
		else
			v[k] = t->kids[i + 1];
	}
	if (!ok)
		return NULL;
	int forms = !!v[CK_ALL] + !!v[CK_ANY] + !!v[CK_NOT] + !!v[CK_ARG];
	bool extra = v[CK_OP] || v[CK_VALUE] || v[CK_IN] || v[CK_MASK];
	if (forms != 1 || (extra && !v[CK_ARG])) {
		diag_error(y->d, t->loc,
		           "a structured condition has exactly one of 'all', 'any', 'not' or 'arg' "
		           "('op', 'value', 'in' and 'mask' go with 'arg')");
		return NULL;
	}
	struct ast_expr *e = NULL;
	if (v[CK_ALL])
		e = cond_list(y, v[CK_ALL], AST_EXPR_AND, "all", reported);
	else if (v[CK_ANY])
		e = cond_list(y, v[CK_ANY], AST_EXPR_OR, "any", reported);
	else if (v[CK_NOT]) {
		struct ast_expr *operand = cond_from(y, v[CK_NOT], reported);
		if (!operand)
			return NULL;
		e = ast_expr_new(AST_EXPR_NOT, t->loc);
		e->lhs = operand;
		e = expr_checked(y, reported, e);
	} else
		e = cond_compare(y, t, v, reported);
	return e;
}

/* ---- syscall targets and group members ---------------------------------------------------- */

/* A cursor over a scalar written in the language's small syntax for a
 * target ("optional ioctl(fd, cmd)") or a member ("!optional @group"). */
struct cursor {
	struct yfront *y;
	const struct ynode *n;
	size_t pos;
};

static void cur_skip_space(struct cursor *c)
{
	while (c->pos < c->n->len && (c->n->text[c->pos] == ' ' || c->n->text[c->pos] == '\t'))
		c->pos++;
}

static bool cur_word(struct cursor *c, const char *word)
{
	size_t l = strlen(word);
	const char *s = c->n->text + c->pos;
	size_t rest = c->n->len - c->pos;
	if (rest > l && memcmp(s, word, l) == 0 && (s[l] == ' ' || s[l] == '\t')) {
		c->pos += l;
		cur_skip_space(c);
		return true;
	}
	return false;
}

static void cur_unexpected(struct cursor *c, const char *what)
{
	char buf[96];
	const char *s = c->n->text + c->pos;
	size_t rest = c->n->len - c->pos;
	if (rest == 0)
		diag_error(c->y->d, c->n->loc, "'%s' ends too early: expected %s",
		           shown(c->n->text, c->n->len, buf), what);
	else if (*s == ',')
		diag_error(c->y->d, sub_loc(c->n, c->pos, 1),
		           "unexpected ','; write one name per sequence item: [read, write]");
	else
		diag_error(c->y->d, sub_loc(c->n, c->pos, 1), "unexpected '%s', expected %s",
		           shown(s, 1, buf), what);
}

/* "@name" or "name" at the cursor; *is_group says which. */
static char *cur_name(struct cursor *c, bool *is_group, struct src_loc *loc)
{
	const char *s = c->n->text + c->pos;
	size_t rest = c->n->len - c->pos;
	*is_group = rest > 0 && s[0] == '@';
	size_t skip = *is_group ? 1 : 0;
	size_t span = *is_group ? ast_group_name_span(s + 1, rest - 1) : ast_ident_span(s, rest);
	if (span == 0) {
		cur_unexpected(c,
		               *is_group ? "a group name after '@'" : "a syscall or '@group' name");
		return NULL;
	}
	*loc = sub_loc(c->n, c->pos, skip + span);
	if (!name_ok(c->y, s + skip, span, *is_group ? AST_NAME_GROUP : AST_NAME_SYSCALL, *loc,
	             *is_group ? "group" : "syscall"))
		return NULL;
	c->pos += skip + span;
	return xstrndup(s + skip, span);
}

static bool cur_at_end(struct cursor *c)
{
	cur_skip_space(c);
	if (c->pos == c->n->len)
		return true;
	cur_unexpected(c, "the end of the name");
	return false;
}

/* "(a, b)" at the cursor, into t->argnames. */
static bool cur_args(struct cursor *c, struct ast_target *t)
{
	struct ast_word **tail = LIST_TAIL(&t->argnames);
	c->pos++; /* '(' */
	for (;;) {
		cur_skip_space(c);
		const char *s = c->n->text + c->pos;
		size_t span = ast_ident_span(s, c->n->len - c->pos);
		if (span == 0) {
			cur_unexpected(c, "an argument name");
			return false;
		}
		struct src_loc loc = sub_loc(c->n, c->pos, span);
		if (!name_ok(c->y, s, span, AST_NAME_PLAIN, loc, "argument"))
			return false;
		TAIL_APPEND(tail, ast_word_new(AST_WORD_IDENT, xstrndup(s, span), span, loc));
		c->pos += span;
		cur_skip_space(c);
		if (c->pos < c->n->len && c->n->text[c->pos] == ',') {
			c->pos++;
			continue;
		}
		if (c->pos < c->n->len && c->n->text[c->pos] == ')') {
			c->pos++;
			t->has_parens = true;
			return true;
		}
		cur_unexpected(c, "',' or ')'");
		return false;
	}
}

static struct ast_target *target_from_string(struct yfront *y, const struct ynode *n)
{
	struct cursor c = {y, n, 0};
	struct ast_target *t = xcalloc(1, sizeof(*t));
	cur_skip_space(&c);
	t->optional = cur_word(&c, "optional");
	t->name = cur_name(&c, &t->is_group, &t->loc);
	if (!t->name)
		goto fail;
	cur_skip_space(&c);
	if (c.pos < n->len && n->text[c.pos] == '(' && !cur_args(&c, t))
		goto fail;
	if (!cur_at_end(&c))
		goto fail;
	return t;
fail:
	ast_target_free(t);
	return NULL;
}

/* {name: ioctl, args: [fd, cmd], optional: true} */
static struct ast_target *target_from_mapping(struct yfront *y, const struct ynode *m)
{
	static const char *const keys[] = {"name", "args", "optional"};
	const struct ynode *v[3] = {0};
	bool ok = true;
	for (size_t i = 0; i + 1 < m->n_kids; i += 2) {
		int k = key_index(y, m->kids[i], keys, ARRAY_SIZE(keys));
		if (k < 0)
			ok = false;
		else
			v[k] = m->kids[i + 1];
	}
	if (!ok)
		return NULL;
	if (!v[0]) {
		diag_error(y->d, m->loc, "a target needs a 'name'");
		return NULL;
	}
	if (!want(y, v[0], Y_SCALAR, "a target's 'name'"))
		return NULL;
	struct cursor c = {y, deref(v[0]), 0};
	struct ast_target *t = xcalloc(1, sizeof(*t));
	t->name = cur_name(&c, &t->is_group, &t->loc);
	if (!t->name || !cur_at_end(&c))
		goto fail;
	if (v[2] && !bool_value(y, v[2], "'optional'", &t->optional))
		goto fail;
	if (v[1]) {
		struct ynode *const *items;
		struct ynode *one;
		size_t count = scalar_or_list(y, v[1], "'args'", &items, &one);
		if (count == 0) {
			if (deref(v[1])->kind == Y_SEQUENCE)
				diag_error(y->d, deref(v[1])->loc,
				           "'args' needs at least one name");
			goto fail;
		}
		struct ast_word **tail = &t->argnames;
		for (size_t i = 0; i < count; i++) {
			struct ast_word *w = ident_word(y, items[i], "an argument");
			if (!w)
				goto fail;
			TAIL_APPEND(tail, w);
		}
		t->has_parens = true;
	}
	return t;
fail:
	ast_target_free(t);
	return NULL;
}

/* Targets: one, or a sequence; each a string or a mapping. */
static bool targets_from(struct yfront *y, const struct ynode *n, struct ast_target **out)
{
	const struct ynode *t = deref(n);
	struct ynode *const *items = NULL;
	struct ynode *one = NULL;
	size_t count;
	if (t->kind == Y_MAPPING) {
		one = (struct ynode *)t;
		items = &one;
		count = 1;
	} else {
		count = scalar_or_list(y, t, "the targets", &items, &one);
	}
	if (count == 0) {
		if (t->kind == Y_SEQUENCE)
			diag_error(y->d, t->loc, "a rule needs at least one target");
		return false;
	}
	bool ok = true;
	struct ast_target **tail = LIST_TAIL(out);
	for (size_t i = 0; i < count; i++) {
		const struct ynode *item = deref(items[i]);
		struct ast_target *target = NULL;
		if (item->kind == Y_MAPPING)
			target = target_from_mapping(y, item);
		else if (want(y, item, Y_SCALAR, "a target"))
			target = target_from_string(y, item);
		if (target)
			TAIL_APPEND(tail, target);
		else
			ok = false;
	}
	return ok;
}

static struct ast_group_member *member_from(struct yfront *y, const struct ynode *n)
{
	const struct ynode *t = deref(n);
	if (!want(y, t, Y_SCALAR, "a group member"))
		return NULL;
	struct cursor c = {y, t, 0};
	struct ast_group_member *m = xcalloc(1, sizeof(*m));
	cur_skip_space(&c);
	if (c.pos < t->len && t->text[c.pos] == '!') {
		m->exclude = true;
		c.pos++;
		cur_skip_space(&c);
	}
	m->optional = cur_word(&c, "optional");
	m->name = cur_name(&c, &m->is_group, &m->loc);
	if (!m->name || !cur_at_end(&c)) {
		ast_group_member_free(m);
		return NULL;
	}
	return m;
}

/* name: [member, ...]; the name with or without its '@'. */
static struct ast_group *group_from(struct yfront *y, const struct ynode *key,
                                    const struct ynode *value)
{
	const struct ynode *k = deref(key);
	if (!want(y, k, Y_SCALAR, "a group name"))
		return NULL;
	size_t at = k->len > 0 && k->text[0] == '@' ? 1 : 0;
	if (!name_ok(y, k->text + at, k->len - at, AST_NAME_GROUP, k->loc, "group"))
		return NULL;
	if (!want(y, value, Y_SEQUENCE, "a group's members"))
		return NULL;
	const struct ynode *list = deref(value);
	if (list->n_kids == 0) {
		diag_error(y->d, list->loc, "a group needs at least one member");
		return NULL;
	}
	struct ast_group *g = xcalloc(1, sizeof(*g));
	g->name = xstrndup(k->text + at, k->len - at);
	g->loc = k->loc;
	struct ast_group_member **tail = &g->members;
	for (size_t i = 0; i < list->n_kids; i++) {
		struct ast_group_member *m = member_from(y, list->kids[i]);
		if (m)
			TAIL_APPEND(tail, m);
	}
	return g;
}

/* ---- syscalls ------------------------------------------------------------------------------- */

static const char *const verbs[] = {"allow", "deny", "kill", "trap", "log"};
static const enum ast_action_kind verb_kinds[] = {AST_ACTION_ALLOW, AST_ACTION_DENY,
                                                  AST_ACTION_KILL, AST_ACTION_TRAP, AST_ACTION_LOG};

static int verb_index(const struct ynode *n)
{
	for (size_t i = 0; i < ARRAY_SIZE(verbs); i++)
		if (str_eq(n, verbs[i]))
			return (int)i;
	return -1;
}

/* allow | deny | kill | trap | log | "errno NAME" | {errno: NAME}, for a
 * default and for a test's expected verdict. */
static bool action_from(struct yfront *y, const struct ynode *value, const char *what,
                        struct ast_action *a)
{
	const struct ynode *t = deref(value);
	const struct ynode *errno_node = NULL;
	struct ynode tail; /* the NAME of "errno NAME", as a node of its own */
	if (t->kind == Y_MAPPING && t->n_kids == 2 && str_eq(deref(t->kids[0]), "errno")) {
		errno_node = t->kids[1];
	} else if (t->kind == Y_SCALAR && t->len > 6 && !memcmp(t->text, "errno ", 6)) {
		size_t skip = 6;
		while (skip < t->len && t->text[skip] == ' ')
			skip++;
		tail = *t;
		tail.text = t->text + skip;
		tail.len = t->len - skip;
		tail.loc = sub_loc(t, skip, tail.len);
		tail.exact = false;
		errno_node = &tail;
	} else if (t->kind == Y_SCALAR && verb_index(t) >= 0) {
		a->kind = verb_kinds[verb_index(t)];
		return true;
	} else {
		char buf[96];
		diag_error(y->d, t->loc,
		           "%s is one of allow, deny, kill, trap, log or 'errno NAME', not %s%s%s",
		           what, t->kind == Y_SCALAR ? "'" : kind_text(t),
		           t->kind == Y_SCALAR ? shown(t->text, t->len, buf) : "",
		           t->kind == Y_SCALAR ? "'" : "");
		return false;
	}
	a->kind = AST_ACTION_ERRNO;
	a->errno_name = name_from(y, errno_node, AST_NAME_PLAIN, "an errno");
	if (!a->errno_name)
		return false;
	a->errno_loc = deref(errno_node)->loc;
	return true;
}

static struct ast_action *default_from(struct yfront *y, const struct ynode *key,
                                       const struct ynode *value)
{
	struct ast_action *a = xcalloc(1, sizeof(*a));
	a->loc = deref(key)->loc;
	if (!action_from(y, value, "'default'", a)) {
		free(a);
		return NULL;
	}
	return a;
}

static const char *const rule_keys[] = {"allow",   "deny", "kill",    "trap",  "log", "action",
                                        "targets", "if",   "because", "errno", "lint"};
enum { RK_ACTION = 5, RK_TARGETS, RK_IF, RK_BECAUSE, RK_ERRNO, RK_LINT, RK_COUNT };

/* The lines a block node covers: libyaml ends a block mapping or sequence
 * where the next token starts, at the beginning of the following line. */
static struct src_loc lines_of(const struct ynode *n)
{
	struct src_loc loc = n->loc;
	if (loc.end_line > loc.line && loc.end_col <= 1)
		loc.end_line--;
	return loc;
}

/* `lint: CL003` or `lint: [CL003, CL004]` on a rule: the comment
 * `# lint: CL003, CL004` spanning the rule's lines, so that it covers every
 * finding of the rule, whichever of its lines the finding points at. */
static bool rule_lint_from(struct yfront *y, const struct ynode *n, struct src_loc rule_loc)
{
	struct ynode *const *items;
	struct ynode *one;
	size_t count = scalar_or_list(y, n, "a rule's 'lint'", &items, &one);
	struct buf text;
	buf_init(&text);
	buf_puts(&text, " lint:");
	for (size_t i = 0; i < count; i++) {
		char *id = name_from(y, items[i], AST_NAME_PLAIN, "a lint rule");
		if (!id) {
			buf_free(&text);
			return false;
		}
		buf_printf(&text, "%s %s", i ? "," : "", id);
		free(id);
	}
	struct ast_comment *c = xcalloc(1, sizeof(*c));
	c->text = xstrdup(buf_cstr(&text));
	c->loc = rule_loc;
	buf_free(&text);
	TAIL_APPEND(y->comments_tail, c);
	return true;
}

static struct ast_rule *rule_from(struct yfront *y, const struct ynode *n)
{
	if (!want(y, n, Y_MAPPING, "a rule"))
		return NULL;
	const struct ynode *m = deref(n), *v[RK_COUNT] = {0}, *verb_key = NULL;
	bool ok = true;
	int verb = -1;
	for (size_t i = 0; i + 1 < m->n_kids; i += 2) {
		int k = key_index(y, m->kids[i], rule_keys, RK_COUNT);
		if (k < 0) {
			ok = false;
			continue;
		}
		v[k] = m->kids[i + 1];
		if (k < RK_ACTION) {
			if (verb >= 0 || v[RK_ACTION]) {
				diag_error(y->d, deref(m->kids[i])->loc,
				           "a rule has one action; this one already has '%s'",
				           verb >= 0 ? verbs[verb] : "action");
				ok = false;
			}
			verb = k;
			verb_key = deref(m->kids[i]);
		} else if (k == RK_ACTION && verb >= 0) {
			diag_error(y->d, deref(m->kids[i])->loc,
			           "a rule has one action; this one already has '%s'", verbs[verb]);
			ok = false;
		}
	}
	if (!ok)
		return NULL;
	const struct ynode *targets = NULL;
	if (v[RK_ACTION]) {
		const struct ynode *a = deref(v[RK_ACTION]);
		if (!want(y, a, Y_SCALAR, "'action'"))
			return NULL;
		verb = verb_index(a);
		if (verb < 0) {
			char buf[96];
			diag_error(
			    y->d, a->loc,
			    "unknown action '%s'; a rule's action is allow, deny, kill, trap or "
			    "log",
			    shown(a->text, a->len, buf));
			return NULL;
		}
		verb_key = a;
		targets = v[RK_TARGETS];
		if (!targets) {
			diag_error(y->d, m->loc, "a rule with 'action' needs 'targets'");
			return NULL;
		}
	} else if (verb >= 0) {
		targets = v[verb];
		if (v[RK_TARGETS]) {
			diag_error(y->d, deref(v[RK_TARGETS])->loc,
			           "the targets are already given after '%s'", verbs[verb]);
			return NULL;
		}
	} else {
		diag_error(
		    y->d, m->loc,
		    "a rule needs an action: allow, deny, kill, trap or log (or 'action' and "
		    "'targets')");
		return NULL;
	}
	if (v[RK_ERRNO] && verb_kinds[verb] != AST_ACTION_DENY) {
		diag_error(y->d, deref(v[RK_ERRNO])->loc,
		           "'errno' goes only with 'deny', not with '%s'", verbs[verb]);
		return NULL;
	}
	struct ast_rule *r = xcalloc(1, sizeof(*r));
	r->action.kind = verb_kinds[verb];
	r->action.loc = verb_key->loc;
	r->loc = verb_key->loc;
	if (!targets_from(y, targets, &r->targets))
		goto fail;
	if (v[RK_ERRNO]) {
		r->action.errno_name = name_from(y, v[RK_ERRNO], AST_NAME_PLAIN, "an errno");
		if (!r->action.errno_name)
			goto fail;
		r->action.errno_loc = deref(v[RK_ERRNO])->loc;
	}
	if (v[RK_IF]) {
		bool reported = false;
		r->cond = cond_from(y, v[RK_IF], &reported);
		if (!r->cond)
			goto fail;
	}
	if (v[RK_BECAUSE]) {
		const struct ynode *b = deref(v[RK_BECAUSE]);
		if (!want(y, b, Y_SCALAR, "'because'"))
			goto fail;
		if (b->len > AST_TOKEN_MAX) {
			diag_error(y->d, b->loc, "'because' is longer than %d bytes",
			           AST_TOKEN_MAX);
			goto fail;
		}
		r->reason = xstrdup(b->text); /* free text for people: a NUL ends it */
	}
	if (v[RK_LINT] && !rule_lint_from(y, v[RK_LINT], lines_of(m)))
		goto fail;
	return r;
fail:
	ast_rule_free(r);
	return NULL;
}

static struct ast_body *body_new(enum ast_body_kind kind, struct src_loc loc)
{
	struct ast_body *b = xcalloc(1, sizeof(*b));
	b->kind = kind;
	b->loc = loc;
	return b;
}

static struct ast_body *syscalls_from(struct yfront *y, const struct ynode *key,
                                      const struct ynode *value)
{
	static const char *const keys[] = {"default", "groups", "rules"};
	struct ast_body *b = body_new(AST_BODY_SYSCALLS, deref(key)->loc);
	if (is_null(value) || !want(y, value, Y_MAPPING, "'syscalls'"))
		return b;
	const struct ynode *m = deref(value);
	struct ast_group **groups = &b->u.syscalls.groups;
	struct ast_rule **rules = &b->u.syscalls.rules;
	for (size_t i = 0; i + 1 < m->n_kids; i += 2) {
		const struct ynode *v = m->kids[i + 1];
		switch (key_index(y, m->kids[i], keys, ARRAY_SIZE(keys))) {
		case 0:
			/* A second `default` is a duplicate key, already reported. */
			if (!b->u.syscalls.default_action)
				b->u.syscalls.default_action = default_from(y, m->kids[i], v);
			break;
		case 1:
			if (is_null(v) || !want(y, v, Y_MAPPING, "'groups'"))
				break;
			for (size_t j = 0; j + 1 < deref(v)->n_kids; j += 2) {
				struct ast_group *g =
				    group_from(y, deref(v)->kids[j], deref(v)->kids[j + 1]);
				if (g)
					TAIL_APPEND(groups, g);
			}
			break;
		case 2:
			if (is_null(v) || !want(y, v, Y_SEQUENCE, "'rules'"))
				break;
			for (size_t j = 0; j < deref(v)->n_kids; j++) {
				struct ast_rule *r = rule_from(y, deref(v)->kids[j]);
				if (r)
					TAIL_APPEND(rules, r);
			}
			break;
		default:
			break;
		}
	}
	return b;
}

/* ---- fs ----------------------------------------------------------------------------------- */

/* Statement keys first, in enum ast_fs_kind order, then their '?' forms,
 * then the options. */
static const char *const fs_keys[] = {
    "ro",  "rw",  "dev",   "proc", "tmpfs", "link", "dir", "file",     "mask",     "cwd",
    "ro?", "rw?", "mask?", "at",   "size",  "mode", "to",  "contents", "optional",
};
enum {
	FK_STATEMENTS = 10,
	FK_RO_Q = 10,
	FK_RW_Q,
	FK_MASK_Q,
	FK_AT,
	FK_SIZE,
	FK_MODE,
	FK_TO,
	FK_CONTENTS,
	FK_OPTIONAL,
	FK_COUNT
};

/* Which options each statement takes: bits of (1 << FK_...). */
static unsigned fs_options(enum ast_fs_kind kind)
{
	switch (kind) {
	case AST_FS_RO:
	case AST_FS_RW:
		return 1u << FK_AT | 1u << FK_OPTIONAL;
	case AST_FS_TMPFS:
		return 1u << FK_SIZE | 1u << FK_MODE;
	case AST_FS_LINK:
		return 1u << FK_TO;
	case AST_FS_DIR:
		return 1u << FK_MODE;
	case AST_FS_FILE:
		return 1u << FK_CONTENTS | 1u << FK_MODE;
	case AST_FS_MASK:
		return 1u << FK_OPTIONAL;
	default:
		return 0;
	}
}

static struct ast_word *fs_word(struct yfront *y, const struct ynode *n, const char *what)
{
	return word_from(y, n, WORD_PATH | WORD_STRING | WORD_IDENT, what);
}

static struct ast_fs_stmt *fs_stmt_from(struct yfront *y, const struct ynode *n)
{
	if (!want(y, n, Y_MAPPING, "an fs statement"))
		return NULL;
	const struct ynode *m = deref(n), *v[FK_COUNT] = {0}, *keys[FK_COUNT] = {0};
	const struct ynode *stmt_key = NULL;
	int kind = -1;
	bool ok = true, optional = false;
	for (size_t i = 0; i + 1 < m->n_kids; i += 2) {
		int k = key_index(y, m->kids[i], fs_keys, FK_COUNT);
		if (k < 0) {
			ok = false;
			continue;
		}
		v[k] = m->kids[i + 1];
		keys[k] = deref(m->kids[i]);
		if (k >= FK_AT)
			continue;
		if (kind >= 0) {
			diag_error(y->d, deref(m->kids[i])->loc,
			           "one statement per item: this one is already '%s'",
			           fs_keys[kind]);
			ok = false;
			continue;
		}
		stmt_key = deref(m->kids[i]);
		kind = k == FK_RO_Q     ? AST_FS_RO
		       : k == FK_RW_Q   ? AST_FS_RW
		       : k == FK_MASK_Q ? AST_FS_MASK
		                        : k;
		optional = k >= FK_STATEMENTS;
		v[kind] = v[k];
	}
	if (!ok)
		return NULL;
	if (kind < 0) {
		diag_error(
		    y->d, m->loc,
		    "an fs statement needs one of ro, rw, dev, proc, tmpfs, link, dir, file, "
		    "mask or cwd");
		return NULL;
	}
	unsigned takes = fs_options((enum ast_fs_kind)kind);
	for (int k = FK_AT; k < FK_COUNT; k++)
		if (v[k] && !(takes & (1u << k))) {
			diag_error(y->d, keys[k]->loc, "'%s' does not apply to '%s'", fs_keys[k],
			           fs_keys[kind]);
			return NULL;
		}
	if (kind == AST_FS_LINK && !v[FK_TO]) {
		diag_error(y->d, stmt_key->loc, "'link' needs 'to: TARGET'");
		return NULL;
	}
	if (kind == AST_FS_FILE && !v[FK_CONTENTS]) {
		diag_error(y->d, stmt_key->loc, "'file' needs 'contents: \"...\"'");
		return NULL;
	}
	struct ast_fs_stmt *s = xcalloc(1, sizeof(*s));
	s->kind = (enum ast_fs_kind)kind;
	s->loc = stmt_key->loc;
	s->optional = optional;
	if (v[FK_OPTIONAL]) {
		bool flag;
		if (!bool_value(y, v[FK_OPTIONAL], "'optional'", &flag))
			goto fail;
		s->optional |= flag;
	}
	if (!(s->path = fs_word(y, v[kind], "a path")))
		goto fail;
	if (v[FK_AT] && !(s->at = fs_word(y, v[FK_AT], "'at'")))
		goto fail;
	if (v[FK_TO] && !(s->target = fs_word(y, v[FK_TO], "'to'")))
		goto fail;
	/* Contents are a string whatever their YAML style. */
	if (v[FK_CONTENTS] &&
	    !(s->target = word_from(y, v[FK_CONTENTS], WORD_STRING, "'contents'")))
		goto fail;
	if (v[FK_SIZE] && !(s->size = word_from(y, v[FK_SIZE], WORD_NUMBER, "'size'")))
		goto fail;
	if (v[FK_MODE] && !(s->mode = word_from(y, v[FK_MODE], WORD_NUMBER, "'mode'")))
		goto fail;
	return s;
fail:
	ast_fs_stmt_free(s);
	return NULL;
}

/* ---- limits, env, process, net, arch ----------------------------------------------------------
 */

static const char *const limit_keys[] = {"memory", "pids", "cpu", "time", "nofile", "fsize"};

static struct ast_limit *limit_from(struct yfront *y, const struct ynode *key, int kind,
                                    const struct ynode *value)
{
	const struct ynode *t = deref(value), *val = t;
	bool best_effort = false;
	if (t->kind == Y_MAPPING) {
		static const char *const keys[] = {"value", "best-effort"};
		val = NULL;
		bool ok = true;
		for (size_t i = 0; i + 1 < t->n_kids; i += 2) {
			int k = key_index(y, t->kids[i], keys, 2);
			if (k == 0)
				val = t->kids[i + 1];
			else if (k == 1)
				ok &= bool_value(y, t->kids[i + 1], "'best-effort'", &best_effort);
			else
				ok = false;
		}
		if (!ok)
			return NULL;
		if (!val) {
			diag_error(y->d, t->loc, "limit '%s' needs a 'value'", limit_keys[kind]);
			return NULL;
		}
	}
	struct ast_word *w = word_from(y, val, WORD_NUMBER | WORD_IDENT, "a limit");
	if (!w)
		return NULL;
	struct ast_limit *l = xcalloc(1, sizeof(*l));
	l->kind = (enum ast_limit_kind)kind;
	l->value = w;
	l->best_effort = best_effort;
	l->loc = deref(key)->loc;
	return l;
}

static struct ast_body *limits_from(struct yfront *y, const struct ynode *key,
                                    const struct ynode *value)
{
	struct ast_body *b = body_new(AST_BODY_LIMITS, deref(key)->loc);
	if (is_null(value) || !want(y, value, Y_MAPPING, "'limits'"))
		return b;
	const struct ynode *m = deref(value);
	struct ast_limit **tail = &b->u.limits;
	for (size_t i = 0; i + 1 < m->n_kids; i += 2) {
		int k = key_index(y, m->kids[i], limit_keys, ARRAY_SIZE(limit_keys));
		struct ast_limit *l = k < 0 ? NULL : limit_from(y, m->kids[i], k, m->kids[i + 1]);
		if (l)
			TAIL_APPEND(tail, l);
	}
	return b;
}

static struct ast_env_stmt *env_new(enum ast_env_kind kind, struct src_loc loc)
{
	struct ast_env_stmt *s = xcalloc(1, sizeof(*s));
	s->kind = kind;
	s->loc = loc;
	return s;
}

/* One item of `env`: clear | {keep: NAMES} | {unset: NAMES} | {set: {NAME: VALUE, ...}};
 * appends its statements at *tail. */
static void env_item(struct yfront *y, const struct ynode *n, struct ast_env_stmt ***tail)
{
	static const char *const keys[] = {"clear", "keep", "unset", "set"};
	const struct ynode *t = deref(n);
	if (t->kind == Y_SCALAR && str_eq(t, "clear")) {
		TAIL_APPEND(*tail, env_new(AST_ENV_CLEAR, t->loc));
		return;
	}
	if (t->kind != Y_MAPPING || t->n_kids != 2) {
		diag_error(y->d, t->loc,
		           "an env item is 'clear' or a mapping with one key: keep, unset or set");
		return;
	}
	int k = key_index(y, t->kids[0], keys, ARRAY_SIZE(keys));
	const struct ynode *v = t->kids[1];
	struct src_loc loc = deref(t->kids[0])->loc;
	if (k == 0) {
		diag_error(y->d, loc, "'clear' stands alone: write '- clear'");
	} else if (k == 1 || k == 2) {
		struct ynode *const *items;
		struct ynode *one;
		size_t count = scalar_or_list(y, v, k == 1 ? "'keep'" : "'unset'", &items, &one);
		struct ast_env_stmt *s = env_new(k == 1 ? AST_ENV_KEEP : AST_ENV_UNSET, loc);
		struct ast_word **names = &s->names;
		for (size_t i = 0; i < count; i++) {
			struct ast_word *w = ident_word(y, items[i], "a variable name");
			if (w)
				TAIL_APPEND(names, w);
		}
		if (s->names)
			TAIL_APPEND(*tail, s);
		else
			free(s);
	} else if (k == 3 && want(y, v, Y_MAPPING, "'set'")) {
		const struct ynode *m = deref(v);
		for (size_t i = 0; i + 1 < m->n_kids; i += 2) {
			struct ast_word *name = ident_word(y, m->kids[i], "a variable name");
			struct ast_word *value =
			    name ? word_from(y, m->kids[i + 1],
			                     WORD_PATH | WORD_STRING | WORD_IDENT | WORD_NUMBER,
			                     "a variable's value")
			         : NULL;
			if (!value) {
				ast_word_free(name);
				continue;
			}
			struct ast_env_stmt *s = env_new(AST_ENV_SET, name->loc);
			s->names = name;
			s->value = value;
			TAIL_APPEND(*tail, s);
		}
	}
}

static struct ast_body *env_from(struct yfront *y, const struct ynode *key,
                                 const struct ynode *value)
{
	struct ast_body *b = body_new(AST_BODY_ENV, deref(key)->loc);
	if (is_null(value) || !want(y, value, Y_SEQUENCE, "'env'"))
		return b;
	struct ast_env_stmt **tail = &b->u.env;
	for (size_t i = 0; i < deref(value)->n_kids; i++)
		env_item(y, deref(value)->kids[i], &tail);
	return b;
}

static struct ast_body *process_from(struct yfront *y, const struct ynode *key,
                                     const struct ynode *value)
{
	static const char *const keys[] = {"hostname", "uid", "gid", "new-session"};
	struct ast_body *b = body_new(AST_BODY_PROCESS, deref(key)->loc);
	if (is_null(value) || !want(y, value, Y_MAPPING, "'process'"))
		return b;
	const struct ynode *m = deref(value);
	struct ast_process_stmt **tail = &b->u.process;
	for (size_t i = 0; i + 1 < m->n_kids; i += 2) {
		int k = key_index(y, m->kids[i], keys, ARRAY_SIZE(keys));
		const struct ynode *v = m->kids[i + 1];
		struct ast_word *w = NULL;
		bool flag = false;
		if (k == 0)
			w = word_from(y, v, WORD_IDENT | WORD_STRING, "'hostname'");
		else if (k == 1 || k == 2)
			w = word_from(y, v, WORD_NUMBER, k == 1 ? "'uid'" : "'gid'");
		else if (k == 3 && bool_value(y, v, "'new-session'", &flag) && flag)
			; /* `new-session: false` says nothing */
		else
			continue;
		if (k != 3 && !w)
			continue;
		struct ast_process_stmt *s = xcalloc(1, sizeof(*s));
		s->kind = (enum ast_process_kind)k;
		s->value = w;
		s->loc = deref(m->kids[i])->loc;
		TAIL_APPEND(tail, s);
	}
	return b;
}

static struct ast_body *net_from(struct yfront *y, const struct ynode *key,
                                 const struct ynode *value)
{
	static const char *const modes[] = {"none", "loopback", "host"};
	const struct ynode *t = deref(value);
	if (!want(y, t, Y_SCALAR, "'net'"))
		return NULL;
	for (size_t i = 0; i < ARRAY_SIZE(modes); i++)
		if (str_eq(t, modes[i])) {
			struct ast_body *b = body_new(AST_BODY_NET, deref(key)->loc);
			b->u.net = (enum ast_net_mode)i;
			return b;
		}
	char buf[96];
	const char *best = strlen(t->text) == t->len ? diag_suggest(t->text, modes, 3) : NULL;
	if (best)
		diag_error(y->d, t->loc, "unknown net mode '%s'; did you mean '%s'?",
		           shown(t->text, t->len, buf), best);
	else
		diag_error(y->d, t->loc, "unknown net mode '%s'; it is none, loopback or host",
		           shown(t->text, t->len, buf));
	return NULL;
}

/* ---- test ------------------------------------------------------------------------------------ */

/* "NAME" or "NAME(EXPR, ...)": the syscall and positional arguments of an
 * expected call. */
static bool call_from_string(struct yfront *y, const struct ynode *t, struct ast_expect *e)
{
	size_t span = ast_ident_span(t->text, t->len);
	struct src_loc loc = sub_loc(t, 0, span);
	if (span == 0 || !name_ok(y, t->text, span, AST_NAME_SYSCALL, loc, "syscall")) {
		if (span == 0)
			diag_error(y->d, t->loc, "'call' starts with a syscall name");
		return false;
	}
	e->syscall = ast_word_new(AST_WORD_IDENT, xstrndup(t->text, span), span, loc);
	if (span == t->len)
		return true;
	bool reported = false;
	struct xparse x = {.y = y, .n = t, .pos = span, .depth_reported = &reported};
	xnext(&x);
	if (x.tok != X_LPAREN) {
		xunexpected(&x, "'(' or the end");
		return false;
	}
	struct ast_expr **tail = &e->args;
	do {
		xnext(&x);
		struct ast_expr *arg = x_or(&x);
		if (!arg)
			return false;
		TAIL_APPEND(tail, arg);
	} while (x.tok == X_COMMA);
	if (x.tok != X_RPAREN) {
		xunexpected(&x, "',' or ')'");
		return false;
	}
	xnext(&x);
	if (x.tok != X_END) {
		xunexpected(&x, "the end after ')'");
		return false;
	}
	return true;
}

static const char *const expect_keys[] = {"call", "fs", "limit", "args", "expect", "on"};
enum { EK_CALL, EK_FS, EK_LIMIT, EK_ARGS, EK_EXPECT, EK_ON, EK_COUNT };

/* {call: NAME(ARGS), [args: [...],] expect: VERDICT, [on: ARCH]}
 * {fs: PATH, expect: FACT}      {limit: KIND, expect: VALUE | infinity | none} */
static struct ast_expect *expect_from(struct yfront *y, const struct ynode *n)
{
	if (!want(y, n, Y_MAPPING, "an expectation"))
		return NULL;
	const struct ynode *m = deref(n), *v[EK_COUNT] = {0};
	bool ok = true;
	for (size_t i = 0; i + 1 < m->n_kids; i += 2) {
		int k = key_index(y, m->kids[i], expect_keys, EK_COUNT);
		if (k < 0)
			ok = false;
		else
			v[k] = m->kids[i + 1];
	}
	if (!ok)
		return NULL;
	int kinds = !!v[EK_CALL] + !!v[EK_FS] + !!v[EK_LIMIT];
	if (kinds != 1 || !v[EK_EXPECT]) {
		diag_error(y->d, m->loc,
		           "an expectation has one of 'call', 'fs' or 'limit', and 'expect'");
		return NULL;
	}
	if ((v[EK_ARGS] || v[EK_ON]) && !v[EK_CALL]) {
		diag_error(y->d, m->loc, "'args' and 'on' go with 'call'");
		return NULL;
	}
	struct ast_expect *e = xcalloc(1, sizeof(*e));
	e->loc = m->loc;
	if (v[EK_CALL]) {
		e->kind = AST_EXPECT_SYSCALL;
		if (!want(y, v[EK_CALL], Y_SCALAR, "'call'") ||
		    !call_from_string(y, deref(v[EK_CALL]), e))
			goto fail;
		if (v[EK_ARGS]) {
			if (e->args) {
				diag_error(y->d, deref(v[EK_ARGS])->loc,
				           "the arguments are already given in 'call'");
				goto fail;
			}
			if (!want(y, v[EK_ARGS], Y_SEQUENCE, "'args'"))
				goto fail;
			const struct ynode *list = deref(v[EK_ARGS]);
			struct ast_expr **tail = &e->args;
			for (size_t i = 0; i < list->n_kids; i++) {
				bool reported = false;
				struct ast_expr *arg =
				    parse_expr_scalar(y, list->kids[i], false, &reported);
				if (!arg)
					goto fail;
				TAIL_APPEND(tail, arg);
			}
		}
		e->action.loc = deref(v[EK_EXPECT])->loc;
		if (!action_from(y, v[EK_EXPECT], "'expect'", &e->action))
			goto fail;
		if (v[EK_ON] && !(e->arch = ident_word(y, v[EK_ON], "an architecture")))
			goto fail;
	} else if (v[EK_FS]) {
		e->kind = AST_EXPECT_FS;
		if (!(e->path = fs_word(y, v[EK_FS], "a path")) ||
		    !(e->fact = ident_word(y, v[EK_EXPECT], "a file system fact")))
			goto fail;
	} else {
		e->kind = AST_EXPECT_LIMIT;
		const struct ynode *kind = deref(v[EK_LIMIT]);
		if (!want(y, kind, Y_SCALAR, "'limit'"))
			goto fail;
		int k = key_index(y, kind, limit_keys, ARRAY_SIZE(limit_keys));
		if (k < 0)
			goto fail;
		e->limit = (enum ast_limit_kind)k;
		const struct ynode *value = deref(v[EK_EXPECT]);
		if (!(value->kind == Y_SCALAR && str_eq(value, "none")) &&
		    !(e->value = word_from(y, value, WORD_NUMBER | WORD_IDENT, "a limit")))
			goto fail;
	}
	return e;
fail:
	ast_expect_free(e);
	return NULL;
}

static struct ast_body *test_from(struct yfront *y, const struct ynode *key,
                                  const struct ynode *value)
{
	struct ast_body *b = body_new(AST_BODY_TEST, deref(key)->loc);
	if (is_null(value) || !want(y, value, Y_SEQUENCE, "'test'"))
		return b;
	struct ast_expect **tail = &b->u.tests;
	for (size_t i = 0; i < deref(value)->n_kids; i++) {
		struct ast_expect *e = expect_from(y, deref(value)->kids[i]);
		if (e)
			TAIL_APPEND(tail, e);
	}
	return b;
}

/* ---- policies and the file ----------------------------------------------------------------------
 */

static const char *const policy_keys[] = {
    "bases", "param", "fs",   "net",       "syscalls",    "limits",   "env",     "process",
    "arch",  "test",  "lint", "untrusted", "description", "requires", "fallback"};

/* `lint: [{ignore: CL012, because: "..."}, ...]` */
static struct ast_body *lint_from(struct yfront *y, const struct ynode *key,
                                  const struct ynode *value)
{
	static const char *const keys[] = {"ignore", "because"};
	struct ast_body *b = body_new(AST_BODY_LINT, deref(key)->loc);
	struct ast_lint_ignore **tail = &b->u.lint;
	if (is_null(value) || !want(y, value, Y_SEQUENCE, "'lint'"))
		return b;
	for (size_t i = 0; i < deref(value)->n_kids; i++) {
		const struct ynode *m = deref(deref(value)->kids[i]);
		if (!want(y, m, Y_MAPPING, "a lint entry"))
			continue;
		struct ast_lint_ignore *l = xcalloc(1, sizeof(*l));
		l->loc = m->loc;
		struct ast_word **ids = &l->ids;
		for (size_t k = 0; k + 1 < m->n_kids; k += 2) {
			const struct ynode *v = m->kids[k + 1];
			struct ynode *const *items;
			struct ynode *one;
			size_t count;
			switch (key_index(y, m->kids[k], keys, ARRAY_SIZE(keys))) {
			case 0:
				count = scalar_or_list(y, v, "'ignore'", &items, &one);
				for (size_t j = 0; j < count; j++) {
					struct ast_word *w = ident_word(y, items[j], "a lint rule");
					if (w)
						TAIL_APPEND(ids, w);
				}
				break;
			case 1:
				ast_word_free(l->reason);
				l->reason = word_from(y, v, WORD_STRING, "'because'");
				if (l->reason)
					l->reason->kind = AST_WORD_STRING;
				break;
			default:
				break;
			}
		}
		if (!l->ids)
			diag_error(y->d, m->loc, "a lint entry needs 'ignore' with rule ids");
		TAIL_APPEND(tail, l);
	}
	return b;
}

/* `description: "..."`, `fallback: landlock`: one word; `requires: {bwrap: "0.8.0"}`. */
static struct ast_body *words_body_from(struct yfront *y, enum ast_body_kind kind,
                                        const struct ynode *key, const struct ynode *value)
{
	struct ast_word *w = NULL;
	if (kind == AST_BODY_DESCRIPTION) {
		w = word_from(y, value, WORD_STRING, "'description'");
		if (w)
			w->kind = AST_WORD_STRING;
	} else if (kind == AST_BODY_FALLBACK) {
		const struct ynode *t = deref(value);
		if (want(y, t, Y_SCALAR, "'fallback'"))
			w = ast_word_new(AST_WORD_IDENT, xstrndup(t->text, t->len), t->len, t->loc);
	} else if (want(y, value, Y_MAPPING, "'requires'")) {
		const struct ynode *m = deref(value);
		if (m->n_kids != 2) {
			diag_error(y->d, m->loc, "'requires' holds one entry: {bwrap: \"0.8.0\"}");
			return NULL;
		}
		const struct ynode *tool = deref(m->kids[0]);
		if (!want(y, tool, Y_SCALAR, "a 'requires' key"))
			return NULL;
		w = ast_word_new(AST_WORD_IDENT, xstrndup(tool->text, tool->len), tool->len,
		                 tool->loc);
		w->next = word_from(y, m->kids[1], WORD_STRING | WORD_NUMBER, "a version");
		if (!w->next) {
			ast_word_free(w);
			return NULL;
		}
		w->next->kind = AST_WORD_STRING;
	}
	if (!w)
		return NULL;
	struct ast_body *b = body_new(kind, deref(key)->loc);
	b->u.words = w;
	return b;
}

/* `{name: WORKDIR, in: /srv/jobs}`: `param WORKDIR in /srv/jobs`. */
static struct ast_word *param_in_from(struct yfront *y, const struct ynode *n)
{
	static const char *const keys[] = {"name", "in"};
	const struct ynode *m = deref(n), *v[2] = {0};
	for (size_t i = 0; i + 1 < m->n_kids; i += 2) {
		int k = key_index(y, m->kids[i], keys, 2);
		if (k < 0)
			return NULL;
		v[k] = m->kids[i + 1];
	}
	if (!v[0]) {
		diag_error(y->d, m->loc, "a param written as a mapping needs 'name'");
		return NULL;
	}
	struct ast_word *w = ident_word(y, v[0], "a param");
	if (w && v[1]) {
		w->next = word_from(y, v[1], WORD_PATH | WORD_STRING, "'in'");
		if (!w->next) {
			ast_word_free(w);
			return NULL;
		}
	}
	return w;
}

static void policy_entry(struct yfront *y, struct ast_policy *p, const struct ynode *key,
                         const struct ynode *v)
{
	struct ynode *const *items;
	struct ynode *one;
	size_t count;
	struct src_loc loc = deref(key)->loc;
	struct ast_body *b = NULL, **body_tail = LIST_TAIL(&p->body);
	struct ast_word **words;
	struct ast_fs_stmt **fs_tail;
	switch (key_index(y, key, policy_keys, ARRAY_SIZE(policy_keys))) {
	case 0:
		count = scalar_or_list(y, v, "'bases'", &items, &one);
		words = LIST_TAIL(&p->bases);
		for (size_t i = 0; i < count; i++) {
			struct ast_word *w = ident_word(y, items[i], "a base policy");
			if (w)
				TAIL_APPEND(words, w);
		}
		return;
	case 1:
		if (deref(v)->kind == Y_MAPPING) { /* one param with its constraint */
			one = (struct ynode *)deref(v);
			items = &one;
			count = 1;
		} else {
			count = scalar_or_list(y, v, "'param'", &items, &one);
		}
		for (size_t i = 0; i < count; i++) {
			struct ast_word *w = deref(items[i])->kind == Y_MAPPING
			                         ? param_in_from(y, items[i])
			                         : ident_word(y, items[i], "a param");
			if (!w)
				continue;
			b = body_new(AST_BODY_PARAM, w->loc);
			b->u.param = w;
			TAIL_APPEND(body_tail, b);
		}
		return;
	case 2:
		b = body_new(AST_BODY_FS, loc);
		fs_tail = &b->u.fs;
		if (!is_null(v) && want(y, v, Y_SEQUENCE, "'fs'"))
			for (size_t i = 0; i < deref(v)->n_kids; i++) {
				struct ast_fs_stmt *s = fs_stmt_from(y, deref(v)->kids[i]);
				if (s)
					TAIL_APPEND(fs_tail, s);
			}
		break;
	case 3:
		b = net_from(y, key, v);
		break;
	case 4:
		b = syscalls_from(y, key, v);
		break;
	case 5:
		b = limits_from(y, key, v);
		break;
	case 6:
		b = env_from(y, key, v);
		break;
	case 7:
		b = process_from(y, key, v);
		break;
	case 8:
		count = scalar_or_list(y, v, "'arch'", &items, &one);
		if (count == 0)
			return;
		b = body_new(AST_BODY_ARCH, loc);
		words = &b->u.arches;
		for (size_t i = 0; i < count; i++) {
			struct ast_word *w = ident_word(y, items[i], "an architecture");
			if (w)
				TAIL_APPEND(words, w);
		}
		if (!b->u.arches) {
			free(b);
			return;
		}
		break;
	case 9:
		b = test_from(y, key, v);
		break;
	case 10:
		b = lint_from(y, key, v);
		break;
	case 11: {
		bool flag = false;
		if (!bool_value(y, v, "'untrusted'", &flag) || !flag)
			return; /* `untrusted: false` says nothing */
		b = body_new(AST_BODY_UNTRUSTED, loc);
		break;
	}
	case 12:
		b = words_body_from(y, AST_BODY_DESCRIPTION, key, v);
		break;
	case 13:
		b = words_body_from(y, AST_BODY_REQUIRES, key, v);
		break;
	case 14:
		b = words_body_from(y, AST_BODY_FALLBACK, key, v);
		break;
	default:
		return;
	}
	if (b)
		TAIL_APPEND(body_tail, b);
}

static struct ast_item *item_new(enum ast_item_kind kind, struct src_loc loc)
{
	struct ast_item *i = xcalloc(1, sizeof(*i));
	i->kind = kind;
	i->loc = loc;
	return i;
}

static void policy_item(struct yfront *y, struct ast_item ***items_tail, const struct ynode *key,
                        const struct ynode *value)
{
	char *name = name_from(y, key, AST_NAME_PLAIN, "a policy name");
	if (!name)
		return;
	struct ast_policy *p = xcalloc(1, sizeof(*p));
	p->name = name;
	p->loc = deref(key)->loc;
	/* The item spans the whole policy, as in the language: the resolver
	 * takes the rules' `lint:` comments from inside that span. */
	struct src_loc span = p->loc;
	if (!is_null(value) && deref(value)->loc.end_line >= span.line) {
		span.end_line = deref(value)->loc.end_line;
		span.end_col = deref(value)->loc.end_col;
	}
	struct ast_item *item = item_new(AST_ITEM_POLICY, span);
	item->u.policy = p;
	TAIL_APPEND(*items_tail, item);
	if (is_null(value) || !want(y, value, Y_MAPPING, "a policy"))
		return;
	const struct ynode *m = deref(value);
	for (size_t i = 0; i + 1 < m->n_kids; i += 2)
		policy_entry(y, p, m->kids[i], m->kids[i + 1]);
}

static const char *const file_keys[] = {"include", "const", "groups", "policies"};

static void file_entry(struct yfront *y, struct ast_file *f, const struct ynode *key,
                       const struct ynode *v)
{
	struct ynode *const *items;
	struct ynode *one;
	size_t count;
	const struct ynode *m = deref(v);
	struct ast_item **tail = LIST_TAIL(&f->items);
	switch (key_index(y, key, file_keys, ARRAY_SIZE(file_keys))) {
	case 0:
		count = scalar_or_list(y, v, "'include'", &items, &one);
		for (size_t i = 0; i < count; i++) {
			struct ast_word *w =
			    word_from(y, items[i], WORD_STRING, "an included file");
			if (!w)
				continue;
			w->kind = AST_WORD_STRING; /* a file name is a string, quoted or not */
			struct ast_item *item = item_new(AST_ITEM_INCLUDE, w->loc);
			item->u.include = w;
			TAIL_APPEND(tail, item);
		}
		break;
	case 1:
		if (is_null(v) || !want(y, v, Y_MAPPING, "'const'"))
			break;
		for (size_t i = 0; i + 1 < m->n_kids; i += 2) {
			char *name = name_from(y, m->kids[i], AST_NAME_PLAIN, "a constant");
			struct ast_word *w =
			    name ? word_from(y, m->kids[i + 1],
			                     WORD_NUMBER | WORD_STRING | WORD_PATH | WORD_IDENT,
			                     "a constant's value")
			         : NULL;
			if (!w) {
				free(name);
				continue;
			}
			struct ast_item *item = item_new(AST_ITEM_CONST, deref(m->kids[i])->loc);
			item->u.constant.name = name;
			item->u.constant.name_loc = item->loc;
			item->u.constant.value = w;
			TAIL_APPEND(tail, item);
		}
		break;
	case 2:
		if (is_null(v) || !want(y, v, Y_MAPPING, "'groups'"))
			break;
		for (size_t i = 0; i + 1 < m->n_kids; i += 2) {
			struct ast_group *g = group_from(y, m->kids[i], m->kids[i + 1]);
			if (!g)
				continue;
			struct ast_item *item = item_new(AST_ITEM_GROUP, g->loc);
			item->u.group = g;
			TAIL_APPEND(tail, item);
		}
		break;
	case 3:
		if (is_null(v) || !want(y, v, Y_MAPPING, "'policies'"))
			break;
		for (size_t i = 0; i + 1 < m->n_kids; i += 2)
			policy_item(y, &tail, m->kids[i], m->kids[i + 1]);
		break;
	default:
		break;
	}
}

/* ---- entry points
 * --------------------------------------------------------------------------------- */

static void yfront_free(struct yfront *y)
{
	for (size_t i = 0; i < y->n_nodes; i++) {
		free(y->nodes[i]->text);
		free(y->nodes[i]->kids);
		free(y->nodes[i]);
	}
	free(y->nodes);
	free(y->open);
	for (size_t i = 0; i < y->cap_anchors; i++)
		free(y->anchors[i].name);
	free(y->anchors);
	free(y->lines);
}

struct ast_file *parse_policy_yaml(struct diag_ctx *d, const char *path, const char *text,
                                   size_t len)
{
	struct ast_file *f = xcalloc(1, sizeof(*f));
	f->path = path;
	if (len > POLICY_MAX_BYTES) {
		diag_error(d, (struct src_loc){path, 0, 0, 0, 0},
		           "policy file is %zu bytes; the limit is %u MiB", len,
		           POLICY_MAX_BYTES >> 20);
		return f;
	}
	struct yfront y = {.d = d,
	                   .path = path,
	                   .text = text ? text : "",
	                   .len = text ? len : 0,
	                   .comments_tail = &f->comments};
	index_lines(&y);
	const struct ynode *root = deref(build_tree(&y));
	if (root && want(&y, root, Y_MAPPING, "a YAML policy file")) {
		for (size_t i = 0; i + 1 < root->n_kids; i += 2)
			file_entry(&y, f, root->kids[i], root->kids[i + 1]);
	}
	yfront_free(&y);
	return f;
}

bool policy_path_is_yaml(const char *path)
{
	size_t len = path ? strlen(path) : 0;
	return (len > 5 && strcmp(path + len - 5, ".yaml") == 0) ||
	       (len > 4 && strcmp(path + len - 4, ".yml") == 0);
}

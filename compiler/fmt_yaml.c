/*
 * fmt_yaml.c - the YAML printer of `cell fmt --to yaml` (see fmt_yaml.h).
 *
 * Written by hand rather than with libyaml's emitter, which has no way to
 * write comments. Layout: block style, two spaces per level, sequences
 * indented under their key; flow style only for short lists of names
 * (`bases: [a, b]`) and for small mappings whose values allow it
 * (`{call: ptrace, expect: kill}`).
 *
 * Every switch over a kind of the tree lists every case and has no
 * `default`: a new kind in ast.h is a compile error here until it is written.
 */
#include "fmt_yaml.h"

#include "fmt_cell.h"

#include <stdarg.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

struct ywriter {
	struct buf *out;
	const struct fmt_comments *cm;
	struct diag_ctx *d;
	bool failed;
	bool exact;
	bool fresh;                  /* nothing written since the last key that opened a block */
	const struct fmt_note *skip; /* its own-line comments are already written */
	bool in_rule;                /* writing a rule's line: `# lint:` may be its key */
};

static void report(struct ywriter *w, struct src_loc loc, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static void report(struct ywriter *w, struct src_loc loc, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	diag_report(w->d, DIAG_ERROR, loc, fmt, ap);
	va_end(ap);
	w->failed = true;
}

/* ---- scalars ----------------------------------------------------------------------------- */

static bool is_null_text(const char *s)
{
	return !strcmp(s, "~") || !strcmp(s, "null") || !strcmp(s, "Null") || !strcmp(s, "NULL");
}

/* Whether s can be a plain scalar that libyaml reads back as exactly s; in a
 * flow collection (`flow`), ',', ':' and brackets are out too. */
static bool plain_ok(const char *s, size_t len, bool flow)
{
	if (len == 0 || strlen(s) != len || s[0] == ' ' || s[len - 1] == ' ' || s[len - 1] == ':' ||
	    is_null_text(s))
		return false;
	if (strchr("?:,[]{}#&*!|>'\"%@`", s[0]) || (s[0] == '-' && (len == 1 || s[1] == ' ')))
		return false;
	for (size_t i = 0; i < len; i++) {
		unsigned char c = (unsigned char)s[i];
		if (c < 0x20 || c >= 0x7f)
			return false;
		if ((c == ':' && s[i + 1] == ' ') || (c == ' ' && s[i + 1] == '#'))
			return false;
		if (flow && strchr(",:[]{}", c))
			return false;
	}
	return true;
}

/* A code point from a valid UTF-8 sequence of length n. */
static uint32_t utf8_decode(const unsigned char *s, size_t n)
{
	if (n == 2)
		return (uint32_t)(s[0] & 0x1f) << 6 | (s[1] & 0x3f);
	if (n == 3)
		return (uint32_t)(s[0] & 0x0f) << 12 | (uint32_t)(s[1] & 0x3f) << 6 | (s[2] & 0x3f);
	return (uint32_t)(s[0] & 0x07) << 18 | (uint32_t)(s[1] & 0x3f) << 12 |
	       (uint32_t)(s[2] & 0x3f) << 6 | (s[3] & 0x3f);
}

/* Code points YAML does not allow raw, or reads as line breaks. */
static bool needs_escape(uint32_t cp)
{
	return (cp >= 0x80 && cp <= 0x9f) || cp == 0x2028 || cp == 0x2029 || cp == 0xfffe ||
	       cp == 0xffff;
}

/* A double-quoted scalar; false when s is not UTF-8 (YAML text is). */
static bool put_quoted(struct buf *b, const char *s, size_t len)
{
	buf_puts(b, "\"");
	for (size_t i = 0; i < len; i++) {
		unsigned char c = (unsigned char)s[i];
		if (c >= 0x80) {
			size_t n = fmt_utf8_len((const unsigned char *)s + i, len - i);
			if (!n)
				return false;
			uint32_t cp = utf8_decode((const unsigned char *)s + i, n);
			if (needs_escape(cp))
				buf_printf(b, cp <= 0xff ? "\\x%02x" : "\\u%04x", (unsigned)cp);
			else
				buf_append(b, s + i, n);
			i += n - 1;
		} else if (c == '"' || c == '\\') {
			buf_printf(b, "\\%c", c);
		} else if (c == '\n' || c == '\t' || c == '\r' || c == 0) {
			buf_puts(b, c == '\n'   ? "\\n"
			            : c == '\t' ? "\\t"
			            : c == '\r' ? "\\r"
			                        : "\\0");
		} else if (c < 0x20 || c == 0x7f) {
			buf_printf(b, "\\x%02x", c);
		} else {
			buf_append(b, s + i, 1);
		}
	}
	buf_puts(b, "\"");
	return true;
}

/* Text whose plain or quoted style means the same to the reader (a name, a
 * target, a condition): plain when possible. */
static void put_text(struct ywriter *w, struct buf *b, const char *s, bool flow, struct src_loc loc)
{
	size_t len = strlen(s);
	if (plain_ok(s, len, flow))
		buf_puts(b, s);
	else if (!put_quoted(b, s, len))
		report(w, loc, "'%s' is not UTF-8, which YAML requires", s);
}

/* Whether a word can be written so that the reader makes the same word of it
 * (quoted for a string, plain for anything else). */
static bool word_ok(const struct ast_word *word, bool flow)
{
	return word->kind == AST_WORD_STRING || plain_ok(word->text, word->len, flow);
}

static void put_word(struct ywriter *w, struct buf *b, const struct ast_word *word, bool flow)
{
	if (word->kind == AST_WORD_STRING) {
		if (!put_quoted(b, word->text, word->len))
			report(w, word->loc, "this string is not UTF-8, which YAML requires");
	} else if (plain_ok(word->text, word->len, flow)) {
		buf_puts(b, word->text);
	} else {
		report(w, word->loc,
		       "'%s' cannot be written in YAML as the same word (quoted, it "
		       "would be a string)",
		       word->text);
	}
}

/* `[a, b]`, or `a` alone when `one_plain` and there is one. */
static void put_name_list(struct ywriter *w, struct buf *b, const struct ast_word *list,
                          bool one_plain)
{
	if (one_plain && list && !list->next) {
		put_text(w, b, list->text, true, list->loc);
		return;
	}
	buf_puts(b, "[");
	for (const struct ast_word *n = list; n; n = n->next) {
		put_text(w, b, n->text, true, n->loc);
		if (n->next)
			buf_puts(b, ", ");
	}
	buf_puts(b, "]");
}

/* ---- lines and comments ------------------------------------------------------------------ */

static void put_indent(struct ywriter *w, int level)
{
	for (int i = 0; i < level; i++)
		buf_puts(w->out, "  ");
}

static bool is_lint_comment(const struct ast_comment *c)
{
	const char *t = c->text;
	while (*t == ' ' || *t == '\t')
		t++;
	return strncmp(t, "lint:", 5) == 0;
}

/* The ids of a `# lint: ID, ...` comment (ast_lint_comment_parse), appended
 * to `ids` with ", ". False, with nothing appended, when a rule's `lint` key
 * cannot hold them: no id, or one that is not a name. *reason: the comment
 * gives a reason (`because "..."`). */
static bool lint_ids(const struct ast_comment *c, struct buf *ids, bool *reason)
{
	struct ast_lint_comment lc;
	if (!ast_lint_comment_parse(c, &lc))
		return false;
	*reason = lc.reason != NULL;
	bool ok = lc.n_ids > 0;
	for (size_t i = 0; ok && i < lc.n_ids; i++)
		ok = ast_name_check(lc.ids[i], strlen(lc.ids[i]), AST_NAME_PLAIN) == AST_NAME_OK;
	for (size_t i = 0; ok && i < lc.n_ids; i++)
		buf_printf(ids, "%s%s", ids->len ? ", " : "", lc.ids[i]);
	ast_lint_comment_free(&lc);
	return ok;
}

/* Whether `c` is a suppression of the rule being written that its `lint`
 * key holds whole: then it is not also written as a comment. */
static bool in_lint_key(const struct ywriter *w, const struct ast_comment *c)
{
	struct buf ignored;
	buf_init(&ignored);
	bool reason = false, ok = w->in_rule && lint_ids(c, &ignored, &reason);
	buf_free(&ignored);
	return ok && !reason;
}

/* The text after '#': printable, or escaped as \xHH (YAML text is UTF-8
 * and may hold no control characters, even in a comment). */
static void put_comment_text(struct ywriter *w, const struct ast_comment *c)
{
	const unsigned char *s = (const unsigned char *)c->text;
	size_t len = fmt_comment_len(c);
	buf_puts(w->out, "#");
	for (size_t i = 0; i < len; i++) {
		size_t n = s[i] >= 0x80 ? fmt_utf8_len(s + i, len - i) : 0;
		if (n && !needs_escape(utf8_decode(s + i, n))) {
			buf_append(w->out, s + i, n);
			i += n - 1;
		} else if (s[i] == '\t' || (s[i] >= 0x20 && s[i] < 0x7f)) {
			buf_append(w->out, s + i, 1);
		} else {
			buf_printf(w->out, "\\x%02x", s[i]);
		}
	}
}

/* A `# lint:` comment that becomes a plain YAML comment, not (or not
 * only) the rule's `lint` key, is lost when the YAML is read. */
static void warn_lint_lost(struct ywriter *w, const struct ast_comment *c)
{
	struct buf ignored;
	buf_init(&ignored);
	bool reason = false, kept = w->in_rule && lint_ids(c, &ignored, &reason);
	buf_free(&ignored);
	if (kept && reason)
		diag_warning(
		    w->d, c->loc,
		    "YAML keeps this suppression's ids (the rule's 'lint' key) but not its "
		    "reason, which stays only in a YAML comment: read back, the "
		    "suppression takes the rule's 'because' instead");
	else if (!kept && is_lint_comment(c))
		diag_warning(w->d, c->loc,
		             "this '# lint:' comment becomes a plain YAML comment, which the YAML "
		             "reader drops: only a rule's suppression of named rules has a YAML "
		             "form (its 'lint' key)");
}

static void blank_line(struct ywriter *w, bool blank)
{
	if (blank && !w->fresh)
		buf_puts(w->out, "\n");
}

static void comment_line(struct ywriter *w, const struct ast_comment *c, int level, bool blank)
{
	warn_lint_lost(w, c);
	blank_line(w, blank);
	put_indent(w, level);
	put_comment_text(w, c);
	buf_puts(w->out, "\n");
	w->fresh = false;
}

/* Own-line comments of a note (and its trailing ones that have no line of
 * their own in YAML, when `all`), at `level`. */
static void note_comments(struct ywriter *w, const struct fmt_note *n, int level, bool all)
{
	for (size_t i = 0; i < n->n_leading; i++)
		comment_line(w, n->leading[i].comment, level, n->leading[i].blank_before);
	if (!all)
		return;
	if (n->trailing)
		comment_line(w, n->trailing, level, false);
	for (size_t i = 0; i < n->n_later; i++)
		comment_line(w, n->later[i], level, false);
}

/* The trailing comment of an anchor's line: the one of its first source
 * line, else its last later one; the others go before the line. */
static const struct ast_comment *trailing_of(const struct fmt_note *n)
{
	return n->trailing ? n->trailing : n->n_later ? n->later[n->n_later - 1] : NULL;
}

/* Starts the line of an anchor: comments before it, the blank line, the
 * indentation. */
static void line_start(struct ywriter *w, const struct fmt_note *n, int level)
{
	bool hoisted = n == w->skip;
	if (!hoisted)
		note_comments(w, n, level, false);
	w->skip = NULL;
	const struct ast_comment *t = trailing_of(n);
	bool blank = n->blank_before && !hoisted;
	for (size_t i = 0; i < n->n_later; i++) {
		if (n->later[i] == t || in_lint_key(w, n->later[i]))
			continue;
		comment_line(w, n->later[i], level, blank);
		blank = false;
	}
	blank_line(w, blank);
	put_indent(w, level);
}

/* Ends the line of an anchor with its trailing comment. */
static void line_end(struct ywriter *w, const struct fmt_note *n)
{
	const struct ast_comment *t = trailing_of(n);
	if (t && !in_lint_key(w, t)) {
		warn_lint_lost(w, t);
		buf_puts(w->out, "  ");
		put_comment_text(w, t);
	}
	buf_puts(w->out, "\n");
	w->fresh = false;
}

/* `key: value` on a line of its own, inside the anchor written before. */
static void raw_line(struct ywriter *w, int level, const char *key, const char *value)
{
	put_indent(w, level);
	buf_printf(w->out, "%s: %s\n", key, value);
	w->fresh = false;
}

/* A whole line `text` for an anchor. */
static void anchor_line(struct ywriter *w, const struct fmt_note *n, int level, const char *text)
{
	line_start(w, n, level);
	buf_puts(w->out, text);
	line_end(w, n);
}

/* A key line that opens a block: what follows is "fresh". */
static void open_line(struct ywriter *w, const struct fmt_note *n, int level, const char *text)
{
	anchor_line(w, n, level, text);
	w->fresh = true;
}

/* ---- syscalls ---------------------------------------------------------------------------- */

/* allow | deny | kill | trap | log | errno NAME (a default, an expectation). */
static void put_verdict(struct ywriter *w, struct buf *b, const struct ast_action *a)
{
	bool has_errno = a->kind == AST_ACTION_ERRNO;
	if (has_errno != (a->errno_name != NULL))
		report(w, a->loc, "a '%s' verdict %s an errno has no YAML form",
		       ast_action_keyword(a->kind), has_errno ? "without" : "with");
	else if (has_errno)
		buf_printf(b, "errno %s", a->errno_name);
	else
		buf_puts(b, ast_action_keyword(a->kind));
}

static void put_targets(struct ywriter *w, struct buf *b, const struct ast_target *t)
{
	struct buf one;
	buf_init(&one);
	bool list = t && t->next;
	if (list)
		buf_puts(b, "[");
	for (; t; t = t->next) {
		buf_reset(&one);
		fmt_target(t, &one);
		put_text(w, b, buf_cstr(&one), list, t->loc);
		if (t->next)
			buf_puts(b, ", ");
	}
	if (list)
		buf_puts(b, "]");
	buf_free(&one);
}

static void put_condition(struct ywriter *w, struct buf *b, const struct ast_expr *e)
{
	if (fmt_expr_nesting(e) > AST_EXPR_MAX_DEPTH) {
		report(w, e->loc,
		       "this condition nests '(' and '!' more than %d deep: the YAML "
		       "reader's limit",
		       AST_EXPR_MAX_DEPTH);
		return;
	}
	struct buf text;
	buf_init(&text);
	fmt_expr(e, &text);
	put_text(w, b, buf_cstr(&text), false, e->loc);
	buf_free(&text);
}

/* The ids of the rule's `# lint:` comments that its `lint` key can hold. */
static void rule_lint_ids(const struct fmt_note *n, struct buf *ids)
{
	bool reason;
	if (n->trailing)
		lint_ids(n->trailing, ids, &reason);
	for (size_t i = 0; i < n->n_later; i++)
		lint_ids(n->later[i], ids, &reason);
}

static void put_rule(struct ywriter *w, const struct ast_rule *r, int level)
{
	const struct fmt_note *n = fmt_comments_at(w->cm, r, FMT_WHOLE);
	const struct ast_action *a = &r->action;
	if (a->kind == AST_ACTION_ERRNO || (a->errno_name && a->kind != AST_ACTION_DENY))
		report(w, r->loc, "a rule '%s'%s has no YAML form", ast_action_keyword(a->kind),
		       a->errno_name ? " with an errno" : "");
	struct buf b, ids;
	buf_init(&b);
	buf_init(&ids);
	rule_lint_ids(n, &ids);
	w->in_rule = true;
	line_start(w, n, level);
	buf_printf(&b, "- %s: ", ast_action_keyword(a->kind));
	put_targets(w, &b, r->targets);
	buf_puts(w->out, buf_cstr(&b));
	line_end(w, n);
	w->in_rule = false;
	if (a->errno_name) {
		raw_line(w, level + 1, "errno", a->errno_name);
	}
	buf_reset(&b);
	if (r->cond) {
		put_condition(w, &b, r->cond);
		raw_line(w, level + 1, "if", buf_cstr(&b));
	}
	buf_reset(&b);
	if (r->reason) {
		if (put_quoted(&b, r->reason, strlen(r->reason)))
			raw_line(w, level + 1, "because", buf_cstr(&b));
		else
			report(w, r->loc, "this rule's reason is not UTF-8, which YAML requires");
	}
	if (ids.len) {
		buf_reset(&b);
		buf_printf(&b, "[%s]", buf_cstr(&ids));
		raw_line(w, level + 1, "lint", buf_cstr(&b));
	}
	buf_free(&b);
	buf_free(&ids);
}

static void put_group(struct ywriter *w, const void *node, const struct ast_group *g, int level)
{
	struct buf b, one;
	buf_init(&b);
	buf_init(&one);
	put_text(w, &b, g->name, false, g->loc);
	buf_puts(&b, ": [");
	for (const struct ast_group_member *m = g->members; m; m = m->next) {
		buf_reset(&one);
		fmt_member(m, &one);
		put_text(w, &b, buf_cstr(&one), true, m->loc);
		if (m->next)
			buf_puts(&b, ", ");
	}
	buf_puts(&b, "]");
	if (!g->members)
		report(w, g->loc, "a group without members has no YAML form");
	anchor_line(w, fmt_comments_at(w->cm, node, FMT_WHOLE), level, buf_cstr(&b));
	buf_free(&b);
	buf_free(&one);
}

/* ---- the sections of one kind, merged ---------------------------------------------------- */

/* The bodies of one kind, from the first. */
struct section {
	const struct ast_body **bodies;
	size_t n;
};

/* The comments of every body of a merged section after the first one's
 * opening, and of every body's closing brace, as own-line comments. */
static void section_end_comments(struct ywriter *w, const struct section *s, int level)
{
	for (size_t i = 0; i < s->n; i++) {
		if (i > 0)
			note_comments(w, fmt_comments_at(w->cm, s->bodies[i], FMT_OPEN), level,
			              true);
		note_comments(w, fmt_comments_at(w->cm, s->bodies[i], FMT_CLOSE), level, true);
	}
}

/* `key:` for a block section, or `key: EMPTY` when it holds nothing. Returns
 * whether the block was opened. */
static bool section_open(struct ywriter *w, const struct section *s, int level, bool empty,
                         const char *empty_text)
{
	char *text = xasprintf("%s:%s%s", ast_body_keyword(s->bodies[0]->kind), empty ? " " : "",
	                       empty ? empty_text : "");
	const struct fmt_note *n = fmt_comments_at(w->cm, s->bodies[0], FMT_OPEN);
	if (empty)
		anchor_line(w, n, level, text);
	else
		open_line(w, n, level, text);
	free(text);
	return !empty;
}

/* The note of the section's first group or rule. */
static const struct fmt_note *first_note(const struct ywriter *w, const struct section *s,
                                         bool rule)
{
	for (size_t i = 0; i < s->n; i++) {
		const void *node = rule ? (const void *)s->bodies[i]->u.syscalls.rules
		                        : (const void *)s->bodies[i]->u.syscalls.groups;
		if (node)
			return fmt_comments_at(w->cm, node, FMT_WHOLE);
	}
	return NULL;
}

/* `groups:` or `rules:`, which the .cell text does not have: a blank line
 * before the first group or rule goes before it. */
static void subkey_line(struct ywriter *w, const struct fmt_note *first, int level, const char *key)
{
	bool blank =
	    first && (first->n_leading ? first->leading[0].blank_before : first->blank_before);
	blank_line(w, blank);
	put_indent(w, level);
	buf_printf(w->out, "%s\n", key);
	w->fresh = true;
}

static void put_syscalls(struct ywriter *w, const struct section *s, int level)
{
	const struct ast_action *def = NULL;
	bool groups = false, rules = false;
	for (size_t i = 0; i < s->n; i++) {
		const struct ast_action *d = s->bodies[i]->u.syscalls.default_action;
		if (d && def)
			report(w, d->loc, "a second 'default' in this policy: YAML has one");
		def = def ? def : d;
		groups |= s->bodies[i]->u.syscalls.groups != NULL;
		rules |= s->bodies[i]->u.syscalls.rules != NULL;
	}
	if (!section_open(w, s, level, !def && !groups && !rules, "{}")) {
		section_end_comments(w, s, level + 1);
		return;
	}
	struct buf b;
	buf_init(&b);
	if (def) {
		buf_puts(&b, "default: ");
		put_verdict(w, &b, def);
		anchor_line(w, fmt_comments_at(w->cm, def, FMT_WHOLE), level + 1, buf_cstr(&b));
	}
	if (groups) {
		subkey_line(w, first_note(w, s, false), level + 1, "groups:");
		for (size_t i = 0; i < s->n; i++)
			for (const struct ast_group *g = s->bodies[i]->u.syscalls.groups; g;
			     g = g->next)
				put_group(w, g, g, level + 2);
	}
	if (rules) {
		subkey_line(w, first_note(w, s, true), level + 1, "rules:");
		for (size_t i = 0; i < s->n; i++)
			for (const struct ast_rule *r = s->bodies[i]->u.syscalls.rules; r;
			     r = r->next)
				put_rule(w, r, level + 2);
	}
	buf_free(&b);
	section_end_comments(w, s, level + 1);
}

/* ---- fs ---------------------------------------------------------------------------------- */

/* One option line of an fs item: `key: WORD`. */
static void fs_option(struct ywriter *w, int level, const char *key, const struct ast_word *word)
{
	if (!word)
		return;
	struct buf b;
	buf_init(&b);
	put_word(w, &b, word, false);
	raw_line(w, level, key, buf_cstr(&b));
	buf_free(&b);
}

static void put_fs(struct ywriter *w, const struct ast_fs_stmt *s, int level)
{
	bool optional_ok = s->kind == AST_FS_RO || s->kind == AST_FS_RW || s->kind == AST_FS_MASK;
	if ((s->optional && !optional_ok) || !s->path ||
	    (s->kind == AST_FS_FILE && s->target && s->target->kind != AST_WORD_STRING))
		report(w, s->loc, "this '%s' statement has no YAML form", ast_fs_keyword(s->kind));
	struct buf b;
	buf_init(&b);
	buf_printf(&b, "- %s%s: ", ast_fs_keyword(s->kind), s->optional ? "?" : "");
	if (s->path)
		put_word(w, &b, s->path, false);
	anchor_line(w, fmt_comments_at(w->cm, s, FMT_WHOLE), level, buf_cstr(&b));
	buf_free(&b);
	fs_option(w, level + 1, "at", s->at);
	fs_option(w, level + 1, s->kind == AST_FS_LINK ? "to" : "contents", s->target);
	fs_option(w, level + 1, "size", s->size);
	fs_option(w, level + 1, "mode", s->mode);
}

/* ---- limits, env, process, test, lint ---------------------------------------------------- */

static void put_limit(struct ywriter *w, const struct ast_limit *l, int level, unsigned *seen)
{
	if (*seen & (1u << l->kind))
		report(w, l->loc, "a second '%s' limit in this policy: YAML has one",
		       ast_limit_keyword(l->kind));
	*seen |= 1u << l->kind;
	const struct fmt_note *n = fmt_comments_at(w->cm, l, FMT_WHOLE);
	struct buf b;
	buf_init(&b);
	if (!l->value) {
		report(w, l->loc, "a limit without a value has no YAML form");
	} else if (!l->best_effort) {
		buf_printf(&b, "%s: ", ast_limit_keyword(l->kind));
		put_word(w, &b, l->value, false);
	} else if (word_ok(l->value, true)) {
		buf_printf(&b, "%s: {value: ", ast_limit_keyword(l->kind));
		put_word(w, &b, l->value, true);
		buf_puts(&b, ", best-effort: true}");
	} else {
		buf_printf(&b, "%s:", ast_limit_keyword(l->kind));
		open_line(w, n, level, buf_cstr(&b));
		fs_option(w, level + 1, "value", l->value);
		raw_line(w, level + 1, "best-effort", "true");
		buf_free(&b);
		return;
	}
	anchor_line(w, n, level, buf_cstr(&b));
	buf_free(&b);
}

static void put_env(struct ywriter *w, const struct ast_env_stmt *s, int level)
{
	const struct fmt_note *n = fmt_comments_at(w->cm, s, FMT_WHOLE);
	struct buf b;
	buf_init(&b);
	switch (s->kind) {
	case AST_ENV_CLEAR:
		buf_printf(&b, "- %s", ast_env_keyword(s->kind));
		break;
	case AST_ENV_KEEP:
	case AST_ENV_UNSET:
		buf_printf(&b, "- %s: ", ast_env_keyword(s->kind));
		put_name_list(w, &b, s->names, true);
		break;
	case AST_ENV_SET:
		if (!s->names || !s->value || s->names->next) {
			report(w, s->loc, "this 'set' has no YAML form");
			break;
		}
		if (!word_ok(s->value, true)) {
			buf_printf(&b, "- %s:", ast_env_keyword(s->kind));
			anchor_line(w, n, level, buf_cstr(&b));
			buf_reset(&b);
			put_text(w, &b, s->names->text, false, s->names->loc);
			fs_option(w, level + 2, buf_cstr(&b), s->value);
			buf_free(&b);
			return;
		}
		buf_printf(&b, "- %s: {", ast_env_keyword(s->kind));
		put_text(w, &b, s->names->text, true, s->names->loc);
		buf_puts(&b, ": ");
		put_word(w, &b, s->value, true);
		buf_puts(&b, "}");
		break;
	}
	anchor_line(w, n, level, buf_cstr(&b));
	buf_free(&b);
}

static void put_process(struct ywriter *w, const struct ast_process_stmt *s, int level,
                        unsigned *seen)
{
	const char *key = ast_process_keyword(s->kind);
	if (*seen & (1u << s->kind))
		report(w, s->loc, "a second '%s' in this policy: YAML has one", key);
	*seen |= 1u << s->kind;
	struct buf b;
	buf_init(&b);
	buf_printf(&b, "%s: ", key);
	if (s->kind == AST_PROCESS_NEW_SESSION)
		buf_puts(&b, "true");
	else if (s->value)
		put_word(w, &b, s->value, false);
	else
		report(w, s->loc, "'%s' without a value has no YAML form", key);
	anchor_line(w, fmt_comments_at(w->cm, s, FMT_WHOLE), level, buf_cstr(&b));
	buf_free(&b);
}

/* One expectation as `{key: value, ...}`, or in block style when a value
 * cannot be written in a flow mapping. */
static void put_expect(struct ywriter *w, const struct ast_expect *e, int level)
{
	const char *keys[3] = {NULL};
	struct buf vals[3];
	const struct ast_word *words[3] = {NULL};
	for (int i = 0; i < 3; i++)
		buf_init(&vals[i]);
	switch (e->kind) {
	case AST_EXPECT_SYSCALL:
		keys[0] = "call";
		if (e->syscall)
			buf_puts(&vals[0], e->syscall->text);
		else
			report(w, e->loc, "an expectation without a call has no YAML form");
		if (e->args) {
			buf_puts(&vals[0], "(");
			for (const struct ast_expr *a = e->args; a; a = a->next) {
				if (fmt_expr_nesting(a) > AST_EXPR_MAX_DEPTH)
					report(w, a->loc,
					       "this argument nests too deeply for YAML");
				fmt_expr(a, &vals[0]);
				buf_puts(&vals[0], a->next ? ", " : ")");
			}
		}
		keys[1] = "expect";
		put_verdict(w, &vals[1], &e->action);
		if (e->arch) {
			keys[2] = "on";
			buf_puts(&vals[2], e->arch->text);
		}
		break;
	case AST_EXPECT_FS:
		keys[0] = "fs";
		keys[1] = "expect";
		words[0] = e->path;
		if (e->fact)
			buf_puts(&vals[1], e->fact->text);
		if (!e->path || !e->fact)
			report(w, e->loc, "this expectation has parts missing");
		break;
	case AST_EXPECT_LIMIT:
		keys[0] = "limit";
		buf_puts(&vals[0], ast_limit_keyword(e->limit));
		keys[1] = "expect";
		words[1] = e->value;
		if (!e->value)
			buf_puts(&vals[1], "none");
		break;
	}
	bool flow = true;
	for (int i = 0; i < 3; i++)
		if (words[i] && !word_ok(words[i], true))
			flow = false;
	struct buf line;
	buf_init(&line);
	buf_puts(&line, flow ? "- {" : "- ");
	bool opened = false;
	for (int i = 0; i < 3; i++) {
		if (!keys[i])
			continue;
		struct buf v;
		buf_init(&v);
		if (words[i])
			put_word(w, &v, words[i], flow);
		else
			put_text(w, &v, buf_cstr(&vals[i]), flow, e->loc);
		if (flow) {
			buf_printf(&line, "%s%s: %s", i ? ", " : "", keys[i], buf_cstr(&v));
		} else if (!opened) {
			buf_printf(&line, "%s: %s", keys[i], buf_cstr(&v));
			anchor_line(w, fmt_comments_at(w->cm, e, FMT_WHOLE), level,
			            buf_cstr(&line));
			opened = true;
		} else {
			raw_line(w, level + 1, keys[i], buf_cstr(&v));
		}
		buf_free(&v);
	}
	if (flow) {
		buf_puts(&line, "}");
		anchor_line(w, fmt_comments_at(w->cm, e, FMT_WHOLE), level, buf_cstr(&line));
	}
	buf_free(&line);
	for (int i = 0; i < 3; i++)
		buf_free(&vals[i]);
}

static void put_lint(struct ywriter *w, const struct ast_lint_ignore *l, int level)
{
	struct buf b;
	buf_init(&b);
	buf_puts(&b, "- {ignore: ");
	put_name_list(w, &b, l->ids, true);
	if (!l->ids)
		report(w, l->loc, "'ignore' without rule ids has no YAML form");
	if (l->reason) {
		buf_puts(&b, ", because: ");
		if (l->reason->kind != AST_WORD_STRING)
			report(w, l->reason->loc, "a lint reason is a string");
		put_word(w, &b, l->reason, true);
	}
	buf_puts(&b, "}");
	anchor_line(w, fmt_comments_at(w->cm, l, FMT_WHOLE), level, buf_cstr(&b));
	buf_free(&b);
}

/* The items of one sequence or mapping section. */
static void put_items(struct ywriter *w, const struct ast_body *b, int level, unsigned *seen)
{
	switch (b->kind) {
	case AST_BODY_FS:
		for (const struct ast_fs_stmt *s = b->u.fs; s; s = s->next)
			put_fs(w, s, level);
		break;
	case AST_BODY_LIMITS:
		for (const struct ast_limit *l = b->u.limits; l; l = l->next)
			put_limit(w, l, level, seen);
		break;
	case AST_BODY_ENV:
		for (const struct ast_env_stmt *s = b->u.env; s; s = s->next)
			put_env(w, s, level);
		break;
	case AST_BODY_PROCESS:
		for (const struct ast_process_stmt *s = b->u.process; s; s = s->next)
			put_process(w, s, level, seen);
		break;
	case AST_BODY_TEST:
		for (const struct ast_expect *e = b->u.tests; e; e = e->next)
			put_expect(w, e, level);
		break;
	case AST_BODY_LINT:
		for (const struct ast_lint_ignore *l = b->u.lint; l; l = l->next)
			put_lint(w, l, level);
		break;
	case AST_BODY_SYSCALLS:
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

/* A sequence or mapping section: fs, limits, env, process, test, lint. */
static void put_list_section(struct ywriter *w, const struct section *s, int level)
{
	enum ast_body_kind kind = s->bodies[0]->kind;
	bool mapping = kind == AST_BODY_LIMITS || kind == AST_BODY_PROCESS;
	bool empty = true;
	for (size_t i = 0; i < s->n; i++)
		empty &= ast_body_is_empty(s->bodies[i]);
	if (!section_open(w, s, level, empty, mapping ? "{}" : "[]")) {
		section_end_comments(w, s, level + 1);
		return;
	}
	unsigned seen = 0;
	for (size_t i = 0; i < s->n; i++) {
		const struct ast_body *b = s->bodies[i];
		if (i > 0)
			note_comments(w, fmt_comments_at(w->cm, b, FMT_OPEN), level + 1, true);
		put_items(w, b, level + 1, &seen);
		note_comments(w, fmt_comments_at(w->cm, b, FMT_CLOSE), level + 1, true);
	}
}

/* ---- declarations ------------------------------------------------------------------------ */

/* `NAME`, or `{name: NAME, in: DIR}` for a constrained param; in block style
 * (`name:` and `in:` lines at `level`) when DIR cannot be flow. Returns
 * whether the block lines are still to write. */
static bool param_value(struct ywriter *w, struct buf *b, const struct ast_word *name)
{
	const struct ast_word *dir = name->next;
	if (dir && dir->kind != AST_WORD_PATH && dir->kind != AST_WORD_STRING)
		report(w, dir->loc, "a param's 'in' is a path in YAML, not '%s'", dir->text);
	if (!dir) {
		put_text(w, b, name->text, false, name->loc);
		return false;
	}
	if (!word_ok(dir, true))
		return true;
	buf_puts(b, "{name: ");
	put_text(w, b, name->text, true, name->loc);
	buf_puts(b, ", in: ");
	put_word(w, b, dir, true);
	buf_puts(b, "}");
	return false;
}

static void param_block(struct ywriter *w, const struct ast_word *name, int level)
{
	struct buf b;
	buf_init(&b);
	put_text(w, &b, name->text, false, name->loc);
	raw_line(w, level, "name", buf_cstr(&b));
	fs_option(w, level, "in", name->next);
	buf_free(&b);
}

static void put_params(struct ywriter *w, const struct section *s, int level)
{
	const struct fmt_note *first = fmt_comments_at(w->cm, s->bodies[0], FMT_WHOLE);
	struct buf b;
	buf_init(&b);
	if (s->n == 1) {
		buf_puts(&b, "param:");
		struct buf v;
		buf_init(&v);
		bool block = param_value(w, &v, s->bodies[0]->u.param);
		if (!block)
			buf_printf(&b, " %s", buf_cstr(&v));
		anchor_line(w, first, level, buf_cstr(&b));
		if (block)
			param_block(w, s->bodies[0]->u.param, level + 1);
		buf_free(&v);
		buf_free(&b);
		return;
	}
	open_line(w, first, level, "param:");
	for (size_t i = 0; i < s->n; i++) {
		const struct ast_word *name = s->bodies[i]->u.param;
		buf_reset(&b);
		buf_puts(&b, "- ");
		bool block = param_value(w, &b, name);
		if (block) {
			buf_puts(&b, "name: ");
			put_text(w, &b, name->text, false, name->loc);
		}
		struct fmt_note none = {0};
		anchor_line(w, i ? fmt_comments_at(w->cm, s->bodies[i], FMT_WHOLE) : &none,
		            level + 1, buf_cstr(&b));
		if (block)
			fs_option(w, level + 2, "in", name->next);
	}
	buf_free(&b);
}

/* net, arch, untrusted, description, requires, fallback: one key each. */
static void put_declaration(struct ywriter *w, const struct section *s, int level)
{
	const struct ast_body *b = s->bodies[0];
	const struct ast_word *word = b->u.words;
	if (s->n > 1 && b->kind != AST_BODY_UNTRUSTED)
		report(w, s->bodies[1]->loc, "a second '%s' in this policy: YAML has one",
		       ast_body_keyword(b->kind));
	struct buf t;
	buf_init(&t);
	buf_printf(&t, "%s: ", ast_body_keyword(b->kind));
	switch (b->kind) {
	case AST_BODY_NET:
		buf_puts(&t, ast_net_keyword(b->u.net));
		break;
	case AST_BODY_ARCH:
		put_name_list(w, &t, b->u.arches, true);
		break;
	case AST_BODY_UNTRUSTED:
		buf_puts(&t, "true");
		break;
	case AST_BODY_DESCRIPTION:
		if (!word || !put_quoted(&t, word->text, word->len))
			report(w, b->loc, "this description has no YAML form");
		break;
	case AST_BODY_REQUIRES:
		if (!word || !word->next) {
			report(w, b->loc, "this 'requires' has no YAML form");
			break;
		}
		buf_puts(&t, "{");
		put_text(w, &t, word->text, true, word->loc);
		buf_puts(&t, ": ");
		if (!put_quoted(&t, word->next->text, word->next->len))
			report(w, word->next->loc, "this version is not UTF-8");
		buf_puts(&t, "}");
		break;
	case AST_BODY_FALLBACK:
		if (word)
			put_text(w, &t, word->text, false, word->loc);
		else
			report(w, b->loc, "this 'fallback' has no YAML form");
		break;
	case AST_BODY_PARAM:
	case AST_BODY_FS:
	case AST_BODY_SYSCALLS:
	case AST_BODY_LIMITS:
	case AST_BODY_ENV:
	case AST_BODY_PROCESS:
	case AST_BODY_TEST:
	case AST_BODY_LINT:
		report(w, b->loc, "internal error: '%s' is not a declaration",
		       ast_body_keyword(b->kind));
		break;
	}
	anchor_line(w, fmt_comments_at(w->cm, b, FMT_WHOLE), level, buf_cstr(&t));
	for (size_t i = 1; i < s->n; i++)
		note_comments(w, fmt_comments_at(w->cm, s->bodies[i], FMT_WHOLE), level, true);
	buf_free(&t);
}

static void put_section(struct ywriter *w, const struct section *s, int level)
{
	switch (s->bodies[0]->kind) {
	case AST_BODY_PARAM:
		put_params(w, s, level);
		break;
	case AST_BODY_SYSCALLS:
		put_syscalls(w, s, level);
		break;
	case AST_BODY_FS:
	case AST_BODY_LIMITS:
	case AST_BODY_ENV:
	case AST_BODY_PROCESS:
	case AST_BODY_TEST:
	case AST_BODY_LINT:
		put_list_section(w, s, level);
		break;
	case AST_BODY_NET:
	case AST_BODY_ARCH:
	case AST_BODY_UNTRUSTED:
	case AST_BODY_DESCRIPTION:
	case AST_BODY_REQUIRES:
	case AST_BODY_FALLBACK:
		put_declaration(w, s, level);
		break;
	}
}

/* ---- names that become keys -------------------------------------------------------------- */

struct named {
	const char *name;
	struct src_loc loc;
	size_t seq;
};

static int named_cmp(const void *pa, const void *pb)
{
	const struct named *a = pa, *b = pb;
	int c = strcmp(a->name, b->name);
	return c ? c : (a->seq > b->seq) - (a->seq < b->seq);
}

/* YAML keeps one key of a name: a name given twice is an error. */
static void check_unique(struct ywriter *w, struct named *v, size_t n, const char *what)
{
	if (n < 2)
		return;
	qsort(v, n, sizeof(*v), named_cmp);
	for (size_t i = 1; i < n; i++) {
		if (strcmp(v[i].name, v[i - 1].name) != 0)
			continue;
		report(w, v[i].loc, "a second %s '%s': a YAML mapping has one key of a name", what,
		       v[i].name);
		diag_note(w->d, v[i - 1].loc, "the first is here");
	}
}

static void named_add(struct named **v, size_t *n, size_t *cap, const char *name,
                      struct src_loc loc)
{
	xgrow((void **)v, cap, *n + 1, sizeof(**v));
	(*v)[*n] = (struct named){name, loc, *n};
	(*n)++;
}

/* ---- policies and the file --------------------------------------------------------------- */

/* The bodies of `kind` from `first` on; whether they stand together. */
static struct section collect(const struct ast_body *first, bool *together)
{
	struct section s = {0};
	size_t cap = 0, run = 0;
	bool in_run = true;
	for (const struct ast_body *b = first; b; b = b->next) {
		if (b->kind != first->kind) {
			in_run = false;
			continue;
		}
		xgrow((void **)&s.bodies, &cap, s.n + 1, sizeof(*s.bodies));
		s.bodies[s.n++] = b;
		run += in_run;
	}
	*together = run == s.n;
	return s;
}

static void check_group_names(struct ywriter *w, const struct ast_policy *pol)
{
	struct named *v = NULL;
	size_t n = 0, cap = 0;
	for (const struct ast_body *b = pol->body; b; b = b->next)
		if (b->kind == AST_BODY_SYSCALLS)
			for (const struct ast_group *g = b->u.syscalls.groups; g; g = g->next)
				named_add(&v, &n, &cap, g->name, g->loc);
	check_unique(w, v, n, "group");
	free(v);
}

static void put_policy(struct ywriter *w, const struct ast_item *item, int level)
{
	const struct ast_policy *pol = item->u.policy;
	const struct fmt_note *open = fmt_comments_at(w->cm, item, FMT_OPEN);
	struct buf b;
	buf_init(&b);
	put_text(w, &b, pol->name, false, pol->loc);
	buf_puts(&b, pol->bases || pol->body ? ":" : ": {}");
	if (!pol->bases && !pol->body) {
		anchor_line(w, open, level, buf_cstr(&b));
		note_comments(w, fmt_comments_at(w->cm, item, FMT_CLOSE), level + 1, true);
		buf_free(&b);
		return;
	}
	open_line(w, open, level, buf_cstr(&b));
	if (pol->bases) {
		buf_reset(&b);
		put_name_list(w, &b, pol->bases, false);
		raw_line(w, level + 1, "bases", buf_cstr(&b));
		w->fresh = false;
	}
	check_group_names(w, pol);
	bool done[AST_BODY_FALLBACK + 1] = {false};
	for (const struct ast_body *body = pol->body; body; body = body->next) {
		if (done[body->kind])
			continue;
		done[body->kind] = true;
		bool together;
		struct section s = collect(body, &together);
		if (s.n > 1 && !(together && body->kind == AST_BODY_PARAM))
			w->exact = false;
		put_section(w, &s, level + 1);
		free(s.bodies);
	}
	note_comments(w, fmt_comments_at(w->cm, item, FMT_CLOSE), level + 1, true);
	buf_free(&b);
}

static const char *item_key(enum ast_item_kind kind)
{
	switch (kind) {
	case AST_ITEM_INCLUDE:
		return "include";
	case AST_ITEM_CONST:
		return "const";
	case AST_ITEM_GROUP:
		return "groups";
	case AST_ITEM_POLICY:
		return "policies";
	}
	return "?";
}

static const struct fmt_note *item_note(const struct ywriter *w, const struct ast_item *i)
{
	return fmt_comments_at(w->cm, i, i->kind == AST_ITEM_POLICY ? FMT_OPEN : FMT_WHOLE);
}

static void put_item(struct ywriter *w, const struct ast_item *i)
{
	struct buf b;
	buf_init(&b);
	switch (i->kind) {
	case AST_ITEM_INCLUDE:
		buf_puts(&b, "- ");
		if (i->u.include)
			put_text(w, &b, i->u.include->text, false, i->loc);
		anchor_line(w, item_note(w, i), 1, buf_cstr(&b));
		break;
	case AST_ITEM_CONST:
		put_text(w, &b, i->u.constant.name, false, i->u.constant.name_loc);
		buf_puts(&b, ": ");
		if (i->u.constant.value)
			put_word(w, &b, i->u.constant.value, false);
		anchor_line(w, item_note(w, i), 1, buf_cstr(&b));
		break;
	case AST_ITEM_GROUP:
		put_group(w, i, i->u.group, 1);
		break;
	case AST_ITEM_POLICY:
		put_policy(w, i, 1);
		break;
	}
	buf_free(&b);
}

static const char *item_name(const struct ast_item *i)
{
	switch (i->kind) {
	case AST_ITEM_CONST:
		return i->u.constant.name;
	case AST_ITEM_GROUP:
		return i->u.group->name;
	case AST_ITEM_POLICY:
		return i->u.policy->name;
	case AST_ITEM_INCLUDE:
		break;
	}
	return NULL;
}

/* The items of one kind under their key. The first item's own-line comments
 * go before the key: in the source they came before the first of its kind. */
static void put_item_kind(struct ywriter *w, const struct ast_file *f, enum ast_item_kind kind,
                          bool first_key)
{
	struct named *names = NULL;
	size_t n_names = 0, cap = 0;
	const struct ast_item *first = NULL;
	bool in_run = false, ended = false;
	for (const struct ast_item *i = f->items; i; i = i->next) {
		if (i->kind != kind) {
			ended |= in_run;
			continue;
		}
		if (ended)
			w->exact = false; /* this kind is regrouped under one key */
		in_run = true;
		if (!first) {
			first = i;
			const struct fmt_note *n = item_note(w, first);
			if (!first_key)
				buf_puts(w->out, "\n");
			w->fresh = true;
			note_comments(w, n, 0, false);
			buf_printf(w->out, "%s:\n", item_key(kind));
			w->skip = n;
			w->fresh = true;
		} else if (kind == AST_ITEM_POLICY) {
			buf_puts(w->out, "\n");
			w->fresh = true; /* that blank line is the policy's */
		}
		if (item_name(i))
			named_add(&names, &n_names, &cap, item_name(i), i->loc);
		put_item(w, i);
	}
	w->skip = NULL;
	check_unique(w, names, n_names,
	             kind == AST_ITEM_CONST   ? "constant"
	             : kind == AST_ITEM_GROUP ? "group"
	                                      : "policy");
	free(names);
}

bool fmt_yaml_print(const struct ast_file *f, const struct fmt_source *src, struct diag_ctx *d,
                    struct buf *out, bool *exact)
{
	struct ywriter w = {.out = out, .d = d, .exact = true, .fresh = true};
	w.cm = fmt_comments_build(f, src);
	bool done[AST_ITEM_POLICY + 1] = {false};
	bool first_key = true;
	for (const struct ast_item *i = f->items; i; i = i->next) {
		if (done[i->kind])
			continue;
		done[i->kind] = true;
		put_item_kind(&w, f, i->kind, first_key);
		first_key = false;
	}
	note_comments(&w, fmt_comments_end(w.cm), 0, true);
	if (!f->items) /* a file of comments: they come first, as they did */
		buf_puts(out, "policies: {}\n");
	fmt_comments_free((struct fmt_comments *)w.cm);
	if (exact)
		*exact = w.exact;
	return !w.failed;
}

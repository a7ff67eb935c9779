/*
 * ast.c - constructors, destructors and the debug dump of the syntax tree.
 *
 * Lists can be as long as a hostile file makes them, so every *_free walks
 * `next` in a loop; recursion follows only the tree's depth, which the parser
 * bounds (expressions: 64 levels; everything else is a fixed shape).
 */
#include "ast.h"

#include <stdlib.h>
#include <string.h>

struct ast_word *ast_word_new(enum ast_word_kind kind, char *text, size_t len, struct src_loc loc)
{
	struct ast_word *w = xcalloc(1, sizeof(*w));
	w->kind = kind;
	w->text = text;
	w->len = len;
	w->loc = loc;
	return w;
}

struct ast_expr *ast_expr_new(enum ast_expr_kind kind, struct src_loc loc)
{
	struct ast_expr *e = xcalloc(1, sizeof(*e));
	e->kind = kind;
	e->loc = loc;
	return e;
}

/* ---- destructors ---------------------------------------------------------- */

void ast_word_free(struct ast_word *w)
{
	while (w) {
		struct ast_word *next = w->next;
		free(w->text);
		free(w);
		w = next;
	}
}

void ast_expr_free(struct ast_expr *e)
{
	while (e) {
		struct ast_expr *next = e->next;
		ast_expr_free(e->lhs);
		ast_expr_free(e->rhs);
		ast_expr_free(e->list);
		free(e->text);
		free(e);
		e = next;
	}
}

void ast_target_free(struct ast_target *t)
{
	while (t) {
		struct ast_target *next = t->next;
		free(t->name);
		ast_word_free(t->argnames);
		free(t);
		t = next;
	}
}

void ast_action_free(struct ast_action *a)
{
	if (!a)
		return;
	free(a->errno_name);
	free(a);
}

void ast_rule_free(struct ast_rule *r)
{
	while (r) {
		struct ast_rule *next = r->next;
		/* The action is embedded in the rule: only its string is ours. */
		free(r->action.errno_name);
		ast_target_free(r->targets);
		ast_expr_free(r->cond);
		free(r->reason);
		free(r);
		r = next;
	}
}

void ast_group_member_free(struct ast_group_member *m)
{
	while (m) {
		struct ast_group_member *next = m->next;
		free(m->name);
		free(m);
		m = next;
	}
}

void ast_group_free(struct ast_group *g)
{
	while (g) {
		struct ast_group *next = g->next;
		free(g->name);
		ast_group_member_free(g->members);
		free(g);
		g = next;
	}
}

void ast_fs_stmt_free(struct ast_fs_stmt *s)
{
	while (s) {
		struct ast_fs_stmt *next = s->next;
		ast_word_free(s->path);
		ast_word_free(s->at);
		ast_word_free(s->target);
		ast_word_free(s->size);
		ast_word_free(s->mode);
		free(s);
		s = next;
	}
}

void ast_limit_free(struct ast_limit *l)
{
	while (l) {
		struct ast_limit *next = l->next;
		ast_word_free(l->value);
		free(l);
		l = next;
	}
}

void ast_env_stmt_free(struct ast_env_stmt *s)
{
	while (s) {
		struct ast_env_stmt *next = s->next;
		ast_word_free(s->names);
		ast_word_free(s->value);
		free(s);
		s = next;
	}
}

void ast_process_stmt_free(struct ast_process_stmt *s)
{
	while (s) {
		struct ast_process_stmt *next = s->next;
		ast_word_free(s->value);
		free(s);
		s = next;
	}
}

void ast_expect_free(struct ast_expect *e)
{
	while (e) {
		struct ast_expect *next = e->next;
		ast_word_free(e->syscall);
		ast_expr_free(e->args);
		free(e->action.errno_name);
		ast_word_free(e->arch);
		ast_word_free(e->path);
		ast_word_free(e->fact);
		ast_word_free(e->value);
		free(e);
		e = next;
	}
}

void ast_lint_ignore_free(struct ast_lint_ignore *l)
{
	while (l) {
		struct ast_lint_ignore *next = l->next;
		ast_word_free(l->ids);
		ast_word_free(l->reason);
		free(l);
		l = next;
	}
}

void ast_comment_free(struct ast_comment *c)
{
	while (c) {
		struct ast_comment *next = c->next;
		free(c->text);
		free(c);
		c = next;
	}
}

static void body_contents_free(struct ast_body *b)
{
	switch (b->kind) {
	case AST_BODY_PARAM:
		ast_word_free(b->u.param);
		break;
	case AST_BODY_FS:
		ast_fs_stmt_free(b->u.fs);
		break;
	case AST_BODY_NET:
		break;
	case AST_BODY_SYSCALLS:
		ast_action_free(b->u.syscalls.default_action);
		ast_rule_free(b->u.syscalls.rules);
		ast_group_free(b->u.syscalls.groups);
		break;
	case AST_BODY_LIMITS:
		ast_limit_free(b->u.limits);
		break;
	case AST_BODY_ENV:
		ast_env_stmt_free(b->u.env);
		break;
	case AST_BODY_PROCESS:
		ast_process_stmt_free(b->u.process);
		break;
	case AST_BODY_ARCH:
		ast_word_free(b->u.arches);
		break;
	case AST_BODY_TEST:
		ast_expect_free(b->u.tests);
		break;
	case AST_BODY_LINT:
		ast_lint_ignore_free(b->u.lint);
		break;
	case AST_BODY_UNTRUSTED:
		break;
	case AST_BODY_DESCRIPTION:
	case AST_BODY_REQUIRES:
	case AST_BODY_FALLBACK:
		ast_word_free(b->u.words);
		break;
	}
}

void ast_body_free(struct ast_body *b)
{
	while (b) {
		struct ast_body *next = b->next;
		body_contents_free(b);
		free(b);
		b = next;
	}
}

void ast_policy_free(struct ast_policy *p)
{
	if (!p)
		return;
	free(p->name);
	ast_word_free(p->bases);
	ast_body_free(p->body);
	free(p);
}

void ast_item_free(struct ast_item *i)
{
	while (i) {
		struct ast_item *next = i->next;
		switch (i->kind) {
		case AST_ITEM_INCLUDE:
			ast_word_free(i->u.include);
			break;
		case AST_ITEM_CONST:
			free(i->u.constant.name);
			ast_word_free(i->u.constant.value);
			break;
		case AST_ITEM_GROUP:
			ast_group_free(i->u.group);
			break;
		case AST_ITEM_POLICY:
			ast_policy_free(i->u.policy);
			break;
		}
		free(i);
		i = next;
	}
}

void ast_file_free(struct ast_file *f)
{
	if (!f)
		return;
	/* f->path belongs to the diag context. */
	ast_item_free(f->items);
	ast_comment_free(f->comments);
	free(f);
}

/* ---- the language's spellings ----------------------------------------------
 *
 * Switches with every case and no `default`: a new kind in ast.h does not
 * compile until it has a spelling. */

const char *ast_body_keyword(enum ast_body_kind kind)
{
	switch (kind) {
	case AST_BODY_PARAM:
		return "param";
	case AST_BODY_FS:
		return "fs";
	case AST_BODY_NET:
		return "net";
	case AST_BODY_SYSCALLS:
		return "syscalls";
	case AST_BODY_LIMITS:
		return "limits";
	case AST_BODY_ENV:
		return "env";
	case AST_BODY_PROCESS:
		return "process";
	case AST_BODY_ARCH:
		return "arch";
	case AST_BODY_TEST:
		return "test";
	case AST_BODY_LINT:
		return "lint";
	case AST_BODY_UNTRUSTED:
		return "untrusted";
	case AST_BODY_DESCRIPTION:
		return "description";
	case AST_BODY_REQUIRES:
		return "requires";
	case AST_BODY_FALLBACK:
		return "fallback";
	}
	return "?";
}

const char *ast_fs_keyword(enum ast_fs_kind kind)
{
	switch (kind) {
	case AST_FS_RO:
		return "ro";
	case AST_FS_RW:
		return "rw";
	case AST_FS_DEV:
		return "dev";
	case AST_FS_PROC:
		return "proc";
	case AST_FS_TMPFS:
		return "tmpfs";
	case AST_FS_LINK:
		return "link";
	case AST_FS_DIR:
		return "dir";
	case AST_FS_FILE:
		return "file";
	case AST_FS_MASK:
		return "mask";
	case AST_FS_CWD:
		return "cwd";
	}
	return "?";
}

const char *ast_limit_keyword(enum ast_limit_kind kind)
{
	switch (kind) {
	case AST_LIMIT_MEMORY:
		return "memory";
	case AST_LIMIT_PIDS:
		return "pids";
	case AST_LIMIT_CPU:
		return "cpu";
	case AST_LIMIT_TIME:
		return "time";
	case AST_LIMIT_NOFILE:
		return "nofile";
	case AST_LIMIT_FSIZE:
		return "fsize";
	}
	return "?";
}

const char *ast_env_keyword(enum ast_env_kind kind)
{
	switch (kind) {
	case AST_ENV_CLEAR:
		return "clear";
	case AST_ENV_KEEP:
		return "keep";
	case AST_ENV_SET:
		return "set";
	case AST_ENV_UNSET:
		return "unset";
	}
	return "?";
}

const char *ast_process_keyword(enum ast_process_kind kind)
{
	switch (kind) {
	case AST_PROCESS_HOSTNAME:
		return "hostname";
	case AST_PROCESS_UID:
		return "uid";
	case AST_PROCESS_GID:
		return "gid";
	case AST_PROCESS_NEW_SESSION:
		return "new-session";
	}
	return "?";
}

const char *ast_net_keyword(enum ast_net_mode mode)
{
	switch (mode) {
	case AST_NET_NONE:
		return "none";
	case AST_NET_LOOPBACK:
		return "loopback";
	case AST_NET_HOST:
		return "host";
	}
	return "?";
}

const char *ast_action_keyword(enum ast_action_kind kind)
{
	switch (kind) {
	case AST_ACTION_ALLOW:
		return "allow";
	case AST_ACTION_DENY:
		return "deny";
	case AST_ACTION_ERRNO:
		return "errno";
	case AST_ACTION_KILL:
		return "kill";
	case AST_ACTION_TRAP:
		return "trap";
	case AST_ACTION_LOG:
		return "log";
	}
	return "?";
}

const char *ast_cmp_op_text(enum ast_cmp_op op)
{
	switch (op) {
	case AST_CMP_EQ:
		return "==";
	case AST_CMP_NE:
		return "!=";
	case AST_CMP_LT:
		return "<";
	case AST_CMP_LE:
		return "<=";
	case AST_CMP_GT:
		return ">";
	case AST_CMP_GE:
		return ">=";
	}
	return "?";
}

/* In grammar/lexer.l's order, which tests/unit/test_parser.c holds equal. */
const char *const ast_reserved_words[] = {
    "policy",   "include",  "const",   "param",       "group",       "fs",       "net",
    "syscalls", "limits",   "env",     "process",     "arch",        "ro",       "rw",
    "dev",      "proc",     "tmpfs",   "link",        "dir",         "file",     "mask",
    "cwd",      "at",       "size",    "mode",        "none",        "loopback", "host",
    "default",  "allow",    "deny",    "kill",        "trap",        "log",      "errno",
    "if",       "in",       "because", "optional",    "memory",      "pids",     "cpu",
    "time",     "nofile",   "fsize",   "best-effort", "clear",       "keep",     "set",
    "unset",    "hostname", "uid",     "gid",         "new-session", "test",     "expect",
    "on",       "lint",     "ignore",  "untrusted",   "description", "requires", "fallback",
};
const size_t ast_reserved_word_count = ARRAY_SIZE(ast_reserved_words);

bool ast_is_reserved(const char *s, size_t len)
{
	for (size_t i = 0; i < ast_reserved_word_count; i++)
		if (strlen(ast_reserved_words[i]) == len &&
		    memcmp(ast_reserved_words[i], s, len) == 0)
			return true;
	return false;
}

bool ast_body_is_empty(const struct ast_body *b)
{
	switch (b->kind) {
	case AST_BODY_FS:
		return !b->u.fs;
	case AST_BODY_SYSCALLS:
		return !b->u.syscalls.default_action && !b->u.syscalls.groups &&
		       !b->u.syscalls.rules;
	case AST_BODY_LIMITS:
		return !b->u.limits;
	case AST_BODY_ENV:
		return !b->u.env;
	case AST_BODY_PROCESS:
		return !b->u.process;
	case AST_BODY_TEST:
		return !b->u.tests;
	case AST_BODY_LINT:
		return !b->u.lint;
	case AST_BODY_PARAM:
	case AST_BODY_NET:
	case AST_BODY_ARCH:
	case AST_BODY_UNTRUSTED:
	case AST_BODY_DESCRIPTION:
	case AST_BODY_REQUIRES:
	case AST_BODY_FALLBACK:
		return true;
	}
	return true;
}

/* ---- dump ----------------------------------------------------------------- *
 *
 * One node per line, children indented by two spaces, each line ending in the
 * node's location as @LINE:COL. Words print as written, except strings, which
 * print quoted with C escapes so that the dump is one line per node even when
 * the string holds newlines or NULs.
 */

static void dump_indent(struct buf *out, int depth)
{
	for (int i = 0; i < depth; i++)
		buf_puts(out, "  ");
}

static void dump_loc(struct buf *out, struct src_loc loc)
{
	buf_printf(out, " @%d:%d\n", loc.line, loc.col);
}

static void dump_quoted(struct buf *out, const char *s, size_t len)
{
	buf_puts(out, "\"");
	for (size_t i = 0; i < len; i++) {
		unsigned char c = (unsigned char)s[i];
		switch (c) {
		case '"':
			buf_puts(out, "\\\"");
			break;
		case '\\':
			buf_puts(out, "\\\\");
			break;
		case '\n':
			buf_puts(out, "\\n");
			break;
		case '\t':
			buf_puts(out, "\\t");
			break;
		case '\r':
			buf_puts(out, "\\r");
			break;
		default:
			if (c < 0x20 || c == 0x7f)
				buf_printf(out, "\\x%02x", c);
			else
				buf_append(out, &s[i], 1);
		}
	}
	buf_puts(out, "\"");
}

static void dump_word(struct buf *out, const struct ast_word *w)
{
	if (w->kind == AST_WORD_STRING)
		dump_quoted(out, w->text, w->len);
	else
		buf_puts(out, w->text);
}

/* Appends " w1 w2 ..." for a word list. */
static void dump_words(struct buf *out, const struct ast_word *w, const char *sep)
{
	for (; w; w = w->next) {
		buf_puts(out, sep);
		dump_word(out, w);
	}
}

static void dump_expr(struct buf *out, const struct ast_expr *e, int depth)
{
	dump_indent(out, depth);
	switch (e->kind) {
	case AST_EXPR_OR:
		buf_puts(out, "or");
		break;
	case AST_EXPR_AND:
		buf_puts(out, "and");
		break;
	case AST_EXPR_NOT:
		buf_puts(out, "not");
		break;
	case AST_EXPR_CMP:
		buf_printf(out, "cmp %s", ast_cmp_op_text(e->op));
		break;
	case AST_EXPR_IN:
		buf_puts(out, "in");
		break;
	case AST_EXPR_BITAND:
		buf_puts(out, "bitand");
		break;
	case AST_EXPR_BITOR:
		buf_puts(out, "bitor");
		break;
	case AST_EXPR_IDENT:
		buf_printf(out, "ident %s", e->text);
		break;
	case AST_EXPR_NUMBER:
		buf_printf(out, "number %s", e->text);
		break;
	}
	dump_loc(out, e->loc);
	if (e->lhs)
		dump_expr(out, e->lhs, depth + 1);
	if (e->rhs)
		dump_expr(out, e->rhs, depth + 1);
	if (e->kind == AST_EXPR_IN) {
		dump_indent(out, depth + 1);
		buf_puts(out, "of\n");
		for (const struct ast_expr *v = e->list; v; v = v->next)
			dump_expr(out, v, depth + 2);
	}
}

static void dump_action(struct buf *out, const struct ast_action *a)
{
	buf_puts(out, ast_action_keyword(a->kind));
	/* `default errno E` is the errno action; `deny ... errno E` a deny. */
	if (a->errno_name)
		buf_printf(out, a->kind == AST_ACTION_ERRNO ? " %s" : " errno %s", a->errno_name);
}

static void dump_members(struct buf *out, const struct ast_group_member *m, int depth)
{
	for (; m; m = m->next) {
		dump_indent(out, depth);
		buf_printf(out, "member %s%s%s%s", m->exclude ? "!" : "",
		           m->optional ? "optional " : "", m->is_group ? "@" : "", m->name);
		dump_loc(out, m->loc);
	}
}

static void dump_group(struct buf *out, const struct ast_group *g, int depth)
{
	dump_indent(out, depth);
	buf_printf(out, "group @%s", g->name);
	dump_loc(out, g->loc);
	dump_members(out, g->members, depth + 1);
}

static void dump_targets(struct buf *out, const struct ast_target *t, int depth)
{
	for (; t; t = t->next) {
		dump_indent(out, depth);
		buf_printf(out, "target %s%s%s", t->optional ? "optional " : "",
		           t->is_group ? "@" : "", t->name);
		if (t->has_parens) {
			buf_puts(out, "(");
			for (const struct ast_word *w = t->argnames; w; w = w->next) {
				dump_word(out, w);
				if (w->next)
					buf_puts(out, ", ");
			}
			buf_puts(out, ")");
		}
		dump_loc(out, t->loc);
	}
}

static void dump_rules(struct buf *out, const struct ast_rule *r, int depth)
{
	for (; r; r = r->next) {
		dump_indent(out, depth);
		buf_puts(out, "rule ");
		dump_action(out, &r->action);
		if (r->reason) {
			buf_puts(out, " because ");
			dump_quoted(out, r->reason, strlen(r->reason));
		}
		dump_loc(out, r->loc);
		dump_targets(out, r->targets, depth + 1);
		if (r->cond) {
			dump_indent(out, depth + 1);
			buf_puts(out, "if\n");
			dump_expr(out, r->cond, depth + 2);
		}
	}
}

static void dump_fs(struct buf *out, const struct ast_fs_stmt *s, int depth)
{
	for (; s; s = s->next) {
		dump_indent(out, depth);
		buf_printf(out, "%s%s", ast_fs_keyword(s->kind), s->optional ? "?" : "");
		dump_words(out, s->path, " ");
		if (s->at)
			dump_words(out, s->at, " at ");
		if (s->target)
			dump_words(out, s->target, s->kind == AST_FS_LINK ? " -> " : " ");
		if (s->size)
			dump_words(out, s->size, " size ");
		if (s->mode)
			dump_words(out, s->mode, " mode ");
		dump_loc(out, s->loc);
	}
}

static void dump_limits(struct buf *out, const struct ast_limit *l, int depth)
{
	for (; l; l = l->next) {
		dump_indent(out, depth);
		buf_puts(out, ast_limit_keyword(l->kind));
		dump_words(out, l->value, " ");
		if (l->best_effort)
			buf_puts(out, " best-effort");
		dump_loc(out, l->loc);
	}
}

static void dump_env(struct buf *out, const struct ast_env_stmt *s, int depth)
{
	for (; s; s = s->next) {
		dump_indent(out, depth);
		buf_puts(out, ast_env_keyword(s->kind));
		dump_words(out, s->names, " ");
		if (s->value)
			dump_words(out, s->value, " = ");
		dump_loc(out, s->loc);
	}
}

static void dump_process(struct buf *out, const struct ast_process_stmt *s, int depth)
{
	for (; s; s = s->next) {
		dump_indent(out, depth);
		buf_puts(out, ast_process_keyword(s->kind));
		dump_words(out, s->value, " ");
		dump_loc(out, s->loc);
	}
}

static void dump_tests(struct buf *out, const struct ast_expect *e, int depth)
{
	for (; e; e = e->next) {
		dump_indent(out, depth);
		switch (e->kind) {
		case AST_EXPECT_SYSCALL:
			buf_puts(out, "expect");
			dump_words(out, e->syscall, " ");
			buf_puts(out, " -> ");
			dump_action(out, &e->action);
			if (e->arch)
				dump_words(out, e->arch, " on ");
			dump_loc(out, e->loc);
			for (const struct ast_expr *a = e->args; a; a = a->next)
				dump_expr(out, a, depth + 1);
			break;
		case AST_EXPECT_FS:
			buf_puts(out, "expect fs");
			dump_words(out, e->path, " ");
			dump_words(out, e->fact, " ");
			dump_loc(out, e->loc);
			break;
		case AST_EXPECT_LIMIT:
			buf_printf(out, "expect limit %s", ast_limit_keyword(e->limit));
			if (e->value)
				dump_words(out, e->value, " ");
			else
				buf_puts(out, " none");
			dump_loc(out, e->loc);
			break;
		}
	}
}

static void dump_syscalls(struct buf *out, const struct ast_body *b, int depth)
{
	const struct ast_action *def = b->u.syscalls.default_action;
	if (def) {
		dump_indent(out, depth);
		buf_puts(out, "default ");
		dump_action(out, def);
		dump_loc(out, def->loc);
	}
	for (const struct ast_group *g = b->u.syscalls.groups; g; g = g->next)
		dump_group(out, g, depth);
	dump_rules(out, b->u.syscalls.rules, depth);
}

static void dump_lint(struct buf *out, const struct ast_lint_ignore *l, int depth)
{
	for (; l; l = l->next) {
		dump_indent(out, depth);
		buf_puts(out, "ignore");
		dump_words(out, l->ids, " ");
		dump_words(out, l->reason, " because ");
		dump_loc(out, l->loc);
	}
}

static void dump_body(struct buf *out, const struct ast_body *b, int depth)
{
	for (; b; b = b->next) {
		dump_indent(out, depth);
		buf_puts(out, ast_body_keyword(b->kind));
		switch (b->kind) {
		case AST_BODY_PARAM:
			dump_words(out, b->u.param, " ");
			if (b->u.param->next)
				buf_puts(out, " (in)");
			dump_loc(out, b->loc);
			break;
		case AST_BODY_FS:
			dump_loc(out, b->loc);
			dump_fs(out, b->u.fs, depth + 1);
			break;
		case AST_BODY_NET:
			buf_printf(out, " %s", ast_net_keyword(b->u.net));
			dump_loc(out, b->loc);
			break;
		case AST_BODY_SYSCALLS:
			dump_loc(out, b->loc);
			dump_syscalls(out, b, depth + 1);
			break;
		case AST_BODY_LIMITS:
			dump_loc(out, b->loc);
			dump_limits(out, b->u.limits, depth + 1);
			break;
		case AST_BODY_ENV:
			dump_loc(out, b->loc);
			dump_env(out, b->u.env, depth + 1);
			break;
		case AST_BODY_PROCESS:
			dump_loc(out, b->loc);
			dump_process(out, b->u.process, depth + 1);
			break;
		case AST_BODY_TEST:
			dump_loc(out, b->loc);
			dump_tests(out, b->u.tests, depth + 1);
			break;
		case AST_BODY_LINT:
			dump_loc(out, b->loc);
			dump_lint(out, b->u.lint, depth + 1);
			break;
		case AST_BODY_UNTRUSTED:
			dump_loc(out, b->loc);
			break;
		case AST_BODY_ARCH:
			dump_words(out, b->u.arches, " ");
			dump_loc(out, b->loc);
			break;
		case AST_BODY_DESCRIPTION:
		case AST_BODY_REQUIRES:
		case AST_BODY_FALLBACK:
			dump_words(out, b->u.words, " ");
			dump_loc(out, b->loc);
			break;
		}
	}
}

static void dump_policy(struct buf *out, const struct ast_policy *p)
{
	buf_printf(out, "policy %s", p->name);
	if (p->bases) {
		buf_puts(out, " :");
		dump_words(out, p->bases, " ");
	}
	dump_loc(out, p->loc);
	dump_body(out, p->body, 1);
}

void ast_dump(const struct ast_file *f, struct buf *out)
{
	buf_printf(out, "file %s\n", f->path ? f->path : "(none)");
	for (const struct ast_item *i = f->items; i; i = i->next) {
		switch (i->kind) {
		case AST_ITEM_INCLUDE:
			buf_puts(out, "include");
			dump_words(out, i->u.include, " ");
			dump_loc(out, i->loc);
			break;
		case AST_ITEM_CONST:
			buf_printf(out, "const %s", i->u.constant.name);
			dump_words(out, i->u.constant.value, " = ");
			dump_loc(out, i->loc);
			break;
		case AST_ITEM_GROUP:
			dump_group(out, i->u.group, 0);
			break;
		case AST_ITEM_POLICY:
			dump_policy(out, i->u.policy);
			break;
		}
	}
}

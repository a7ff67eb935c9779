/*
 * ast.c - constructors, destructors and the debug dump of the syntax tree,
 * and the language's lexical rules for the readers that bypass the scanner.
 *
 * Lists can be as long as a hostile file makes them, so every *_free walks
 * `next` in a loop; recursion follows only the tree's depth, which the parser
 * bounds (expressions: AST_EXPR_MAX_DEPTH levels; everything else is a fixed shape).
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

/* The word `because` in a lint comment: whole, not inside an id. */
static const char *find_because(const char *t)
{
	for (const char *b = strstr(t, "because"); b; b = strstr(b + 1, "because")) {
		bool starts = b == t || strchr(" \t,", b[-1]);
		bool ends = b[7] == '\0' || strchr(" \t\r\"", b[7]);
		if (starts && ends)
			return b;
	}
	return NULL;
}

bool ast_lint_comment_parse(const struct ast_comment *c, struct ast_lint_comment *out)
{
	memset(out, 0, sizeof(*out));
	const char *t = c->text + strspn(c->text, " \t");
	if (strncmp(t, "lint:", 5) != 0)
		return false;
	t += 5;
	const char *because = find_because(t);
	if (because) {
		const char *open = strchr(because, '"');
		const char *close = open ? strrchr(open + 1, '"') : NULL;
		if (close)
			out->reason = xstrndup(open + 1, (size_t)(close - open - 1));
	}
	const char *end = because ? because : t + strlen(t);
	static const char sep[] = " \t\r,";
	while (t < end) {
		t += strspn(t, sep);
		size_t len = strcspn(t, sep);
		if (t + len > end)
			len = (size_t)(end - t);
		if (len == 0)
			break;
		out->ids = xrealloc(out->ids, (out->n_ids + 1) * sizeof(*out->ids));
		out->ids[out->n_ids++] = xstrndup(t, len);
		t += len;
	}
	return true;
}

void ast_lint_comment_free(struct ast_lint_comment *l)
{
	for (size_t i = 0; i < l->n_ids; i++)
		free(l->ids[i]);
	free(l->ids);
	free(l->reason);
	memset(l, 0, sizeof(*l));
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
 * the string holds newlines or NULs. The shape (ast_dump_shape) is the same
 * dump without the first line (the file name) and without the locations.
 */

struct dumper {
	struct buf *out;
	bool shape; /* ast_dump_shape: no file name, no locations */
};

static void dump_indent(struct dumper *dp, int depth)
{
	for (int i = 0; i < depth; i++)
		buf_puts(dp->out, "  ");
}

static void dump_loc(struct dumper *dp, struct src_loc loc)
{
	if (dp->shape)
		buf_puts(dp->out, "\n");
	else
		buf_printf(dp->out, " @%d:%d\n", loc.line, loc.col);
}

static void dump_quoted(struct dumper *dp, const char *s, size_t len)
{
	buf_puts(dp->out, "\"");
	for (size_t i = 0; i < len; i++) {
		unsigned char c = (unsigned char)s[i];
		switch (c) {
		case '"':
			buf_puts(dp->out, "\\\"");
			break;
		case '\\':
			buf_puts(dp->out, "\\\\");
			break;
		case '\n':
			buf_puts(dp->out, "\\n");
			break;
		case '\t':
			buf_puts(dp->out, "\\t");
			break;
		case '\r':
			buf_puts(dp->out, "\\r");
			break;
		default:
			if (c < 0x20 || c == 0x7f)
				buf_printf(dp->out, "\\x%02x", c);
			else
				buf_append(dp->out, &s[i], 1);
		}
	}
	buf_puts(dp->out, "\"");
}

static void dump_word(struct dumper *dp, const struct ast_word *w)
{
	if (w->kind == AST_WORD_STRING)
		dump_quoted(dp, w->text, w->len);
	else
		buf_puts(dp->out, w->text);
}

/* Appends " w1 w2 ..." for a word list. */
static void dump_words(struct dumper *dp, const struct ast_word *w, const char *sep)
{
	for (; w; w = w->next) {
		buf_puts(dp->out, sep);
		dump_word(dp, w);
	}
}

static void dump_expr(struct dumper *dp, const struct ast_expr *e, int depth)
{
	dump_indent(dp, depth);
	switch (e->kind) {
	case AST_EXPR_OR:
		buf_puts(dp->out, "or");
		break;
	case AST_EXPR_AND:
		buf_puts(dp->out, "and");
		break;
	case AST_EXPR_NOT:
		buf_puts(dp->out, "not");
		break;
	case AST_EXPR_CMP:
		buf_printf(dp->out, "cmp %s", ast_cmp_op_text(e->op));
		break;
	case AST_EXPR_IN:
		buf_puts(dp->out, "in");
		break;
	case AST_EXPR_BITAND:
		buf_puts(dp->out, "bitand");
		break;
	case AST_EXPR_BITOR:
		buf_puts(dp->out, "bitor");
		break;
	case AST_EXPR_IDENT:
		buf_printf(dp->out, "ident %s", e->text);
		break;
	case AST_EXPR_NUMBER:
		buf_printf(dp->out, "number %s", e->text);
		break;
	}
	dump_loc(dp, e->loc);
	if (e->lhs)
		dump_expr(dp, e->lhs, depth + 1);
	if (e->rhs)
		dump_expr(dp, e->rhs, depth + 1);
	if (e->kind == AST_EXPR_IN) {
		dump_indent(dp, depth + 1);
		buf_puts(dp->out, "of\n");
		for (const struct ast_expr *v = e->list; v; v = v->next)
			dump_expr(dp, v, depth + 2);
	}
}

static void dump_action(struct dumper *dp, const struct ast_action *a)
{
	buf_puts(dp->out, ast_action_keyword(a->kind));
	/* `default errno E` is the errno action; `deny ... errno E` a deny. */
	if (a->errno_name)
		buf_printf(dp->out, a->kind == AST_ACTION_ERRNO ? " %s" : " errno %s",
		           a->errno_name);
}

static void dump_members(struct dumper *dp, const struct ast_group_member *m, int depth)
{
	for (; m; m = m->next) {
		dump_indent(dp, depth);
		buf_printf(dp->out, "member %s%s%s%s", m->exclude ? "!" : "",
		           m->optional ? "optional " : "", m->is_group ? "@" : "", m->name);
		dump_loc(dp, m->loc);
	}
}

static void dump_group(struct dumper *dp, const struct ast_group *g, int depth)
{
	dump_indent(dp, depth);
	buf_printf(dp->out, "group @%s", g->name);
	dump_loc(dp, g->loc);
	dump_members(dp, g->members, depth + 1);
}

static void dump_targets(struct dumper *dp, const struct ast_target *t, int depth)
{
	for (; t; t = t->next) {
		dump_indent(dp, depth);
		buf_printf(dp->out, "target %s%s%s", t->optional ? "optional " : "",
		           t->is_group ? "@" : "", t->name);
		if (t->has_parens) {
			buf_puts(dp->out, "(");
			for (const struct ast_word *w = t->argnames; w; w = w->next) {
				dump_word(dp, w);
				if (w->next)
					buf_puts(dp->out, ", ");
			}
			buf_puts(dp->out, ")");
		}
		dump_loc(dp, t->loc);
	}
}

static void dump_rules(struct dumper *dp, const struct ast_rule *r, int depth)
{
	for (; r; r = r->next) {
		dump_indent(dp, depth);
		buf_puts(dp->out, "rule ");
		dump_action(dp, &r->action);
		if (r->reason) {
			buf_puts(dp->out, " because ");
			dump_quoted(dp, r->reason, strlen(r->reason));
		}
		dump_loc(dp, r->loc);
		dump_targets(dp, r->targets, depth + 1);
		if (r->cond) {
			dump_indent(dp, depth + 1);
			buf_puts(dp->out, "if\n");
			dump_expr(dp, r->cond, depth + 2);
		}
	}
}

static void dump_fs(struct dumper *dp, const struct ast_fs_stmt *s, int depth)
{
	for (; s; s = s->next) {
		dump_indent(dp, depth);
		buf_printf(dp->out, "%s%s", ast_fs_keyword(s->kind), s->optional ? "?" : "");
		dump_words(dp, s->path, " ");
		if (s->at)
			dump_words(dp, s->at, " at ");
		if (s->target)
			dump_words(dp, s->target, s->kind == AST_FS_LINK ? " -> " : " ");
		if (s->size)
			dump_words(dp, s->size, " size ");
		if (s->mode)
			dump_words(dp, s->mode, " mode ");
		dump_loc(dp, s->loc);
	}
}

static void dump_limits(struct dumper *dp, const struct ast_limit *l, int depth)
{
	for (; l; l = l->next) {
		dump_indent(dp, depth);
		buf_puts(dp->out, ast_limit_keyword(l->kind));
		dump_words(dp, l->value, " ");
		if (l->best_effort)
			buf_puts(dp->out, " best-effort");
		dump_loc(dp, l->loc);
	}
}

static void dump_env(struct dumper *dp, const struct ast_env_stmt *s, int depth)
{
	for (; s; s = s->next) {
		dump_indent(dp, depth);
		buf_puts(dp->out, ast_env_keyword(s->kind));
		dump_words(dp, s->names, " ");
		if (s->value)
			dump_words(dp, s->value, " = ");
		dump_loc(dp, s->loc);
	}
}

static void dump_process(struct dumper *dp, const struct ast_process_stmt *s, int depth)
{
	for (; s; s = s->next) {
		dump_indent(dp, depth);
		buf_puts(dp->out, ast_process_keyword(s->kind));
		dump_words(dp, s->value, " ");
		dump_loc(dp, s->loc);
	}
}

static void dump_tests(struct dumper *dp, const struct ast_expect *e, int depth)
{
	for (; e; e = e->next) {
		dump_indent(dp, depth);
		switch (e->kind) {
		case AST_EXPECT_SYSCALL:
			buf_puts(dp->out, "expect");
			dump_words(dp, e->syscall, " ");
			buf_puts(dp->out, " -> ");
			dump_action(dp, &e->action);
			if (e->arch)
				dump_words(dp, e->arch, " on ");
			dump_loc(dp, e->loc);
			for (const struct ast_expr *a = e->args; a; a = a->next)
				dump_expr(dp, a, depth + 1);
			break;
		case AST_EXPECT_FS:
			buf_puts(dp->out, "expect fs");
			dump_words(dp, e->path, " ");
			dump_words(dp, e->fact, " ");
			dump_loc(dp, e->loc);
			break;
		case AST_EXPECT_LIMIT:
			buf_printf(dp->out, "expect limit %s", ast_limit_keyword(e->limit));
			if (e->value)
				dump_words(dp, e->value, " ");
			else
				buf_puts(dp->out, " none");
			dump_loc(dp, e->loc);
			break;
		}
	}
}

static void dump_syscalls(struct dumper *dp, const struct ast_body *b, int depth)
{
	const struct ast_action *def = b->u.syscalls.default_action;
	if (def) {
		dump_indent(dp, depth);
		buf_puts(dp->out, "default ");
		dump_action(dp, def);
		dump_loc(dp, def->loc);
	}
	for (const struct ast_group *g = b->u.syscalls.groups; g; g = g->next)
		dump_group(dp, g, depth);
	dump_rules(dp, b->u.syscalls.rules, depth);
}

static void dump_lint(struct dumper *dp, const struct ast_lint_ignore *l, int depth)
{
	for (; l; l = l->next) {
		dump_indent(dp, depth);
		buf_puts(dp->out, "ignore");
		dump_words(dp, l->ids, " ");
		dump_words(dp, l->reason, " because ");
		dump_loc(dp, l->loc);
	}
}

static void dump_body(struct dumper *dp, const struct ast_body *b, int depth)
{
	for (; b; b = b->next) {
		dump_indent(dp, depth);
		buf_puts(dp->out, ast_body_keyword(b->kind));
		switch (b->kind) {
		case AST_BODY_PARAM:
			dump_words(dp, b->u.param, " ");
			if (b->u.param->next)
				buf_puts(dp->out, " (in)");
			dump_loc(dp, b->loc);
			break;
		case AST_BODY_FS:
			dump_loc(dp, b->loc);
			dump_fs(dp, b->u.fs, depth + 1);
			break;
		case AST_BODY_NET:
			buf_printf(dp->out, " %s", ast_net_keyword(b->u.net));
			dump_loc(dp, b->loc);
			break;
		case AST_BODY_SYSCALLS:
			dump_loc(dp, b->loc);
			dump_syscalls(dp, b, depth + 1);
			break;
		case AST_BODY_LIMITS:
			dump_loc(dp, b->loc);
			dump_limits(dp, b->u.limits, depth + 1);
			break;
		case AST_BODY_ENV:
			dump_loc(dp, b->loc);
			dump_env(dp, b->u.env, depth + 1);
			break;
		case AST_BODY_PROCESS:
			dump_loc(dp, b->loc);
			dump_process(dp, b->u.process, depth + 1);
			break;
		case AST_BODY_TEST:
			dump_loc(dp, b->loc);
			dump_tests(dp, b->u.tests, depth + 1);
			break;
		case AST_BODY_LINT:
			dump_loc(dp, b->loc);
			dump_lint(dp, b->u.lint, depth + 1);
			break;
		case AST_BODY_UNTRUSTED:
			dump_loc(dp, b->loc);
			break;
		case AST_BODY_ARCH:
			dump_words(dp, b->u.arches, " ");
			dump_loc(dp, b->loc);
			break;
		case AST_BODY_DESCRIPTION:
		case AST_BODY_REQUIRES:
		case AST_BODY_FALLBACK:
			dump_words(dp, b->u.words, " ");
			dump_loc(dp, b->loc);
			break;
		}
	}
}

static void dump_policy(struct dumper *dp, const struct ast_policy *p)
{
	buf_printf(dp->out, "policy %s", p->name);
	if (p->bases) {
		buf_puts(dp->out, " :");
		dump_words(dp, p->bases, " ");
	}
	dump_loc(dp, p->loc);
	dump_body(dp, p->body, 1);
}

static void dump_file(struct dumper *dp, const struct ast_file *f)
{
	if (!dp->shape)
		buf_printf(dp->out, "file %s\n", f->path ? f->path : "(none)");
	for (const struct ast_item *i = f->items; i; i = i->next) {
		switch (i->kind) {
		case AST_ITEM_INCLUDE:
			buf_puts(dp->out, "include");
			dump_words(dp, i->u.include, " ");
			dump_loc(dp, i->loc);
			break;
		case AST_ITEM_CONST:
			buf_printf(dp->out, "const %s", i->u.constant.name);
			dump_words(dp, i->u.constant.value, " = ");
			dump_loc(dp, i->loc);
			break;
		case AST_ITEM_GROUP:
			dump_group(dp, i->u.group, 0);
			break;
		case AST_ITEM_POLICY:
			dump_policy(dp, i->u.policy);
			break;
		}
	}
}

void ast_dump(const struct ast_file *f, struct buf *out)
{
	struct dumper dp = {out, false};
	dump_file(&dp, f);
}

void ast_dump_shape(const struct ast_file *f, struct buf *out)
{
	struct dumper dp = {out, true};
	dump_file(&dp, f);
}

/* ---- the language's lexical rules (grammar/lexer.l) -------------------------------------- */

static bool is_alpha(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

static bool is_digit(char c)
{
	return c >= '0' && c <= '9';
}

static bool is_ident_char(char c)
{
	return is_alpha(c) || is_digit(c) || c == '_' || c == '.' || c == '-';
}

size_t ast_ident_span(const char *s, size_t len)
{
	if (len == 0 || !(is_alpha(s[0]) || s[0] == '_'))
		return 0;
	size_t i = 1;
	while (i < len && is_ident_char(s[i]))
		i++;
	return i;
}

size_t ast_number_span(const char *s, size_t len)
{
	if (len == 0 || !is_digit(s[0]))
		return 0;
	size_t i = 1;
	while (i < len &&
	       (is_alpha(s[i]) || is_digit(s[i]) || s[i] == '_' || s[i] == '.' || s[i] == '%'))
		i++;
	return i;
}

size_t ast_group_name_span(const char *s, size_t len)
{
	size_t i = 0;
	while (i < len && (is_alpha(s[i]) || is_digit(s[i]) || s[i] == '_' || s[i] == '-'))
		i++;
	return i;
}

/* "${NAME}" at s, or 0. */
static size_t nameref_span(const char *s, size_t len)
{
	if (len < 4 || s[0] != '$' || s[1] != '{' || !(is_alpha(s[2]) || s[2] == '_'))
		return 0;
	size_t i = 3;
	while (i < len && (is_alpha(s[i]) || is_digit(s[i]) || s[i] == '_'))
		i++;
	return i < len && s[i] == '}' ? i + 1 : 0;
}

/* Whether s[from..len) is all path characters and references. */
static bool path_tail(const char *s, size_t from, size_t len)
{
	size_t i = from;
	while (i < len) {
		size_t ref = nameref_span(s + i, len - i);
		if (ref) {
			i += ref;
		} else if (s[i] && strchr("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
		                          "0123456789_.+~@%:,/-",
		                          s[i])) {
			i++;
		} else {
			return false;
		}
	}
	return true;
}

int ast_lex_kind(const char *s, size_t len)
{
	if (len == 0)
		return -1;
	if (s[0] == '/' && path_tail(s, 1, len))
		return AST_WORD_PATH;
	size_t ref = nameref_span(s, len);
	if (ref && path_tail(s, ref, len))
		return AST_WORD_PATH;
	size_t head = 0;
	while (head < len && is_ident_char(s[head]))
		head++;
	if (head > 0 && head < len && s[head] == '/' && path_tail(s, head + 1, len))
		return AST_WORD_PATH;
	if (ast_ident_span(s, len) == len)
		return AST_WORD_IDENT;
	if (ast_number_span(s, len) == len)
		return AST_WORD_NUMBER;
	return -1;
}

enum ast_name_fault ast_name_check(const char *s, size_t len, enum ast_name_rule rule)
{
	size_t span = rule == AST_NAME_GROUP ? ast_group_name_span(s, len) : ast_ident_span(s, len);
	if (len == 0 || span != len)
		return AST_NAME_MALFORMED;
	if (len > AST_TOKEN_MAX)
		return AST_NAME_TOO_LONG;
	if (rule == AST_NAME_GROUP || !ast_is_reserved(s, len))
		return AST_NAME_OK;
	/* The syscalls that share a keyword's spelling: the grammar takes the
	 * keyword where a syscall name goes. */
	bool syscall =
	    len == 4 && (!memcmp(s, "kill", 4) || !memcmp(s, "time", 4) || !memcmp(s, "link", 4));
	return rule == AST_NAME_SYSCALL && syscall ? AST_NAME_OK : AST_NAME_RESERVED;
}

/* ---- comparing trees ----------------------------------------------------------------------- */

bool ast_same_tree(const struct ast_file *a, const struct ast_file *b)
{
	struct buf ka, kb;
	buf_init(&ka);
	buf_init(&kb);
	ast_dump_shape(a, &ka);
	ast_dump_shape(b, &kb);
	bool same = ka.len == kb.len && (ka.len == 0 || memcmp(ka.data, kb.data, ka.len) == 0);
	buf_free(&ka);
	buf_free(&kb);
	return same;
}

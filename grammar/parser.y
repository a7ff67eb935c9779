/*
 * parser.y - the grammar of the cell policy language; builds the AST of
 * compiler/ast.h (whose fields say which construct fills them).
 *
 * Shape of the parser:
 * - Pure (reentrant) and driven by the reentrant scanner of lexer.l. Both
 *   share a struct parse_state: the diag context, the interned file path, the
 *   scanner's position and the partial result.
 * - Locations are struct src_loc (diag.h). A nonterminal spans from its first
 *   to its last symbol (YYLLOC_DEFAULT below).
 * - Lists are built newest-first (O(1) per element, so a hostile file with a
 *   million targets stays linear) and reversed once by the rule that closes
 *   them: every nonterminal whose name ends in `_rev` holds a reversed list.
 * - Errors: bison's "custom" reporting, with LAC so that the expected-token
 *   list is exact. Recovery happens at statement boundaries inside each
 *   section (`X_items: X_items resync`), at section boundaries inside a policy,
 *   and at item boundaries in the file; a section or policy whose header is
 *   broken is skipped up to its matching '}' (`error '{' skip '}'`). See
 *   `resync` for how the parser gets back in step. LAC detects an error
 *   before reducing anything on the bad token, so the statement it
 *   interrupts is dropped whole, even when it was complete up to there
 *   (`ro /usr bogus`): the tree of a file with errors is partial.
 * - Every semantic value has a %destructor, so nothing leaks on error paths.
 * - Hostile nesting: expressions deeper than AST_EXPR_MAX_DEPTH (tree depth or
 *   parentheses) are an error, and bison's stack is capped by YYMAXDEPTH, so
 *   100000 '(' or '{' end in an error message, never in a stack overflow.
 */
%define api.prefix {cell_yy}
%define api.pure full
%define api.location.type {struct src_loc}
%define parse.error custom
%define parse.lac full
%locations
%param {yyscan_t scanner}
%parse-param {struct parse_state *ps}
%expect 0
%start file

%code requires {
#include "ast.h"

#ifndef YY_TYPEDEF_YY_SCANNER_T
#define YY_TYPEDEF_YY_SCANNER_T
typedef void *yyscan_t;
#endif

/* What the scanner and the parser share during one parse_policy_text(). */
struct parse_state {
	struct diag_ctx *diag;
	const char *file; /* interned in diag; copied into every location */

	/* Scanner: position of the next byte. */
	int line, col;
	size_t offset;

	/* Scanner: the quoted string being decoded. */
	struct buf str;
	struct src_loc str_loc; /* its opening quote */
	size_t str_offset;      /* offset of its opening quote */
	bool str_bad_utf8;      /* reported once per string */

	/* The text of the last identifier, number, path, string or group the
	 * scanner returned: on a syntax error, that token is the unexpected one,
	 * and the message quotes it. */
	char last_text[48];

	/* Expression limits, reset by each `if`. */
	int paren_depth;
	bool depth_reported;

	/* The result: items are appended as soon as they are complete, so that
	 * an aborted parse still returns what it had. */
	struct ast_file *ast;
	struct ast_item **items_tail;
	struct ast_comment **comments_tail; /* the scanner appends every comment */
};
}

%code provides {
/* The scanner's entry points (flex, prefix cell_yy). Declared here, in the
 * header lexer.l includes, so that the compiler checks these prototypes
 * against flex's definitions. */
int cell_yylex(CELL_YYSTYPE *lval, CELL_YYLTYPE *lloc, yyscan_t scanner);
int cell_yylex_init_extra(struct parse_state *extra, yyscan_t *scanner);
int cell_yylex_destroy(yyscan_t scanner);
struct yy_buffer_state *cell_yy_scan_bytes(const char *bytes, int len, yyscan_t scanner);
void cell_yy_delete_buffer(struct yy_buffer_state *buffer, yyscan_t scanner);
}

%code {
#include <stdlib.h>
#include <string.h>

/* Bounded parser stack: a legitimate policy needs well under 100 levels;
 * deeper input is hostile and gets "nested too deeply", not a crash. */
#define YYMAXDEPTH 2000
#define YYINITDEPTH 200

#define YYLLOC_DEFAULT(cur, rhs, n)                                                                \
	do {                                                                                       \
		if (n) {                                                                           \
			(cur).file = YYRHSLOC(rhs, 1).file;                                        \
			(cur).line = YYRHSLOC(rhs, 1).line;                                        \
			(cur).col = YYRHSLOC(rhs, 1).col;                                          \
			(cur).end_line = YYRHSLOC(rhs, n).end_line;                                \
			(cur).end_col = YYRHSLOC(rhs, n).end_col;                                  \
		} else {                                                                           \
			/* Empty: a point at the end of what came before. */                       \
			(cur).file = YYRHSLOC(rhs, 0).file;                                        \
			(cur).line = (cur).end_line = YYRHSLOC(rhs, 0).end_line;                   \
			(cur).col = (cur).end_col = YYRHSLOC(rhs, 0).end_col;                      \
		}                                                                                  \
	} while (0)

/* Reverses a list built newest-first (any node type with `next`). */
#define LIST_REVERSE(head)                                                                         \
	do {                                                                                       \
		__typeof__(head) prev_ = NULL, cur_ = (head);                                      \
		while (cur_) {                                                                     \
			__typeof__(head) next_ = cur_->next;                                       \
			cur_->next = prev_;                                                        \
			prev_ = cur_;                                                              \
			cur_ = next_;                                                              \
		}                                                                                  \
		(head) = prev_;                                                                    \
	} while (0)

/* Pushes `node` in front of the reversed list `list` and yields the list. */
#define LIST_PUSH(list, node) ((node)->next = (list), (node))

static void yyerror(CELL_YYLTYPE *loc, yyscan_t scanner, struct parse_state *ps, const char *msg);

/* Takes a word's text and frees the word. */
static char *word_take(struct ast_word *w)
{
	char *text = w->text;
	w->text = NULL;
	ast_word_free(w);
	return text;
}

static struct ast_item *item_new(enum ast_item_kind kind, struct src_loc loc)
{
	struct ast_item *i = xcalloc(1, sizeof(*i));
	i->kind = kind;
	i->loc = loc;
	return i;
}

static struct ast_body *body_new(enum ast_body_kind kind, struct src_loc loc)
{
	struct ast_body *b = xcalloc(1, sizeof(*b));
	b->kind = kind;
	b->loc = loc;
	return b;
}

static struct ast_action *action_new(enum ast_action_kind kind, struct src_loc loc)
{
	struct ast_action *a = xcalloc(1, sizeof(*a));
	a->kind = kind;
	a->loc = loc;
	return a;
}

/* A target or member named by a keyword (kill, time, link). */
static struct ast_word *keyword_word(const char *spelling, struct src_loc loc)
{
	return ast_word_new(AST_WORD_IDENT, xstrdup(spelling), strlen(spelling), loc);
}

static struct ast_target *target_new(struct ast_word *name, bool is_group)
{
	struct ast_target *t = xcalloc(1, sizeof(*t));
	t->loc = name->loc;
	t->is_group = is_group;
	t->name = word_take(name);
	return t;
}

static struct ast_target *target_with_args(struct ast_target *t, struct ast_word *args_rev)
{
	LIST_REVERSE(args_rev);
	t->argnames = args_rev;
	t->has_parens = args_rev != NULL;
	return t;
}

static struct ast_group_member *member_new(struct ast_word *name, bool is_group)
{
	struct ast_group_member *m = xcalloc(1, sizeof(*m));
	m->loc = name->loc;
	m->is_group = is_group;
	m->name = word_take(name);
	return m;
}

static struct ast_fs_stmt *fs_new(enum ast_fs_kind kind, struct src_loc loc, struct ast_word *path)
{
	struct ast_fs_stmt *s = xcalloc(1, sizeof(*s));
	s->kind = kind;
	s->loc = loc;
	s->path = path;
	return s;
}

/* `tmpfs DST size Q mode M`: each option at most once, in either order. */
static void fs_set_option(struct parse_state *ps, struct ast_word **slot, struct ast_word *value,
			  const char *option)
{
	if (*slot) {
		diag_error(ps->diag, value->loc, "'%s' given twice", option);
		diag_note(ps->diag, (*slot)->loc, "the first '%s' is here", option);
		ast_word_free(value);
		return;
	}
	*slot = value;
}

static struct ast_env_stmt *env_new(enum ast_env_kind kind, struct src_loc loc,
				    struct ast_word *names_rev)
{
	struct ast_env_stmt *s = xcalloc(1, sizeof(*s));
	s->kind = kind;
	s->loc = loc;
	LIST_REVERSE(names_rev);
	s->names = names_rev;
	return s;
}

static struct ast_process_stmt *process_new(enum ast_process_kind kind, struct src_loc loc,
					    struct ast_word *value)
{
	struct ast_process_stmt *s = xcalloc(1, sizeof(*s));
	s->kind = kind;
	s->loc = loc;
	s->value = value;
	return s;
}

static struct ast_rule *rule_new(enum ast_action_kind verb, struct src_loc verb_loc,
				 struct ast_target *targets_rev, struct ast_word *errno_name,
				 struct ast_expr *cond, struct ast_word *reason, struct src_loc loc)
{
	struct ast_rule *r = xcalloc(1, sizeof(*r));
	r->action.kind = verb;
	r->action.loc = verb_loc;
	if (errno_name) {
		r->action.errno_loc = errno_name->loc;
		r->action.errno_name = word_take(errno_name);
	}
	LIST_REVERSE(targets_rev);
	r->targets = targets_rev;
	r->cond = cond;
	/* A reason is free text for people: a NUL in it ends it. */
	r->reason = reason ? word_take(reason) : NULL;
	r->loc = loc;
	return r;
}

static struct ast_expect *expect_new(enum ast_expect_kind kind, struct src_loc loc)
{
	struct ast_expect *e = xcalloc(1, sizeof(*e));
	e->kind = kind;
	e->loc = loc;
	return e;
}

static void append_item(struct parse_state *ps, struct ast_item *item)
{
	if (!item)
		return;
	*ps->items_tail = item;
	ps->items_tail = &item->next;
}

/* Moves the one entry of `entry` (a default, a rule or a group) into the
 * syscalls section being built, and frees `entry`. */
static struct ast_body *syscalls_merge(struct parse_state *ps, struct ast_body *section,
				       struct ast_body *entry)
{
	struct ast_action *def = entry->u.syscalls.default_action;
	struct ast_action *first = section->u.syscalls.default_action;
	if (def && first) {
		diag_error(ps->diag, def->loc, "a second 'default' in this syscalls section");
		diag_note(ps->diag, first->loc, "the first 'default' is here");
	} else if (def) {
		section->u.syscalls.default_action = def;
		entry->u.syscalls.default_action = NULL;
	}
	if (entry->u.syscalls.rules) {
		section->u.syscalls.rules =
		    LIST_PUSH(section->u.syscalls.rules, entry->u.syscalls.rules);
		entry->u.syscalls.rules = NULL;
	}
	if (entry->u.syscalls.groups) {
		section->u.syscalls.groups =
		    LIST_PUSH(section->u.syscalls.groups, entry->u.syscalls.groups);
		entry->u.syscalls.groups = NULL;
	}
	ast_body_free(entry);
	return section;
}

/* ---- expressions ---------------------------------------------------------- */

/* Tree depth; recursion is bounded because every subtree was checked when it
 * was built. */
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

static void report_too_deep(struct parse_state *ps, struct src_loc loc)
{
	if (ps->depth_reported)
		return;
	ps->depth_reported = true;
	diag_error(ps->diag, loc, "expression nested too deeply (more than %d levels)",
		   AST_EXPR_MAX_DEPTH);
}

/* Refuses a tree deeper than AST_EXPR_MAX_DEPTH: the error is reported and the
 * tree replaced by a leaf, so that no later pass ever recurses deeper. */
static struct ast_expr *expr_checked(struct parse_state *ps, struct ast_expr *e)
{
	if (expr_depth(e) <= AST_EXPR_MAX_DEPTH)
		return e;
	report_too_deep(ps, e->loc);
	struct ast_expr *leaf = ast_expr_new(AST_EXPR_NUMBER, e->loc);
	leaf->text = xstrdup("0");
	ast_expr_free(e);
	return leaf;
}

static struct ast_expr *expr_node(struct parse_state *ps, enum ast_expr_kind kind,
				  struct ast_expr *lhs, struct ast_expr *rhs, struct src_loc loc)
{
	struct ast_expr *e = ast_expr_new(kind, loc);
	e->lhs = lhs;
	e->rhs = rhs;
	return expr_checked(ps, e);
}

static struct ast_expr *expr_cmp(struct parse_state *ps, enum ast_cmp_op op, struct ast_expr *lhs,
				 struct ast_expr *rhs, struct src_loc loc)
{
	struct ast_expr *e = ast_expr_new(AST_EXPR_CMP, loc);
	e->op = op;
	e->lhs = lhs;
	e->rhs = rhs;
	return expr_checked(ps, e);
}

static struct ast_expr *expr_in(struct parse_state *ps, struct ast_expr *lhs,
				struct ast_expr *values_rev, struct src_loc loc)
{
	struct ast_expr *e = ast_expr_new(AST_EXPR_IN, loc);
	e->lhs = lhs;
	LIST_REVERSE(values_rev);
	e->list = values_rev;
	return expr_checked(ps, e);
}

static struct ast_expr *expr_leaf(enum ast_expr_kind kind, struct ast_word *w)
{
	struct ast_expr *e = ast_expr_new(kind, w->loc);
	e->text = word_take(w);
	return e;
}

static void paren_open(struct parse_state *ps, struct src_loc loc)
{
	if (++ps->paren_depth > AST_EXPR_MAX_DEPTH)
		report_too_deep(ps, loc);
}
}

%initial-action {
	@$ = (struct src_loc){ps->file, 1, 1, 1, 1};
}

%union {
	struct ast_word *word;
	struct ast_expr *expr;
	struct ast_target *target;
	struct ast_rule *rule;
	struct ast_action *action;
	struct ast_group_member *member;
	struct ast_group *group;
	struct ast_fs_stmt *fs;
	struct ast_limit *limit;
	struct ast_env_stmt *env;
	struct ast_process_stmt *proc;
	struct ast_body *body;
	struct ast_item *item;
	struct ast_expect *expect;
	struct ast_lint_ignore *lint;
	int num; /* an enum kind, or a flag */
}

/* Tokens that carry text. The scanner gives each one as an ast_word (GROUP:
 * without its '@'). */
%token <word> IDENT "identifier"
%token <word> NUMBER "number"
%token <word> PATH "path"
%token <word> STRING "string"
%token <word> GROUP "group name"

/* Keywords, all reserved, in the order of the language reference (this is
 * also the order of "expected ..." lists). */
%token KW_POLICY "'policy'" KW_INCLUDE "'include'" KW_CONST "'const'" KW_PARAM "'param'"
%token KW_GROUP "'group'" KW_FS "'fs'" KW_NET "'net'" KW_SYSCALLS "'syscalls'"
%token KW_LIMITS "'limits'" KW_ENV "'env'" KW_PROCESS "'process'" KW_ARCH "'arch'"
%token KW_RO "'ro'" KW_RW "'rw'" KW_DEV "'dev'" KW_PROC "'proc'" KW_TMPFS "'tmpfs'"
%token KW_LINK "'link'" KW_DIR "'dir'" KW_FILE "'file'" KW_MASK "'mask'" KW_CWD "'cwd'"
%token KW_AT "'at'" KW_SIZE "'size'" KW_MODE "'mode'"
%token KW_NONE "'none'" KW_LOOPBACK "'loopback'" KW_HOST "'host'"
%token KW_DEFAULT "'default'" KW_ALLOW "'allow'" KW_DENY "'deny'" KW_KILL "'kill'"
%token KW_TRAP "'trap'" KW_LOG "'log'" KW_ERRNO "'errno'" KW_IF "'if'" KW_IN "'in'"
%token KW_BECAUSE "'because'" KW_OPTIONAL "'optional'"
%token KW_MEMORY "'memory'" KW_PIDS "'pids'" KW_CPU "'cpu'" KW_TIME "'time'"
%token KW_NOFILE "'nofile'" KW_FSIZE "'fsize'" KW_BEST_EFFORT "'best-effort'"
%token KW_CLEAR "'clear'" KW_KEEP "'keep'" KW_SET "'set'" KW_UNSET "'unset'"
%token KW_HOSTNAME "'hostname'" KW_UID "'uid'" KW_GID "'gid'" KW_NEW_SESSION "'new-session'"
%token KW_TEST "'test'" KW_EXPECT "'expect'" KW_ON "'on'"
%token KW_LINT "'lint'" KW_IGNORE "'ignore'" KW_UNTRUSTED "'untrusted'"
%token KW_DESCRIPTION "'description'" KW_REQUIRES "'requires'" KW_FALLBACK "'fallback'"

/* Never returned by the scanner: see `resync`. */
%token RESYNC_GUARD "(internal: resync)"

/* Punctuation of more than one character; single characters are themselves. */
%token ARROW "'->'" EQ "'=='" NE "'!='" LE "'<='" GE "'>='" ANDAND "'&&'" OROR "'||'"

/* Lowest first. Unlike C, '&' and '|' bind tighter than comparisons, so
 * `cmd & 0xffffffff == TIOCSTI` masks first. */
%left OROR
%left ANDAND
%precedence '!'
%nonassoc EQ NE '<' LE '>' GE KW_IN
%left '|'
%left '&'

%type <item> item
%type <word> opt_bases base_list_rev word const_value value_token
%type <word> opt_errno opt_because opt_at opt_mode opt_args arg_list_rev ident_list_rev
%type <word> arch_list_rev limit_value env_value hostname_value
%type <body> body body_list body_items_rev syscalls_list syscalls_items syscalls_entry
%type <fs> fs_list fs_items_rev fs_stmt tmpfs_stmt
%type <action> default_stmt
%type <rule> rule
%type <target> targets_rev first_target next_target optional_target any_name plain_name
%type <group> group_def
%type <member> members_rev member member_base member_name
%type <expr> opt_if expr in_list_rev
%type <limit> limit_list limit_items_rev limit_stmt
%type <env> env_list env_items_rev env_stmt
%type <proc> process_list process_items_rev process_stmt
%type <expect> test_list test_items_rev expect_stmt
%type <lint> lint_list lint_items_rev lint_stmt
%type <word> lint_ids_rev fallback_mode
%type <action> expect_action
%type <word> expect_name opt_on expect_limit_value
%type <expr> opt_call_args call_args_rev
%type <num> opt_q rule_verb net_mode limit_kind opt_best_effort cmp_op

%destructor { ast_word_free($$); } <word>
%destructor { ast_expr_free($$); } <expr>
%destructor { ast_target_free($$); } <target>
%destructor { ast_rule_free($$); } <rule>
%destructor { ast_action_free($$); } <action>
%destructor { ast_group_member_free($$); } <member>
%destructor { ast_group_free($$); } <group>
%destructor { ast_fs_stmt_free($$); } <fs>
%destructor { ast_limit_free($$); } <limit>
%destructor { ast_env_stmt_free($$); } <env>
%destructor { ast_process_stmt_free($$); } <proc>
%destructor { ast_body_free($$); } <body>
%destructor { ast_item_free($$); } <item>
%destructor { ast_expect_free($$); } <expect>
%destructor { ast_lint_ignore_free($$); } <lint>

%%

/*
 * Error recovery. Every list that can hold an error has the shape
 *     X_list: %empty | X_items
 *     X_items: x | resync | X_items x | X_items resync
 * The %empty is reduced only in front of a token that fits (LAC), so an
 * error on the very first token of a block must find `resync` right there.
 *
 * `resync` ends the recovery with yyerrok, so that the next statement's
 * error is reported too (bison would otherwise stay silent for three more
 * tokens). That is safe only if the token after `error` is known to fit:
 * otherwise it fails again at once, is reported again, and the parser loops
 * forever. RESYNC_GUARD, a token the scanner never returns, gives the state
 * after `error` a shift, so bison must read the next token and LAC must
 * accept it before reducing `resync`; tokens that do not fit are discarded
 * one by one until one does.
 */
resync
	: error { yyerrok; }
	| error RESYNC_GUARD
	;

file: %empty | item_list ;

item_list
	: item { append_item(ps, $1); }
	| resync
	| item_list item { append_item(ps, $2); }
	| item_list resync
	;

item
	: KW_INCLUDE STRING
		{
			$$ = item_new(AST_ITEM_INCLUDE, @$);
			$$->u.include = $2;
		}
	| KW_CONST IDENT '=' const_value
		{
			$$ = item_new(AST_ITEM_CONST, @$);
			$$->u.constant.name_loc = $2->loc;
			$$->u.constant.name = word_take($2);
			$$->u.constant.value = $4;
		}
	| group_def
		{
			$$ = NULL;
			if ($1) {
				$$ = item_new(AST_ITEM_GROUP, @$);
				$$->u.group = $1;
			}
		}
	| KW_POLICY IDENT opt_bases '{' body_list '}'
		{
			struct ast_policy *p = xcalloc(1, sizeof(*p));
			p->loc = $2->loc;
			p->name = word_take($2);
			p->bases = $3;
			p->body = $5;
			$$ = item_new(AST_ITEM_POLICY, @$);
			$$->u.policy = p;
		}
	| error '{' skip '}'
		{
			yyerrok;
			$$ = NULL;
		}
	;

const_value: NUMBER | STRING | PATH | IDENT ;

opt_bases
	: %empty { $$ = NULL; }
	| ':' base_list_rev { LIST_REVERSE($2); $$ = $2; }
	;

base_list_rev
	: IDENT
	| base_list_rev ',' IDENT { $$ = LIST_PUSH($1, $3); }
	;

/* Tokens skipped inside the braces of a section or policy whose header was
 * wrong: nested braces balance, so the skip ends at the matching '}'. */
skip
	: %empty
	| skip skip_token
	| skip '{' skip '}'
	;

skip_token
	: value_token { ast_word_free($1); }
	| KW_POLICY | KW_INCLUDE | KW_CONST | KW_PARAM | KW_GROUP | KW_FS | KW_NET | KW_SYSCALLS
	| KW_LIMITS | KW_ENV | KW_PROCESS | KW_ARCH | KW_RO | KW_RW | KW_DEV | KW_PROC | KW_TMPFS
	| KW_LINK | KW_DIR | KW_FILE | KW_MASK | KW_CWD | KW_AT | KW_SIZE | KW_MODE | KW_NONE
	| KW_LOOPBACK | KW_HOST | KW_DEFAULT | KW_ALLOW | KW_DENY | KW_KILL | KW_TRAP | KW_LOG
	| KW_ERRNO | KW_IF | KW_IN | KW_BECAUSE | KW_OPTIONAL | KW_MEMORY | KW_PIDS | KW_CPU
	| KW_TIME | KW_NOFILE | KW_FSIZE | KW_BEST_EFFORT | KW_CLEAR | KW_KEEP | KW_SET
	| KW_UNSET | KW_HOSTNAME | KW_UID | KW_GID | KW_NEW_SESSION | KW_TEST | KW_EXPECT | KW_ON
	| KW_LINT | KW_IGNORE | KW_UNTRUSTED | KW_DESCRIPTION | KW_REQUIRES | KW_FALLBACK
	| ARROW | EQ | NE | LE | GE | ANDAND | OROR
	| '(' | ')' | ',' | ':' | '=' | '?' | '!' | '&' | '|' | '<' | '>'
	;

value_token: IDENT | NUMBER | PATH | STRING | GROUP ;

/* ---- policy body ---------------------------------------------------------- */

body_list
	: %empty { $$ = NULL; }
	| body_items_rev { LIST_REVERSE($1); $$ = $1; }
	;

body_items_rev
	: body
	| resync { $$ = NULL; }
	| body_items_rev body { $$ = $2 ? LIST_PUSH($1, $2) : $1; }
	| body_items_rev resync { $$ = $1; }
	;

body
	: KW_PARAM IDENT
		{
			$$ = body_new(AST_BODY_PARAM, @1);
			$$->u.param = $2;
		}
	| KW_PARAM IDENT KW_IN word
		{
			$$ = body_new(AST_BODY_PARAM, @1);
			$2->next = $4;
			$$->u.param = $2;
		}
	| KW_FS '{' fs_list '}'
		{
			$$ = body_new(AST_BODY_FS, @1);
			$$->u.fs = $3;
		}
	| KW_NET net_mode
		{
			$$ = body_new(AST_BODY_NET, @1);
			$$->u.net = (enum ast_net_mode)$2;
		}
	| KW_SYSCALLS '{' syscalls_list '}'
		{
			$$ = $3;
			$$->loc = @1;
			LIST_REVERSE($$->u.syscalls.rules);
			LIST_REVERSE($$->u.syscalls.groups);
		}
	| KW_LIMITS '{' limit_list '}'
		{
			$$ = body_new(AST_BODY_LIMITS, @1);
			$$->u.limits = $3;
		}
	| KW_ENV '{' env_list '}'
		{
			$$ = body_new(AST_BODY_ENV, @1);
			$$->u.env = $3;
		}
	| KW_PROCESS '{' process_list '}'
		{
			$$ = body_new(AST_BODY_PROCESS, @1);
			$$->u.process = $3;
		}
	| KW_ARCH arch_list_rev
		{
			$$ = body_new(AST_BODY_ARCH, @1);
			LIST_REVERSE($2);
			$$->u.arches = $2;
		}
	| KW_TEST '{' test_list '}'
		{
			$$ = body_new(AST_BODY_TEST, @1);
			$$->u.tests = $3;
		}
	| KW_LINT '{' lint_list '}'
		{
			$$ = body_new(AST_BODY_LINT, @1);
			$$->u.lint = $3;
		}
	| KW_UNTRUSTED { $$ = body_new(AST_BODY_UNTRUSTED, @1); }
	| KW_DESCRIPTION STRING
		{
			$$ = body_new(AST_BODY_DESCRIPTION, @1);
			$$->u.words = $2;
		}
	| KW_REQUIRES IDENT STRING
		{
			$$ = body_new(AST_BODY_REQUIRES, @1);
			$2->next = $3;
			$$->u.words = $2;
		}
	| KW_FALLBACK fallback_mode
		{
			$$ = body_new(AST_BODY_FALLBACK, @1);
			$$->u.words = $2;
		}
	| error '{' skip '}'
		{
			yyerrok;
			$$ = NULL;
		}
	;

/* `fallback landlock` or `fallback none`; the resolver checks the name. */
fallback_mode
	: IDENT
	| KW_NONE { $$ = keyword_word("none", @1); }
	;

/* ---- lint ------------------------------------------------------------------- */

lint_list
	: %empty { $$ = NULL; }
	| lint_items_rev { LIST_REVERSE($1); $$ = $1; }
	;

lint_items_rev
	: lint_stmt
	| resync { $$ = NULL; }
	| lint_items_rev lint_stmt { $$ = LIST_PUSH($1, $2); }
	| lint_items_rev resync { $$ = $1; }
	;

lint_stmt
	: KW_IGNORE lint_ids_rev opt_because
		{
			$$ = xcalloc(1, sizeof(*$$));
			$$->loc = @1;
			LIST_REVERSE($2);
			$$->ids = $2;
			$$->reason = $3;
		}
	;

lint_ids_rev
	: IDENT
	| lint_ids_rev IDENT { $$ = LIST_PUSH($1, $2); }
	| lint_ids_rev ',' IDENT { $$ = LIST_PUSH($1, $3); }
	;

net_mode
	: KW_NONE { $$ = AST_NET_NONE; }
	| KW_LOOPBACK { $$ = AST_NET_LOOPBACK; }
	| KW_HOST { $$ = AST_NET_HOST; }
	;

arch_list_rev
	: IDENT
	| arch_list_rev IDENT { $$ = LIST_PUSH($1, $2); }
	| arch_list_rev ',' IDENT { $$ = LIST_PUSH($1, $3); }
	;

/* ---- fs --------------------------------------------------------------------- */

fs_list
	: %empty { $$ = NULL; }
	| fs_items_rev { LIST_REVERSE($1); $$ = $1; }
	;

fs_items_rev
	: fs_stmt
	| resync { $$ = NULL; }
	| fs_items_rev fs_stmt { $$ = LIST_PUSH($1, $2); }
	| fs_items_rev resync { $$ = $1; }
	;

fs_stmt
	: KW_RO opt_q word opt_at
		{
			$$ = fs_new(AST_FS_RO, @1, $3);
			$$->optional = $2;
			$$->at = $4;
		}
	| KW_RW opt_q word opt_at
		{
			$$ = fs_new(AST_FS_RW, @1, $3);
			$$->optional = $2;
			$$->at = $4;
		}
	| KW_DEV word { $$ = fs_new(AST_FS_DEV, @1, $2); }
	| KW_PROC word { $$ = fs_new(AST_FS_PROC, @1, $2); }
	| tmpfs_stmt
	| KW_LINK word ARROW word
		{
			$$ = fs_new(AST_FS_LINK, @1, $2);
			$$->target = $4;
		}
	| KW_DIR word opt_mode
		{
			$$ = fs_new(AST_FS_DIR, @1, $2);
			$$->mode = $3;
		}
	| KW_FILE word STRING opt_mode
		{
			$$ = fs_new(AST_FS_FILE, @1, $2);
			$$->target = $3;
			$$->mode = $4;
		}
	| KW_MASK opt_q word
		{
			$$ = fs_new(AST_FS_MASK, @1, $3);
			$$->optional = $2;
		}
	| KW_CWD word { $$ = fs_new(AST_FS_CWD, @1, $2); }
	;

tmpfs_stmt
	: KW_TMPFS word { $$ = fs_new(AST_FS_TMPFS, @1, $2); }
	| tmpfs_stmt KW_SIZE NUMBER { $$ = $1; fs_set_option(ps, &$$->size, $3, "size"); }
	| tmpfs_stmt KW_MODE NUMBER { $$ = $1; fs_set_option(ps, &$$->mode, $3, "mode"); }
	;

opt_q
	: %empty { $$ = 0; }
	| '?' { $$ = 1; }
	;

opt_at
	: %empty { $$ = NULL; }
	| KW_AT word { $$ = $2; }
	;

opt_mode
	: %empty { $$ = NULL; }
	| KW_MODE NUMBER { $$ = $2; }
	;

word: PATH | STRING | IDENT ;

/* ---- syscalls ------------------------------------------------------------- */

syscalls_list
	: %empty { $$ = body_new(AST_BODY_SYSCALLS, @$); }
	| syscalls_items
	;

/* Each entry arrives as a one-entry syscalls body and is merged into the
 * section's; rules and groups are kept newest-first until the section ends. */
syscalls_items
	: syscalls_entry
	| resync { $$ = body_new(AST_BODY_SYSCALLS, @$); }
	| syscalls_items syscalls_entry { $$ = syscalls_merge(ps, $1, $2); }
	| syscalls_items resync { $$ = $1; }
	;

syscalls_entry
	: default_stmt
		{
			$$ = body_new(AST_BODY_SYSCALLS, @$);
			$$->u.syscalls.default_action = $1;
		}
	| rule
		{
			$$ = body_new(AST_BODY_SYSCALLS, @$);
			$$->u.syscalls.rules = $1;
		}
	| group_def
		{
			$$ = body_new(AST_BODY_SYSCALLS, @$);
			$$->u.syscalls.groups = $1;
		}
	;

default_stmt
	: KW_DEFAULT KW_ALLOW { $$ = action_new(AST_ACTION_ALLOW, @$); }
	| KW_DEFAULT KW_DENY { $$ = action_new(AST_ACTION_DENY, @$); }
	| KW_DEFAULT KW_KILL { $$ = action_new(AST_ACTION_KILL, @$); }
	| KW_DEFAULT KW_TRAP { $$ = action_new(AST_ACTION_TRAP, @$); }
	| KW_DEFAULT KW_LOG { $$ = action_new(AST_ACTION_LOG, @$); }
	| KW_DEFAULT KW_ERRNO IDENT
		{
			$$ = action_new(AST_ACTION_ERRNO, @$);
			$$->errno_loc = $3->loc;
			$$->errno_name = word_take($3);
		}
	;

rule
	: rule_verb targets_rev opt_if opt_because
		{ $$ = rule_new((enum ast_action_kind)$1, @1, $2, NULL, $3, $4, @$); }
	| KW_DENY targets_rev opt_errno opt_if opt_because
		{ $$ = rule_new(AST_ACTION_DENY, @1, $2, $3, $4, $5, @$); }
	;

rule_verb
	: KW_ALLOW { $$ = AST_ACTION_ALLOW; }
	| KW_KILL { $$ = AST_ACTION_KILL; }
	| KW_TRAP { $$ = AST_ACTION_TRAP; }
	| KW_LOG { $$ = AST_ACTION_LOG; }
	;

/*
 * Target lists and the three keywords that are also syscall names: kill, time
 * and link. Statements have no terminator, so `allow read kill write` must
 * stay the two rules `allow read` and `kill write`. A keyword is therefore a
 * syscall name only where no statement can begin:
 *   - as the first target after the verb:      kill kill, deny time
 *   - right after a comma:                     allow read, kill
 *   - right after 'optional':                  allow read optional time
 * Anywhere else it ends the target list (and `time` or `link` there is then
 * a syntax error whose message says to add the comma).
 */
targets_rev
	: first_target
	| targets_rev next_target { $$ = LIST_PUSH($1, $2); }
	| targets_rev ',' first_target { $$ = LIST_PUSH($1, $3); }
	;

first_target
	: any_name opt_args { $$ = target_with_args($1, $2); }
	| optional_target
	;

next_target
	: plain_name opt_args { $$ = target_with_args($1, $2); }
	| optional_target
	;

optional_target
	: KW_OPTIONAL any_name opt_args
		{
			$$ = target_with_args($2, $3);
			$$->optional = true;
		}
	;

any_name
	: plain_name
	| KW_KILL { $$ = target_new(keyword_word("kill", @1), false); }
	| KW_TIME { $$ = target_new(keyword_word("time", @1), false); }
	| KW_LINK { $$ = target_new(keyword_word("link", @1), false); }
	;

plain_name
	: IDENT { $$ = target_new($1, false); }
	| GROUP { $$ = target_new($1, true); }
	;

opt_args
	: %empty { $$ = NULL; }
	| '(' arg_list_rev ')' { $$ = $2; }
	;

arg_list_rev
	: IDENT
	| arg_list_rev ',' IDENT { $$ = LIST_PUSH($1, $3); }
	;

opt_errno
	: %empty { $$ = NULL; }
	| KW_ERRNO IDENT { $$ = $2; }
	;

opt_if
	: %empty { $$ = NULL; }
	| KW_IF
		{
			ps->paren_depth = 0;
			ps->depth_reported = false;
		}
	  expr
		{ $$ = $3; }
	;

opt_because
	: %empty { $$ = NULL; }
	| KW_BECAUSE STRING { $$ = $2; }
	;

/*
 * One expression grammar for both conditions and values: which side must be
 * boolean is the resolver's check. That is what makes '(' unambiguous:
 * `!(a == 1 || b == 2)`, `(flags & (A | B)) != 0` and `x in (A, B|C)` all
 * parse with the precedences declared above.
 */
expr
	: expr OROR expr { $$ = expr_node(ps, AST_EXPR_OR, $1, $3, @$); }
	| expr ANDAND expr { $$ = expr_node(ps, AST_EXPR_AND, $1, $3, @$); }
	| '!' expr { $$ = expr_node(ps, AST_EXPR_NOT, $2, NULL, @$); }
	| '(' { paren_open(ps, @1); } expr ')'
		{
			ps->paren_depth--;
			$$ = $3;
		}
	| expr cmp_op expr %prec EQ { $$ = expr_cmp(ps, (enum ast_cmp_op)$2, $1, $3, @$); }
	| expr KW_IN '(' in_list_rev ')' { $$ = expr_in(ps, $1, $4, @$); }
	| expr '|' expr { $$ = expr_node(ps, AST_EXPR_BITOR, $1, $3, @$); }
	| expr '&' expr { $$ = expr_node(ps, AST_EXPR_BITAND, $1, $3, @$); }
	| IDENT { $$ = expr_leaf(AST_EXPR_IDENT, $1); }
	| NUMBER { $$ = expr_leaf(AST_EXPR_NUMBER, $1); }
	;

cmp_op
	: EQ { $$ = AST_CMP_EQ; }
	| NE { $$ = AST_CMP_NE; }
	| '<' { $$ = AST_CMP_LT; }
	| LE { $$ = AST_CMP_LE; }
	| '>' { $$ = AST_CMP_GT; }
	| GE { $$ = AST_CMP_GE; }
	;

in_list_rev
	: expr
	| in_list_rev ',' expr { $$ = LIST_PUSH($1, $3); }
	;

/* ---- groups --------------------------------------------------------------- */

group_def
	: KW_GROUP GROUP '=' '{' members_rev '}'
		{
			$$ = xcalloc(1, sizeof(*$$));
			$$->loc = $2->loc;
			$$->name = word_take($2);
			LIST_REVERSE($5);
			$$->members = $5;
		}
	| KW_GROUP GROUP '=' '{' error '}'
		{
			yyerrok;
			ast_word_free($2);
			$$ = NULL;
		}
	;

members_rev
	: member
	| members_rev member { $$ = LIST_PUSH($1, $2); }
	| members_rev ',' member { $$ = LIST_PUSH($1, $3); }
	;

member
	: member_base
	| '!' member_base { $$ = $2; $$->exclude = true; }
	;

member_base
	: member_name
	| KW_OPTIONAL member_name { $$ = $2; $$->optional = true; }
	;

member_name
	: IDENT { $$ = member_new($1, false); }
	| GROUP { $$ = member_new($1, true); }
	| KW_KILL { $$ = member_new(keyword_word("kill", @1), false); }
	| KW_TIME { $$ = member_new(keyword_word("time", @1), false); }
	| KW_LINK { $$ = member_new(keyword_word("link", @1), false); }
	;

/* ---- test ------------------------------------------------------------------ */

test_list
	: %empty { $$ = NULL; }
	| test_items_rev { LIST_REVERSE($1); $$ = $1; }
	;

test_items_rev
	: expect_stmt
	| resync { $$ = NULL; }
	| test_items_rev expect_stmt { $$ = LIST_PUSH($1, $2); }
	| test_items_rev resync { $$ = $1; }
	;

/* `limit` is not reserved (a policy may well have a param of that name): it
 * is the identifier right after `expect` that a limit kind follows. */
expect_stmt
	: KW_EXPECT expect_name opt_call_args ARROW expect_action opt_on
		{
			$$ = expect_new(AST_EXPECT_SYSCALL, @$);
			$$->syscall = $2;
			$$->args = $3;
			$$->action = *$5;
			free($5);
			$$->arch = $6;
		}
	| KW_EXPECT KW_FS word IDENT
		{
			$$ = expect_new(AST_EXPECT_FS, @$);
			$$->path = $3;
			$$->fact = $4;
		}
	| KW_EXPECT IDENT limit_kind expect_limit_value
		{
			$$ = expect_new(AST_EXPECT_LIMIT, @$);
			$$->limit = (enum ast_limit_kind)$3;
			$$->value = $4;
			if (strcmp($2->text, "limit") != 0)
				diag_error(ps->diag, $2->loc,
					   "expected 'limit' before '%s', not '%s'",
					   ast_limit_keyword($$->limit), $2->text);
			ast_word_free($2);
		}
	;

expect_name
	: IDENT
	| KW_KILL { $$ = keyword_word("kill", @1); }
	| KW_TIME { $$ = keyword_word("time", @1); }
	| KW_LINK { $$ = keyword_word("link", @1); }
	;

opt_call_args
	: %empty { $$ = NULL; }
	| '('
		{
			ps->paren_depth = 0;
			ps->depth_reported = false;
		}
	  call_args_rev ')'
		{ LIST_REVERSE($3); $$ = $3; }
	;

call_args_rev
	: expr
	| call_args_rev ',' expr { $$ = LIST_PUSH($1, $3); }
	;

expect_action
	: KW_ALLOW { $$ = action_new(AST_ACTION_ALLOW, @$); }
	| KW_DENY { $$ = action_new(AST_ACTION_DENY, @$); }
	| KW_KILL { $$ = action_new(AST_ACTION_KILL, @$); }
	| KW_TRAP { $$ = action_new(AST_ACTION_TRAP, @$); }
	| KW_LOG { $$ = action_new(AST_ACTION_LOG, @$); }
	| KW_ERRNO IDENT
		{
			$$ = action_new(AST_ACTION_ERRNO, @$);
			$$->errno_loc = $2->loc;
			$$->errno_name = word_take($2);
		}
	;

opt_on
	: %empty { $$ = NULL; }
	| KW_ON IDENT { $$ = $2; }
	;

expect_limit_value
	: NUMBER
	| IDENT
	| KW_NONE { $$ = NULL; }
	;

/* ---- limits, env, process ---------------------------------------------------- */

limit_list
	: %empty { $$ = NULL; }
	| limit_items_rev { LIST_REVERSE($1); $$ = $1; }
	;

limit_items_rev
	: limit_stmt
	| resync { $$ = NULL; }
	| limit_items_rev limit_stmt { $$ = LIST_PUSH($1, $2); }
	| limit_items_rev resync { $$ = $1; }
	;

limit_stmt
	: limit_kind limit_value opt_best_effort
		{
			$$ = xcalloc(1, sizeof(*$$));
			$$->kind = (enum ast_limit_kind)$1;
			$$->loc = @1;
			$$->value = $2;
			$$->best_effort = $3;
		}
	;

limit_kind
	: KW_MEMORY { $$ = AST_LIMIT_MEMORY; }
	| KW_PIDS { $$ = AST_LIMIT_PIDS; }
	| KW_CPU { $$ = AST_LIMIT_CPU; }
	| KW_TIME { $$ = AST_LIMIT_TIME; }
	| KW_NOFILE { $$ = AST_LIMIT_NOFILE; }
	| KW_FSIZE { $$ = AST_LIMIT_FSIZE; }
	;

limit_value: NUMBER | IDENT ;

opt_best_effort
	: %empty { $$ = 0; }
	| KW_BEST_EFFORT { $$ = 1; }
	;

env_list
	: %empty { $$ = NULL; }
	| env_items_rev { LIST_REVERSE($1); $$ = $1; }
	;

env_items_rev
	: env_stmt
	| resync { $$ = NULL; }
	| env_items_rev env_stmt { $$ = LIST_PUSH($1, $2); }
	| env_items_rev resync { $$ = $1; }
	;

env_stmt
	: KW_CLEAR { $$ = env_new(AST_ENV_CLEAR, @1, NULL); }
	| KW_KEEP ident_list_rev { $$ = env_new(AST_ENV_KEEP, @1, $2); }
	| KW_UNSET ident_list_rev { $$ = env_new(AST_ENV_UNSET, @1, $2); }
	| KW_SET IDENT '=' env_value
		{
			$$ = env_new(AST_ENV_SET, @1, $2);
			$$->value = $4;
		}
	;

env_value: PATH | STRING | IDENT | NUMBER ;

ident_list_rev
	: IDENT
	| ident_list_rev IDENT { $$ = LIST_PUSH($1, $2); }
	;

process_list
	: %empty { $$ = NULL; }
	| process_items_rev { LIST_REVERSE($1); $$ = $1; }
	;

process_items_rev
	: process_stmt
	| resync { $$ = NULL; }
	| process_items_rev process_stmt { $$ = LIST_PUSH($1, $2); }
	| process_items_rev resync { $$ = $1; }
	;

process_stmt
	: KW_HOSTNAME hostname_value { $$ = process_new(AST_PROCESS_HOSTNAME, @1, $2); }
	| KW_UID NUMBER { $$ = process_new(AST_PROCESS_UID, @1, $2); }
	| KW_GID NUMBER { $$ = process_new(AST_PROCESS_GID, @1, $2); }
	| KW_NEW_SESSION { $$ = process_new(AST_PROCESS_NEW_SESSION, @1, NULL); }
	;

hostname_value: IDENT | STRING ;

%%

/* ---- error messages --------------------------------------------------------- */

static bool symbol_has_text(yysymbol_kind_t sym)
{
	return sym == YYSYMBOL_IDENT || sym == YYSYMBOL_NUMBER || sym == YYSYMBOL_PATH ||
	       sym == YYSYMBOL_STRING || sym == YYSYMBOL_GROUP;
}

/* A keyword's symbol name is its spelling in single quotes: 'syscalls'.
 * Punctuation ('{', '->') is quoted too, but does not start with a letter. */
static bool symbol_is_keyword(yysymbol_kind_t sym)
{
	const char *name = yysymbol_name(sym);
	return name[0] == '\'' && name[1] >= 'a' && name[1] <= 'z';
}

/* Writes the spelling of keyword `sym` without its quotes into `out`. */
static const char *keyword_spelling(yysymbol_kind_t sym, char *out, size_t size)
{
	const char *name = yysymbol_name(sym);
	size_t len = strlen(name);
	if (len < 2 || len - 2 >= size)
		return NULL;
	memcpy(out, name + 1, len - 2);
	out[len - 2] = '\0';
	return out;
}

static void describe_unexpected(struct buf *msg, yysymbol_kind_t sym, const struct parse_state *ps)
{
	buf_puts(msg, "unexpected ");
	buf_puts(msg, yysymbol_name(sym));
	if (sym == YYSYMBOL_STRING)
		buf_printf(msg, " \"%s\"", ps->last_text);
	else if (symbol_has_text(sym))
		buf_printf(msg, " '%s'", ps->last_text);
}

/* The "did you mean" for an identifier where a keyword was expected. */
static void suggest_keyword(struct buf *msg, const yysymbol_kind_t *expected, int n,
			    const struct parse_state *ps)
{
	char spellings[YYNTOKENS][24];
	const char *candidates[YYNTOKENS];
	size_t count = 0;
	for (int i = 0; i < n; i++) {
		if (!symbol_is_keyword(expected[i]))
			continue;
		candidates[count] = keyword_spelling(expected[i], spellings[count],
						     sizeof(spellings[count]));
		count++;
	}
	const char *best = diag_suggest(ps->last_text, candidates, count);
	if (best)
		buf_printf(msg, "; did you mean '%s'?", best);
}

static bool symbol_in(yysymbol_kind_t sym, const yysymbol_kind_t *set, int n)
{
	for (int i = 0; i < n; i++)
		if (set[i] == sym)
			return true;
	return false;
}

/* Character tokens have no YYSYMBOL_ name of their own: find them by name. */
static bool symbol_named_in(const char *name, const yysymbol_kind_t *set, int n)
{
	for (int i = 0; i < n; i++)
		if (strcmp(yysymbol_name(set[i]), name) == 0)
			return true;
	return false;
}

/* A keyword where a name was expected: say why it is not a name. */
static void explain_keyword(struct buf *msg, yysymbol_kind_t sym, const yysymbol_kind_t *expected,
			    int n)
{
	if (!symbol_is_keyword(sym) || !symbol_in(YYSYMBOL_IDENT, expected, n))
		return;
	char spelling[24];
	if (!keyword_spelling(sym, spelling, sizeof(spelling)))
		return;
	bool syscall_name =
	    sym == YYSYMBOL_KW_KILL || sym == YYSYMBOL_KW_TIME || sym == YYSYMBOL_KW_LINK;
	if (syscall_name && symbol_named_in("','", expected, n))
		buf_printf(msg, "; to name the syscall '%s' here, put a ',' before it", spelling);
	else
		buf_printf(msg, "; '%s' is a reserved word and cannot be a name", spelling);
}

enum { EXPECTED_SHOWN = 16 };

static int yyreport_syntax_error(const yypcontext_t *ctx, yyscan_t scanner, struct parse_state *ps)
{
	(void)scanner;
	yysymbol_kind_t unexpected = yypcontext_token(ctx);
	yysymbol_kind_t expected[YYNTOKENS];
	int n = yypcontext_expected_tokens(ctx, expected, YYNTOKENS);
	if (n < 0)
		return n; /* YYENOMEM from LAC: bison reports it */

	struct buf msg;
	buf_init(&msg);
	describe_unexpected(&msg, unexpected, ps);
	for (int i = 0; i < n && i < EXPECTED_SHOWN; i++) {
		buf_puts(&msg, i == 0 ? ", expected " : ", ");
		buf_puts(&msg, yysymbol_name(expected[i]));
	}
	if (n > EXPECTED_SHOWN)
		buf_puts(&msg, ", ...");
	if (unexpected == YYSYMBOL_IDENT)
		suggest_keyword(&msg, expected, n, ps);
	else
		explain_keyword(&msg, unexpected, expected, n);
	diag_error(ps->diag, *yypcontext_location(ctx), "%s", buf_cstr(&msg));
	buf_free(&msg);
	return 0;
}

/* With parse.error custom, bison calls this only when its stack is full. */
static void yyerror(CELL_YYLTYPE *loc, yyscan_t scanner, struct parse_state *ps, const char *msg)
{
	(void)scanner;
	if (strcmp(msg, "memory exhausted") == 0)
		diag_error(ps->diag, *loc,
			   "nested too deeply: the parser's stack limit (%d) was reached",
			   YYMAXDEPTH);
	else
		diag_error(ps->diag, *loc, "%s", msg);
}

/* ---- entry point -------------------------------------------------------------- */

/* Policies are small; this bound keeps every line and column count far from
 * INT_MAX. */
#define POLICY_MAX_BYTES (64u << 20)

struct ast_file *parse_policy_text(struct diag_ctx *d, const char *path, const char *text,
				   size_t len)
{
	struct ast_file *f = xcalloc(1, sizeof(*f));
	f->path = path;
	struct parse_state ps = {
	    .diag = d,
	    .file = path,
	    .line = 1,
	    .col = 1,
	    .ast = f,
	    .items_tail = &f->items,
	    .comments_tail = &f->comments,
	};
	if (len > POLICY_MAX_BYTES) {
		diag_error(d, (struct src_loc){path, 0, 0, 0, 0},
			   "policy file is %zu bytes; the limit is %u MiB", len,
			   POLICY_MAX_BYTES >> 20);
		return f;
	}
	buf_init(&ps.str);
	yyscan_t scanner;
	if (cell_yylex_init_extra(&ps, &scanner) != 0) {
		diag_error(d, (struct src_loc){path, 0, 0, 0, 0},
			   "cannot start the scanner: out of memory");
		return f;
	}
	struct yy_buffer_state *input = cell_yy_scan_bytes(text ? text : "", (int)len, scanner);
	cell_yyparse(scanner, &ps);
	cell_yy_delete_buffer(input, scanner);
	cell_yylex_destroy(scanner);
	buf_free(&ps.str);
	return f;
}

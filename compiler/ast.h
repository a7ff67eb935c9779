/*
 * ast.h - the syntax tree of one policy file, exactly as written.
 *
 * The parser (grammar/parser.y) builds it; the resolver (resolve.h) is its only
 * reader. Nothing here is checked beyond syntax: names are unresolved strings,
 * numbers keep their text and unit, paths keep their ${...} references. Every
 * node carries the location it came from, so that the resolver's errors point
 * at the construct that caused them.
 *
 * Lists are singly linked through `next`, in source order. The tree owns all
 * of its strings; ast_file_free() releases everything.
 *
 *   file      := item*
 *   item      := include | const | group | policy
 *   policy    := name, bases, body (param | fs | net | syscalls | limits | env
 *                | process | arch | test | lint | untrusted | description
 *                | requires | fallback)*
 *
 * Comments are not part of the tree's structure: the scanner keeps every one,
 * in source order, in ast_file.comments, for `cell fmt` (which puts them back)
 * and for `# lint: ID` suppressions (which the resolver reads).
 */
#ifndef CELL_AST_H
#define CELL_AST_H

#include "diag.h"
#include "util.h"

#include <stdbool.h>
#include <stdint.h>

/* A word as written: an identifier, a quoted string (escapes decoded), a path
 * (possibly with ${NAME} references), or a number with its unit. */
enum ast_word_kind { AST_WORD_IDENT, AST_WORD_STRING, AST_WORD_PATH, AST_WORD_NUMBER };

struct ast_word {
	enum ast_word_kind kind;
	char *text; /* decoded; may contain NUL only if len says so (strings) */
	size_t len;
	struct src_loc loc;
	struct ast_word *next;
};

/* ---- argument filter expressions -------------------------------------- */

enum ast_expr_kind {
	AST_EXPR_OR,     /* lhs || rhs */
	AST_EXPR_AND,    /* lhs && rhs */
	AST_EXPR_NOT,    /* ! lhs */
	AST_EXPR_CMP,    /* lhs OP rhs */
	AST_EXPR_IN,     /* lhs in (list) ; list linked through next */
	AST_EXPR_BITAND, /* lhs & rhs  (binds tighter than comparisons, unlike C) */
	AST_EXPR_BITOR,  /* lhs | rhs */
	AST_EXPR_IDENT,  /* argument name, argN, or a constant */
	AST_EXPR_NUMBER, /* literal; text kept, converted by the resolver */
};

enum ast_cmp_op { AST_CMP_EQ, AST_CMP_NE, AST_CMP_LT, AST_CMP_LE, AST_CMP_GT, AST_CMP_GE };

struct ast_expr {
	enum ast_expr_kind kind;
	enum ast_cmp_op op;    /* AST_EXPR_CMP */
	struct ast_expr *lhs;  /* binary and unary nodes */
	struct ast_expr *rhs;  /* binary nodes */
	struct ast_expr *list; /* AST_EXPR_IN: the values, linked through next */
	char *text;            /* AST_EXPR_IDENT, AST_EXPR_NUMBER */
	struct src_loc loc;
	struct ast_expr *next; /* only inside an `in (...)` list */
};

/* ---- syscalls section --------------------------------------------------- */

enum ast_action_kind {
	AST_ACTION_ALLOW,
	AST_ACTION_DENY, /* errno EPERM unless errno_name is set */
	AST_ACTION_ERRNO,
	AST_ACTION_KILL,
	AST_ACTION_TRAP,
	AST_ACTION_LOG,
};

struct ast_action {
	enum ast_action_kind kind;
	char *errno_name; /* `deny ... errno NAME`, `default errno NAME`; else NULL */
	struct src_loc loc;
	struct src_loc errno_loc;
};

/* One name in a rule's target list: `read`, `@basic-io`, `optional mmap2`,
 * `ioctl(fd, cmd)`. */
struct ast_target {
	char *name; /* without the '@' for groups */
	bool is_group;
	bool optional;
	struct ast_word *argnames; /* the names in parentheses, or NULL */
	bool has_parens;
	struct src_loc loc;
	struct ast_target *next;
};

struct ast_rule {
	struct ast_action action;
	struct ast_target *targets;
	struct ast_expr *cond; /* `if EXPR`, or NULL */
	char *reason;          /* `because "..."`, or NULL */
	struct src_loc loc;    /* the whole rule */
	struct ast_rule *next;
};

/* `group @name = { a, @b, !c }`: members in order; `!` removes. */
struct ast_group_member {
	char *name;
	bool is_group;
	bool exclude; /* written with '!' */
	bool optional;
	struct src_loc loc;
	struct ast_group_member *next;
};

struct ast_group {
	char *name; /* without the '@' */
	struct ast_group_member *members;
	struct src_loc loc;
	struct ast_group *next;
};

/* ---- fs section --------------------------------------------------------- */

enum ast_fs_kind {
	AST_FS_RO,    /* ro[?] SRC [at DST] */
	AST_FS_RW,    /* rw[?] SRC [at DST] */
	AST_FS_DEV,   /* dev DST: a minimal private /dev */
	AST_FS_PROC,  /* proc DST */
	AST_FS_TMPFS, /* tmpfs DST [size Q] [mode OCT] */
	AST_FS_LINK,  /* link DST -> TARGET */
	AST_FS_DIR,   /* dir DST [mode OCT] */
	AST_FS_FILE,  /* file DST "contents" [mode OCT] */
	AST_FS_MASK,  /* mask[?] DST: hide whatever the host has there */
	AST_FS_CWD,   /* cwd DST */
};

struct ast_fs_stmt {
	enum ast_fs_kind kind;
	bool optional;           /* written with '?' */
	struct ast_word *path;   /* the first operand: SRC for ro/rw, DST otherwise */
	struct ast_word *at;     /* `at DST`, or NULL */
	struct ast_word *target; /* link target, file contents; else NULL */
	struct ast_word *size;   /* tmpfs `size Q`, or NULL */
	struct ast_word *mode;   /* `mode OCT`, or NULL */
	struct src_loc loc;      /* the statement's keyword */
	struct ast_fs_stmt *next;
};

/* ---- limits, env, process ------------------------------------------------ */

enum ast_limit_kind {
	AST_LIMIT_MEMORY,
	AST_LIMIT_PIDS,
	AST_LIMIT_CPU,
	AST_LIMIT_TIME,
	AST_LIMIT_NOFILE,
	AST_LIMIT_FSIZE,
};

struct ast_limit {
	enum ast_limit_kind kind;
	struct ast_word *value; /* a number with its unit, or the ident `infinity` */
	bool best_effort;
	struct src_loc loc;
	struct ast_limit *next;
};

enum ast_env_kind { AST_ENV_CLEAR, AST_ENV_KEEP, AST_ENV_SET, AST_ENV_UNSET };

struct ast_env_stmt {
	enum ast_env_kind kind;
	struct ast_word *names; /* keep/unset: one or more; set: exactly one */
	struct ast_word *value; /* set only */
	struct src_loc loc;
	struct ast_env_stmt *next;
};

enum ast_process_kind {
	AST_PROCESS_HOSTNAME,
	AST_PROCESS_UID,
	AST_PROCESS_GID,
	AST_PROCESS_NEW_SESSION,
};

struct ast_process_stmt {
	enum ast_process_kind kind;
	struct ast_word *value; /* NULL for new-session */
	struct src_loc loc;
	struct ast_process_stmt *next;
};

/* ---- test section ---------------------------------------------------------
 *
 *   expect NAME[(ARG, ...)] -> ACTION [on ARCH]   the emitted filter's verdict
 *   expect fs PATH FACT                            hidden|visible|readonly|writable
 *   expect limit KIND VALUE                        a quantity, `infinity` or `none`
 */
enum ast_expect_kind { AST_EXPECT_SYSCALL, AST_EXPECT_FS, AST_EXPECT_LIMIT };

struct ast_expect {
	enum ast_expect_kind kind;
	struct src_loc loc; /* the whole expectation */
	/* AST_EXPECT_SYSCALL */
	struct ast_word *syscall; /* the name (kill, time, link included) */
	struct ast_expr *args;    /* positional values, linked through next */
	struct ast_action action; /* what the filter must answer */
	struct ast_word *arch;    /* `on ARCH`, or NULL: every target architecture */
	/* AST_EXPECT_FS */
	struct ast_word *path;
	struct ast_word *fact; /* an identifier, checked by the resolver */
	/* AST_EXPECT_LIMIT */
	enum ast_limit_kind limit;
	struct ast_word *value; /* number, `infinity`, or NULL for `none` */
	struct ast_expect *next;
};

/* ---- lint section ----------------------------------------------------------
 *
 *   lint { ignore CL012, CL013 because "why" }
 *
 * Each `ignore` silences the named lint rules for the whole policy (and for
 * policies deriving from it). The reason is optional in the syntax so that a
 * missing one is a lint finding, not a syntax error.
 */
struct ast_lint_ignore {
	struct ast_word *ids;    /* identifiers, as written */
	struct ast_word *reason; /* the `because` string, or NULL */
	struct src_loc loc;      /* the `ignore` keyword */
	struct ast_lint_ignore *next;
};

/* ---- policy -------------------------------------------------------------- */

enum ast_net_mode { AST_NET_NONE, AST_NET_LOOPBACK, AST_NET_HOST };

/* One section or declaration in a policy body, in source order. A section may
 * appear more than once (`fs { } ... fs { }`); the resolver concatenates. */
enum ast_body_kind {
	AST_BODY_PARAM,
	AST_BODY_FS,
	AST_BODY_NET,
	AST_BODY_SYSCALLS,
	AST_BODY_LIMITS,
	AST_BODY_ENV,
	AST_BODY_PROCESS,
	AST_BODY_ARCH,
	AST_BODY_TEST,
	AST_BODY_LINT,        /* lint { ignore ... } */
	AST_BODY_UNTRUSTED,   /* `untrusted`: the policy runs code nobody vouches for */
	AST_BODY_DESCRIPTION, /* description "text": words = the string */
	AST_BODY_REQUIRES,    /* requires bwrap "0.8.0": words = the tool, the version */
	AST_BODY_FALLBACK,    /* fallback landlock|none: words = the identifier */
};

struct ast_body {
	enum ast_body_kind kind;
	struct src_loc loc;
	union {
		struct ast_word *param; /* AST_BODY_PARAM: the name; its next, if
		                         * any, the `in PATH` that constrains it */
		struct ast_fs_stmt *fs;
		enum ast_net_mode net;
		struct {
			struct ast_action *default_action; /* NULL if not given */
			struct ast_rule *rules;
			struct ast_group *groups; /* groups defined inside the section */
		} syscalls;
		struct ast_limit *limits;
		struct ast_env_stmt *env;
		struct ast_process_stmt *process;
		struct ast_word *arches;      /* AST_BODY_ARCH: identifiers */
		struct ast_expect *tests;     /* AST_BODY_TEST */
		struct ast_lint_ignore *lint; /* AST_BODY_LINT */
		struct ast_word *words;       /* DESCRIPTION, REQUIRES, FALLBACK (see above) */
	} u;
	struct ast_body *next;
};

struct ast_policy {
	char *name;
	struct src_loc loc;     /* the name */
	struct ast_word *bases; /* identifiers after ':' */
	struct ast_body *body;
};

enum ast_item_kind { AST_ITEM_INCLUDE, AST_ITEM_CONST, AST_ITEM_GROUP, AST_ITEM_POLICY };

struct ast_item {
	enum ast_item_kind kind;
	struct src_loc loc;
	union {
		struct ast_word *include; /* the file name, a string */
		struct {
			char *name;
			struct src_loc name_loc;
			struct ast_word *value; /* number, string, path or identifier */
		} constant;
		struct ast_group *group;
		struct ast_policy *policy;
	} u;
	struct ast_item *next;
};

/* A comment: the text after '#', up to the end of its line. */
struct ast_comment {
	char *text;
	struct src_loc loc; /* the '#' to the last byte of the line */
	struct ast_comment *next;
};

struct ast_file {
	const char *path; /* interned in the diag context */
	struct ast_item *items;
	struct ast_comment *comments; /* every comment, in source order */
};

/* ---- the language's spellings ---------------------------------------------
 *
 * How each kind is written: the .cell keyword, which is also its YAML key.
 * The dump, both printers and both front ends take them from here, so a word
 * is spelled in one place; grammar/lexer.l keeps its own table only because it
 * maps words to tokens (a unit test holds it equal to ast_reserved_words).
 * Each returns "?" for a value outside its enum. */
const char *ast_body_keyword(enum ast_body_kind kind);
const char *ast_fs_keyword(enum ast_fs_kind kind);
const char *ast_limit_keyword(enum ast_limit_kind kind);
const char *ast_env_keyword(enum ast_env_kind kind);
const char *ast_process_keyword(enum ast_process_kind kind);
const char *ast_net_keyword(enum ast_net_mode mode);
const char *ast_action_keyword(enum ast_action_kind kind); /* the verb: allow, deny, errno... */
const char *ast_cmp_op_text(enum ast_cmp_op op);           /* ==, !=, <, <=, >, >= */

/* Every reserved word of the .cell language: none of them can be a name. */
extern const char *const ast_reserved_words[];
extern const size_t ast_reserved_word_count;

/* Whether the `len` bytes at `s` spell a reserved word. */
bool ast_is_reserved(const char *s, size_t len);

/* ---- the language's lexical rules and limits -------------------------------
 *
 * grammar/lexer.l's token classes and the parser's bounds, for the readers
 * and printers that do not go through the scanner (the YAML front end, the
 * printers), so that a word means the same in every one of them. */

/* Longest identifier, number, path, group name or string, in source bytes. */
#define AST_TOKEN_MAX 4096
/* Deepest expression tree, and deepest parentheses, in an `if`. */
#define AST_EXPR_MAX_DEPTH 64

/* Length of the longest prefix of s[0..len) in the class, or 0. */
size_t ast_ident_span(const char *s, size_t len);      /* [A-Za-z_][A-Za-z0-9_.-]* */
size_t ast_number_span(const char *s, size_t len);     /* [0-9][0-9A-Za-z_.%]* */
size_t ast_group_name_span(const char *s, size_t len); /* [A-Za-z0-9_-]*, after '@' */

/* The kind (enum ast_word_kind) the lexer gives to the whole of s[0..len)
 * when it is one identifier, number or path token (keywords included), or
 * -1: then only a quoted string can hold it. */
int ast_lex_kind(const char *s, size_t len);

enum ast_name_rule {
	AST_NAME_PLAIN,   /* an identifier that is not a reserved word */
	AST_NAME_SYSCALL, /* the same, but kill, time and link are syscalls */
	AST_NAME_GROUP,   /* letters, digits, '_' and '-' (without the '@') */
};

/* What keeps s[0..len) from being a name by a rule, in the order checked. */
enum ast_name_fault {
	AST_NAME_OK,
	AST_NAME_MALFORMED, /* empty, or a character outside the rule */
	AST_NAME_TOO_LONG,  /* longer than AST_TOKEN_MAX */
	AST_NAME_RESERVED,  /* a reserved word */
};
enum ast_name_fault ast_name_check(const char *s, size_t len, enum ast_name_rule rule);

/* Whether a section with braces holds no statement; true for declarations
 * (param, net, ...), which hold none. */
bool ast_body_is_empty(const struct ast_body *b);

/* Constructors used by the parser. They take ownership of the strings and
 * subtrees given to them. */
struct ast_word *ast_word_new(enum ast_word_kind kind, char *text, size_t len, struct src_loc loc);
struct ast_expr *ast_expr_new(enum ast_expr_kind kind, struct src_loc loc);

void ast_word_free(struct ast_word *w);
void ast_expr_free(struct ast_expr *e);
void ast_target_free(struct ast_target *t);
void ast_rule_free(struct ast_rule *r);
void ast_action_free(struct ast_action *a);
void ast_group_free(struct ast_group *g);
void ast_group_member_free(struct ast_group_member *m);
void ast_fs_stmt_free(struct ast_fs_stmt *s);
void ast_limit_free(struct ast_limit *l);
void ast_env_stmt_free(struct ast_env_stmt *s);
void ast_process_stmt_free(struct ast_process_stmt *s);
void ast_expect_free(struct ast_expect *e);
void ast_lint_ignore_free(struct ast_lint_ignore *l);
void ast_comment_free(struct ast_comment *c);

/* A `# lint: ID[, ID]... [because "REASON"]` comment, read in one place for
 * all its readers (the resolver's suppressions, the YAML printer's `lint:`
 * keys). Ids are separated by spaces, tabs or commas and end at the word
 * `because` (whole: `CLbecauseX` is one id); the reason is the text between
 * the first quote after it and the last quote of the comment. */
struct ast_lint_comment {
	char **ids;
	size_t n_ids;
	char *reason; /* NULL when the comment gives none */
};
/* True, with *out filled, when `c` is a lint comment (it may have no id). */
bool ast_lint_comment_parse(const struct ast_comment *c, struct ast_lint_comment *out);
void ast_lint_comment_free(struct ast_lint_comment *l);
void ast_body_free(struct ast_body *b);
void ast_policy_free(struct ast_policy *p);
void ast_item_free(struct ast_item *i);
void ast_file_free(struct ast_file *f);

/* Each *_free releases the whole list starting at its argument (following
 * next), and accepts NULL. */

/* Appends `item` to the list `*head` (O(n); lists are short). Used as
 * LIST_APPEND(&head, node) for any node type with a `next` member. */
#define AST_APPEND(headp, node)                                                                    \
	do {                                                                                       \
		__typeof__(*(headp)) *tailp_ = (headp);                                            \
		while (*tailp_)                                                                    \
			tailp_ = &(*tailp_)->next;                                                 \
		*tailp_ = (node);                                                                  \
	} while (0)

/* Parses one file's text. Errors go to `d` (several per run: the parser
 * recovers at statement boundaries). Returns the tree, possibly partial when
 * errors were reported; the caller checks diag_error_count(). `path` must be
 * interned in `d` (diag_add_source). Never returns NULL. */
struct ast_file *parse_policy_text(struct diag_ctx *d, const char *path, const char *text,
                                   size_t len);

/* Debug dump, one node per line, used by the parser's unit tests. */
void ast_dump(const struct ast_file *f, struct buf *out);

/* The dump without the file name and without locations: the tree's shape.
 * Two trees with the same shape are the same policy text up to layout and
 * comments. */
void ast_dump_shape(const struct ast_file *f, struct buf *out);

/* Whether `a` and `b` have the same shape (ast_dump_shape). */
bool ast_same_tree(const struct ast_file *a, const struct ast_file *b);

#endif

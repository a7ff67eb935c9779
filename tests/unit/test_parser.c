/*
 * Unit tests for the grammar: grammar/lexer.l, grammar/parser.y, compiler/ast.c.
 *
 * Each test parses a text with parse_policy_text(), captures what the diag
 * context printed, and checks the tree (through the structs, an S-expression
 * rendering of conditions written here, or ast_dump()).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ast.h"

/* The scanner's limit on one token: AST_TOKEN_MAX, which docs/yaml.md
 * promises for YAML too. */
enum { TOKEN_MAX = 4096 };
_Static_assert(TOKEN_MAX == AST_TOKEN_MAX, "the documented token limit changed");

/* ---- harness ------------------------------------------------------------------ */

struct parsed {
	struct diag_ctx *diag;
	FILE *out;
	char *messages; /* everything the diag context printed */
	size_t messages_len;
	struct ast_file *ast;
	int errors;
};

static void parse_bytes(struct parsed *p, const char *text, size_t len)
{
	memset(p, 0, sizeof(*p));
	p->out = open_memstream(&p->messages, &p->messages_len);
	assert_non_null(p->out);
	p->diag = diag_new(p->out);
	diag_set_error_limit(p->diag, 0);
	const char *path = diag_add_source(p->diag, "test.cell", text, len);
	p->ast = parse_policy_text(p->diag, path, text, len);
	assert_non_null(p->ast);
	p->errors = diag_error_count(p->diag);
	fflush(p->out);
}

static void parse(struct parsed *p, const char *text)
{
	parse_bytes(p, text, strlen(text));
}

/* Parses text that must have no error; shows the messages if it does. */
static void parse_ok(struct parsed *p, const char *text)
{
	parse(p, text);
	if (p->errors != 0)
		print_message("unexpected diagnostics:\n%s", p->messages);
	assert_int_equal(p->errors, 0);
}

static void parsed_free(struct parsed *p)
{
	ast_file_free(p->ast);
	diag_free(p->diag);
	fclose(p->out);
	free(p->messages);
}

static void assert_message(const struct parsed *p, const char *needle)
{
	if (!strstr(p->messages, needle))
		print_message("expected a diagnostic containing:\n  %s\ngot:\n%s", needle,
		              p->messages);
	assert_non_null(strstr(p->messages, needle));
}

static char *dump(const struct ast_file *f)
{
	struct buf b;
	buf_init(&b);
	ast_dump(f, &b);
	return buf_cstr(&b);
}

static const struct ast_policy *policy_at(const struct parsed *p, int index)
{
	int seen = 0;
	for (const struct ast_item *i = p->ast->items; i; i = i->next)
		if (i->kind == AST_ITEM_POLICY && seen++ == index)
			return i->u.policy;
	fail_msg("no policy number %d", index);
	return NULL;
}

static const struct ast_body *section(const struct ast_policy *pol, enum ast_body_kind kind)
{
	for (const struct ast_body *b = pol->body; b; b = b->next)
		if (b->kind == kind)
			return b;
	fail_msg("policy %s has no section of kind %d", pol->name, (int)kind);
	return NULL;
}

static const struct ast_rule *rule_at(const struct ast_policy *pol, int index)
{
	const struct ast_rule *r = section(pol, AST_BODY_SYSCALLS)->u.syscalls.rules;
	for (int i = 0; i < index && r; i++)
		r = r->next;
	assert_non_null(r);
	return r;
}

static int count_targets(const struct ast_target *t)
{
	int n = 0;
	for (; t; t = t->next)
		n++;
	return n;
}

/* Renders a condition as an S-expression: (== (& cmd 0xffffffff) TIOCSTI). */
static void sexpr(struct buf *b, const struct ast_expr *e)
{
	static const char *const cmp[] = {"==", "!=", "<", "<=", ">", ">="};
	switch (e->kind) {
	case AST_EXPR_IDENT:
	case AST_EXPR_NUMBER:
		buf_puts(b, e->text);
		return;
	case AST_EXPR_NOT:
		buf_puts(b, "(! ");
		sexpr(b, e->lhs);
		buf_puts(b, ")");
		return;
	case AST_EXPR_IN:
		buf_puts(b, "(in ");
		sexpr(b, e->lhs);
		for (const struct ast_expr *v = e->list; v; v = v->next) {
			buf_puts(b, " ");
			sexpr(b, v);
		}
		buf_puts(b, ")");
		return;
	case AST_EXPR_OR:
		buf_puts(b, "(|| ");
		break;
	case AST_EXPR_AND:
		buf_puts(b, "(&& ");
		break;
	case AST_EXPR_BITOR:
		buf_puts(b, "(| ");
		break;
	case AST_EXPR_BITAND:
		buf_puts(b, "(& ");
		break;
	case AST_EXPR_CMP:
		buf_printf(b, "(%s ", cmp[e->op]);
		break;
	}
	sexpr(b, e->lhs);
	buf_puts(b, " ");
	sexpr(b, e->rhs);
	buf_puts(b, ")");
}

/* The condition of `allow x if COND`, as an S-expression. */
static void assert_condition(const char *cond, const char *expected)
{
	char *text = xasprintf("policy p { syscalls { allow x if %s } }", cond);
	struct parsed p;
	parse_ok(&p, text);
	const struct ast_rule *r = rule_at(policy_at(&p, 0), 0);
	assert_non_null(r->cond);
	struct buf b;
	buf_init(&b);
	sexpr(&b, r->cond);
	assert_string_equal(buf_cstr(&b), expected);
	buf_free(&b);
	parsed_free(&p);
	free(text);
}

/* ---- the example of the language reference ------------------------------------- */

static const char example[] =
    "include \"../lib/system.cell\"\n"
    "const WORK = /work\n"
    "group @mine = { @basic-io, !pwritev2 }\n"
    "policy base {\n"
    "  fs {\n"
    "    ro    /usr\n"
    "    link  /bin -> usr/bin\n"
    "    ro?   /etc/ld.so.cache        # '?' = skip if missing on the host\n"
    "    proc  /proc\n"
    "    dev   /dev\n"
    "    tmpfs /tmp size 64M mode 01777\n"
    "    file  /etc/hostname \"sandbox\\n\"\n"
    "    mask  /usr/share/secret\n"
    "  }\n"
    "  syscalls {\n"
    "    default errno EPERM\n"
    "    allow @basic-io @file-system @process @memory @signal\n"
    "    kill  ptrace, kill\n"
    "    deny  @mount @module\n"
    "    deny  ioctl(fd, cmd) if cmd & 0xffffffff == TIOCSTI\n"
    "    deny  clone3 errno ENOSYS because \"flags are behind a pointer\"\n"
    "    allow optional mmap2\n"
    "  }\n"
    "}\n"
    "policy python-task : base {\n"
    "  param WORKDIR\n"
    "  fs      { rw ${WORKDIR} at /work   cwd /work }\n"
    "  net     none\n"
    "  syscalls { allow socket(domain) if domain in (AF_UNIX) }\n"
    "  limits  { memory 512M  pids 64  cpu 1.5  time 30s  nofile 256  fsize 100M best-effort }\n"
    "  env     { clear  keep PATH LANG  set HOME=/work  set LANG=C.UTF-8 unset X }\n"
    "  process { hostname task  uid 1000  gid 1000  new-session }\n"
    "  arch x86_64, aarch64\n"
    "}\n";

/* Written by reading the dump and checking every line and column against the
 * text above by hand. */
static const char example_dump[] =
    "file test.cell\n"
    "include \"../lib/system.cell\" @1:1\n"
    "const WORK = /work @2:1\n"
    "group @mine @3:7\n"
    "  member @basic-io @3:17\n"
    "  member !pwritev2 @3:29\n"
    "policy base @4:8\n"
    "  fs @5:3\n"
    "    ro /usr @6:5\n"
    "    link /bin -> usr/bin @7:5\n"
    "    ro? /etc/ld.so.cache @8:5\n"
    "    proc /proc @9:5\n"
    "    dev /dev @10:5\n"
    "    tmpfs /tmp size 64M mode 01777 @11:5\n"
    "    file /etc/hostname \"sandbox\\n\" @12:5\n"
    "    mask /usr/share/secret @13:5\n"
    "  syscalls @15:3\n"
    "    default errno EPERM @16:5\n"
    "    rule allow @17:5\n"
    "      target @basic-io @17:11\n"
    "      target @file-system @17:21\n"
    "      target @process @17:34\n"
    "      target @memory @17:43\n"
    "      target @signal @17:51\n"
    "    rule kill @18:5\n"
    "      target ptrace @18:11\n"
    "      target kill @18:19\n"
    "    rule deny @19:5\n"
    "      target @mount @19:11\n"
    "      target @module @19:18\n"
    "    rule deny @20:5\n"
    "      target ioctl(fd, cmd) @20:11\n"
    "      if\n"
    "        cmp == @20:29\n"
    "          bitand @20:29\n"
    "            ident cmd @20:29\n"
    "            number 0xffffffff @20:35\n"
    "          ident TIOCSTI @20:49\n"
    "    rule deny errno ENOSYS because \"flags are behind a pointer\" @21:5\n"
    "      target clone3 @21:11\n"
    "    rule allow @22:5\n"
    "      target optional mmap2 @22:20\n"
    "policy python-task : base @25:8\n"
    "  param WORKDIR @26:3\n"
    "  fs @27:3\n"
    "    rw ${WORKDIR} at /work @27:13\n"
    "    cwd /work @27:38\n"
    "  net none @28:3\n"
    "  syscalls @29:3\n"
    "    rule allow @29:14\n"
    "      target socket(domain) @29:20\n"
    "      if\n"
    "        in @29:38\n"
    "          ident domain @29:38\n"
    "          of\n"
    "            ident AF_UNIX @29:49\n"
    "  limits @30:3\n"
    "    memory 512M @30:13\n"
    "    pids 64 @30:26\n"
    "    cpu 1.5 @30:35\n"
    "    time 30s @30:44\n"
    "    nofile 256 @30:54\n"
    "    fsize 100M best-effort @30:66\n"
    "  env @31:3\n"
    "    clear @31:13\n"
    "    keep PATH LANG @31:20\n"
    "    set HOME = /work @31:36\n"
    "    set LANG = C.UTF-8 @31:52\n"
    "    unset X @31:69\n"
    "  process @32:3\n"
    "    hostname task @32:13\n"
    "    uid 1000 @32:28\n"
    "    gid 1000 @32:38\n"
    "    new-session @32:48\n"
    "  arch x86_64 aarch64 @33:3\n";

static void test_example_parses_to_the_expected_tree(void **state)
{
	(void)state;
	struct parsed p;
	parse_ok(&p, example);
	char *text = dump(p.ast);
	assert_string_equal(text, example_dump);
	/* The dump is a function of the tree only. */
	char *again = dump(p.ast);
	assert_string_equal(text, again);
	free(again);
	free(text);
	parsed_free(&p);
}

static void test_example_word_kinds_and_values(void **state)
{
	(void)state;
	struct parsed p;
	parse_ok(&p, example);
	const struct ast_item *inc = p.ast->items;
	assert_int_equal(inc->kind, AST_ITEM_INCLUDE);
	assert_int_equal(inc->u.include->kind, AST_WORD_STRING);
	assert_string_equal(inc->u.include->text, "../lib/system.cell");

	const struct ast_item *cst = inc->next;
	assert_int_equal(cst->kind, AST_ITEM_CONST);
	assert_string_equal(cst->u.constant.name, "WORK");
	assert_int_equal(cst->u.constant.name_loc.col, 7);
	assert_int_equal(cst->u.constant.value->kind, AST_WORD_PATH);

	const struct ast_fs_stmt *file = section(policy_at(&p, 0), AST_BODY_FS)->u.fs;
	while (file->kind != AST_FS_FILE)
		file = file->next;
	assert_int_equal(file->target->kind, AST_WORD_STRING);
	assert_int_equal(file->target->len, 8);
	assert_memory_equal(file->target->text, "sandbox\n", 8);

	const struct ast_policy *task = policy_at(&p, 1);
	assert_string_equal(task->bases->text, "base");
	assert_null(task->bases->next);
	const struct ast_limit *cpu = section(task, AST_BODY_LIMITS)->u.limits->next->next;
	assert_int_equal(cpu->kind, AST_LIMIT_CPU);
	assert_int_equal(cpu->value->kind, AST_WORD_NUMBER);
	assert_string_equal(cpu->value->text, "1.5");
	const struct ast_env_stmt *set_lang = section(task, AST_BODY_ENV)->u.env->next->next->next;
	assert_int_equal(set_lang->kind, AST_ENV_SET);
	assert_int_equal(set_lang->value->kind, AST_WORD_IDENT);
	assert_string_equal(set_lang->value->text, "C.UTF-8");
	parsed_free(&p);
}

/* ---- each construct --------------------------------------------------------------- */

static void test_fs_statement_kinds(void **state)
{
	(void)state;
	struct parsed p;
	parse_ok(&p, "policy p { fs {\n"
	             "  ro? /a at /b\n"
	             "  rw \"/with space\"\n"
	             "  dev /dev proc /proc\n"
	             "  tmpfs /t mode 0700 size 1G\n"
	             "  link /lib64 -> usr/lib64\n"
	             "  dir /d mode 0755\n"
	             "  dir /e\n"
	             "  file ./f \"x\" mode 0600\n"
	             "  mask? /secret\n"
	             "  cwd ${HOME}/src\n"
	             "} }");
	const struct ast_fs_stmt *s = section(policy_at(&p, 0), AST_BODY_FS)->u.fs;
	assert_int_equal(s->kind, AST_FS_RO);
	assert_true(s->optional);
	assert_string_equal(s->path->text, "/a");
	assert_string_equal(s->at->text, "/b");

	s = s->next;
	assert_int_equal(s->kind, AST_FS_RW);
	assert_false(s->optional);
	assert_int_equal(s->path->kind, AST_WORD_STRING);
	assert_string_equal(s->path->text, "/with space");
	assert_null(s->at);

	s = s->next;
	assert_int_equal(s->kind, AST_FS_DEV);
	s = s->next;
	assert_int_equal(s->kind, AST_FS_PROC);
	assert_string_equal(s->path->text, "/proc");

	s = s->next; /* size and mode in either order */
	assert_int_equal(s->kind, AST_FS_TMPFS);
	assert_string_equal(s->size->text, "1G");
	assert_string_equal(s->mode->text, "0700");

	s = s->next;
	assert_int_equal(s->kind, AST_FS_LINK);
	assert_string_equal(s->path->text, "/lib64");
	assert_string_equal(s->target->text, "usr/lib64");
	assert_int_equal(s->target->kind, AST_WORD_PATH);

	s = s->next;
	assert_int_equal(s->kind, AST_FS_DIR);
	assert_string_equal(s->mode->text, "0755");
	s = s->next;
	assert_int_equal(s->kind, AST_FS_DIR);
	assert_null(s->mode);

	s = s->next;
	assert_int_equal(s->kind, AST_FS_FILE);
	assert_string_equal(s->path->text, "./f");
	assert_string_equal(s->target->text, "x");
	assert_string_equal(s->mode->text, "0600");

	s = s->next;
	assert_int_equal(s->kind, AST_FS_MASK);
	assert_true(s->optional);

	s = s->next;
	assert_int_equal(s->kind, AST_FS_CWD);
	assert_int_equal(s->path->kind, AST_WORD_PATH);
	assert_string_equal(s->path->text, "${HOME}/src");
	assert_null(s->next);
	parsed_free(&p);
}

static void test_rule_shapes(void **state)
{
	(void)state;
	struct parsed p;
	parse_ok(&p, "policy p { syscalls {\n"
	             "  default kill\n"
	             "  allow read write, @io optional mmap2\n"
	             "  deny openat errno EACCES\n"
	             "  deny ptrace because \"no debugging\"\n"
	             "  deny ioctl(fd, cmd) errno ENOTTY if cmd == 1 because \"r\"\n"
	             "  trap a  log b\n"
	             "  group @local = { a b, !c }\n"
	             "} }");
	const struct ast_body *sc = section(policy_at(&p, 0), AST_BODY_SYSCALLS);
	assert_int_equal(sc->u.syscalls.default_action->kind, AST_ACTION_KILL);
	assert_null(sc->u.syscalls.default_action->errno_name);
	assert_string_equal(sc->u.syscalls.groups->name, "local");

	const struct ast_rule *r = sc->u.syscalls.rules;
	assert_int_equal(r->action.kind, AST_ACTION_ALLOW);
	assert_int_equal(count_targets(r->targets), 4);
	const struct ast_target *t = r->targets;
	assert_string_equal(t->name, "read");
	assert_false(t->is_group);
	assert_false(t->has_parens);
	t = t->next->next;
	assert_string_equal(t->name, "io");
	assert_true(t->is_group);
	t = t->next;
	assert_string_equal(t->name, "mmap2");
	assert_true(t->optional);
	assert_null(r->cond);
	assert_null(r->reason);

	r = r->next;
	assert_int_equal(r->action.kind, AST_ACTION_DENY);
	assert_string_equal(r->action.errno_name, "EACCES");
	assert_int_equal(r->action.errno_loc.line, 4);
	assert_int_equal(r->action.errno_loc.col, 21);

	r = r->next;
	assert_int_equal(r->action.kind, AST_ACTION_DENY);
	assert_null(r->action.errno_name);
	assert_string_equal(r->reason, "no debugging");

	r = r->next;
	assert_string_equal(r->action.errno_name, "ENOTTY");
	assert_true(r->targets->has_parens);
	assert_string_equal(r->targets->argnames->text, "fd");
	assert_string_equal(r->targets->argnames->next->text, "cmd");
	assert_null(r->targets->argnames->next->next);
	assert_non_null(r->cond);
	assert_string_equal(r->reason, "r");

	r = r->next;
	assert_int_equal(r->action.kind, AST_ACTION_TRAP);
	r = r->next;
	assert_int_equal(r->action.kind, AST_ACTION_LOG);
	assert_null(r->next);
	parsed_free(&p);
}

static void test_default_actions(void **state)
{
	(void)state;
	static const struct {
		const char *text;
		enum ast_action_kind kind;
		const char *errno_name;
	} cases[] = {
	    {"allow", AST_ACTION_ALLOW, NULL}, {"deny", AST_ACTION_DENY, NULL},
	    {"kill", AST_ACTION_KILL, NULL},   {"trap", AST_ACTION_TRAP, NULL},
	    {"log", AST_ACTION_LOG, NULL},     {"errno ENOSYS", AST_ACTION_ERRNO, "ENOSYS"},
	};
	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		char *text = xasprintf("policy p { syscalls { default %s } }", cases[i].text);
		struct parsed p;
		parse_ok(&p, text);
		const struct ast_action *a =
		    section(policy_at(&p, 0), AST_BODY_SYSCALLS)->u.syscalls.default_action;
		assert_non_null(a);
		assert_int_equal(a->kind, cases[i].kind);
		if (cases[i].errno_name)
			assert_string_equal(a->errno_name, cases[i].errno_name);
		else
			assert_null(a->errno_name);
		parsed_free(&p);
		free(text);
	}
}

/* kill, time and link are keywords and syscall names. */
static void test_keywords_as_syscall_names(void **state)
{
	(void)state;
	struct parsed p;
	parse_ok(&p, "policy p { syscalls {\n"
	             "  kill kill\n"                   /* first target after the verb */
	             "  allow read, kill\n"            /* after a comma */
	             "  allow read kill write\n"       /* two rules: allow read; kill write */
	             "  deny time, link errno EPERM\n" /* first, and after a comma */
	             "  allow read optional link\n"    /* after 'optional' */
	             "} }");
	const struct ast_policy *pol = policy_at(&p, 0);
	const struct ast_rule *r = rule_at(pol, 0);
	assert_int_equal(r->action.kind, AST_ACTION_KILL);
	assert_string_equal(r->targets->name, "kill");
	assert_int_equal(count_targets(r->targets), 1);

	r = rule_at(pol, 1);
	assert_int_equal(count_targets(r->targets), 2);
	assert_string_equal(r->targets->next->name, "kill");

	r = rule_at(pol, 2);
	assert_int_equal(r->action.kind, AST_ACTION_ALLOW);
	assert_int_equal(count_targets(r->targets), 1);
	assert_string_equal(r->targets->name, "read");
	r = rule_at(pol, 3);
	assert_int_equal(r->action.kind, AST_ACTION_KILL);
	assert_string_equal(r->targets->name, "write");

	r = rule_at(pol, 4);
	assert_string_equal(r->targets->name, "time");
	assert_string_equal(r->targets->next->name, "link");
	assert_string_equal(r->action.errno_name, "EPERM");

	r = rule_at(pol, 5);
	assert_string_equal(r->targets->next->name, "link");
	assert_true(r->targets->next->optional);
	parsed_free(&p);

	/* Without the comma, `time` ends the list and cannot start a rule. */
	parse(&p, "policy p { syscalls { allow read time } }");
	assert_int_equal(p.errors, 1);
	assert_message(&p, "test.cell:1:34: error: unexpected 'time'");
	assert_message(&p, "put a ',' before it");
	parsed_free(&p);
}

static void test_expression_precedence(void **state)
{
	(void)state;
	/* '&' binds tighter than '==', unlike C. */
	assert_condition("cmd & 0xffffffff == TIOCSTI", "(== (& cmd 0xffffffff) TIOCSTI)");
	assert_condition("a == 1 || b == 2 && c == 3", "(|| (== a 1) (&& (== b 2) (== c 3)))");
	assert_condition("a == 1 && b == 2 || c == 3", "(|| (&& (== a 1) (== b 2)) (== c 3))");
	assert_condition("!a == 1", "(! (== a 1))");
	assert_condition("!(a == 1 || b == 2)", "(! (|| (== a 1) (== b 2)))");
	assert_condition("(flags & (CLONE_NEWUSER | CLONE_NEWNS)) != 0",
	                 "(!= (& flags (| CLONE_NEWUSER CLONE_NEWNS)) 0)");
	assert_condition("a | b & c >= 3", "(>= (| a (& b c)) 3)");
	assert_condition("a & b & c < d | e", "(< (& (& a b) c) (| d e))");
	assert_condition("a <= 1 && b > 2 && c != 3", "(&& (&& (<= a 1) (> b 2)) (!= c 3))");
	assert_condition("!!(x == 1)", "(! (! (== x 1)))");
}

static void test_in_lists(void **state)
{
	(void)state;
	assert_condition("domain in (AF_UNIX)", "(in domain AF_UNIX)");
	assert_condition("x in (A, B|C)", "(in x A (| B C))");
	assert_condition("x & 0xff in (1, 2, 3) && y == 0", "(&& (in (& x 0xff) 1 2 3) (== y 0))");

	struct parsed p;
	parse(&p, "policy p { syscalls { allow x if a in () } }");
	assert_true(p.errors >= 1);
	assert_message(&p, "1:40: error: unexpected ')', expected identifier, number, '!', '('");
	parsed_free(&p);

	/* Comparisons do not chain. */
	parse(&p, "policy p { syscalls { allow x if a == b == c } }");
	assert_int_equal(p.errors, 1);
	assert_message(&p, "1:41: error: unexpected '=='");
	parsed_free(&p);
}

static void test_limits_env_process_net_arch(void **state)
{
	(void)state;
	struct parsed p;
	parse_ok(&p, "policy p {\n"
	             "  limits { memory infinity pids 10 best-effort cpu 50% time 500ms nofile 1 "
	             "fsize 1k }\n"
	             "  env { keep A B C unset D E set F=\"a b\" set G=7 set H=x/y clear }\n"
	             "  process { hostname \"box\" uid 0 gid 5 new-session }\n"
	             "  net loopback\n"
	             "  net host\n"
	             "  arch x86_64 i386, aarch64\n"
	             "}");
	const struct ast_policy *pol = policy_at(&p, 0);
	const struct ast_limit *l = section(pol, AST_BODY_LIMITS)->u.limits;
	static const enum ast_limit_kind kinds[] = {AST_LIMIT_MEMORY, AST_LIMIT_PIDS,
	                                            AST_LIMIT_CPU,    AST_LIMIT_TIME,
	                                            AST_LIMIT_NOFILE, AST_LIMIT_FSIZE};
	for (size_t i = 0; i < ARRAY_SIZE(kinds); i++, l = l->next) {
		assert_non_null(l);
		assert_int_equal(l->kind, kinds[i]);
		assert_int_equal(l->best_effort, i == 1);
	}
	assert_null(l);
	l = section(pol, AST_BODY_LIMITS)->u.limits;
	assert_int_equal(l->value->kind, AST_WORD_IDENT);
	assert_string_equal(l->next->next->value->text, "50%");

	const struct ast_env_stmt *e = section(pol, AST_BODY_ENV)->u.env;
	assert_int_equal(e->kind, AST_ENV_KEEP);
	assert_string_equal(e->names->next->next->text, "C");
	assert_null(e->names->next->next->next);
	e = e->next;
	assert_int_equal(e->kind, AST_ENV_UNSET);
	assert_string_equal(e->names->next->text, "E");
	e = e->next;
	assert_int_equal(e->kind, AST_ENV_SET);
	assert_string_equal(e->names->text, "F");
	assert_null(e->names->next);
	assert_int_equal(e->value->kind, AST_WORD_STRING);
	assert_string_equal(e->value->text, "a b");
	e = e->next;
	assert_int_equal(e->value->kind, AST_WORD_NUMBER);
	e = e->next;
	assert_int_equal(e->value->kind, AST_WORD_PATH);
	e = e->next;
	assert_int_equal(e->kind, AST_ENV_CLEAR);
	assert_null(e->names);
	assert_null(e->next);

	const struct ast_process_stmt *s = section(pol, AST_BODY_PROCESS)->u.process;
	assert_int_equal(s->kind, AST_PROCESS_HOSTNAME);
	assert_int_equal(s->value->kind, AST_WORD_STRING);
	assert_int_equal(s->next->kind, AST_PROCESS_UID);
	assert_string_equal(s->next->value->text, "0");
	assert_int_equal(s->next->next->kind, AST_PROCESS_GID);
	assert_int_equal(s->next->next->next->kind, AST_PROCESS_NEW_SESSION);
	assert_null(s->next->next->next->value);

	/* Sections may repeat, in source order. */
	const struct ast_body *net = section(pol, AST_BODY_NET);
	assert_int_equal(net->u.net, AST_NET_LOOPBACK);
	assert_int_equal(net->next->kind, AST_BODY_NET);
	assert_int_equal(net->next->u.net, AST_NET_HOST);

	const struct ast_word *arch = section(pol, AST_BODY_ARCH)->u.arches;
	assert_string_equal(arch->text, "x86_64");
	assert_string_equal(arch->next->text, "i386");
	assert_string_equal(arch->next->next->text, "aarch64");
	parsed_free(&p);
}

static void test_bases_groups_include_const(void **state)
{
	(void)state;
	struct parsed p;
	parse_ok(&p, "include \"a.cell\"\n"
	             "include \"b.cell\"\n"
	             "const N = 42  const S = \"s\"  const P = ./rel  const I = AF_INET\n"
	             "group @g = { read, @io !optional mmap2 optional @x kill time link }\n"
	             "policy a {}\n"
	             "policy c : a, b {\n"
	             "  param X param Y\n"
	             "}\n");
	const struct ast_item *i = p.ast->items;
	assert_int_equal(i->kind, AST_ITEM_INCLUDE);
	assert_string_equal(i->next->u.include->text, "b.cell");
	i = i->next->next;
	static const enum ast_word_kind kinds[] = {AST_WORD_NUMBER, AST_WORD_STRING, AST_WORD_PATH,
	                                           AST_WORD_IDENT};
	for (size_t k = 0; k < ARRAY_SIZE(kinds); k++, i = i->next) {
		assert_int_equal(i->kind, AST_ITEM_CONST);
		assert_int_equal(i->u.constant.value->kind, kinds[k]);
	}
	assert_int_equal(i->kind, AST_ITEM_GROUP);
	const struct ast_group *g = i->u.group;
	assert_string_equal(g->name, "g");
	const struct ast_group_member *m = g->members;
	assert_string_equal(m->name, "read");
	m = m->next;
	assert_true(m->is_group);
	assert_string_equal(m->name, "io");
	m = m->next;
	assert_true(m->exclude);
	assert_true(m->optional);
	assert_string_equal(m->name, "mmap2");
	m = m->next;
	assert_false(m->exclude);
	assert_true(m->optional);
	assert_true(m->is_group);
	m = m->next;
	assert_string_equal(m->name, "kill");
	assert_string_equal(m->next->name, "time");
	assert_string_equal(m->next->next->name, "link");
	assert_null(m->next->next->next);

	const struct ast_policy *a = policy_at(&p, 0);
	assert_null(a->bases);
	assert_null(a->body);
	const struct ast_policy *c = policy_at(&p, 1);
	assert_string_equal(c->bases->text, "a");
	assert_string_equal(c->bases->next->text, "b");
	assert_string_equal(c->body->u.param->text, "X");
	assert_string_equal(c->body->next->u.param->text, "Y");
	parsed_free(&p);
}

static void test_string_escapes(void **state)
{
	(void)state;
	struct parsed p;
	parse_ok(&p, "include \"q\\\" b\\\\ n\\n t\\t r\\r z\\0 x\\x41\\x00!\"");
	const struct ast_word *w = p.ast->items->u.include;
	static const char expected[] = "q\" b\\ n\n t\t r\r z\0 xA\0!";
	assert_int_equal(w->len, sizeof(expected) - 1);
	assert_memory_equal(w->text, expected, sizeof(expected) - 1);
	parsed_free(&p);

	/* UTF-8 is fine inside strings, and any byte inside comments. */
	parse_ok(&p,
	         "# caf\xc3\xa9 \xff\xfe\ninclude \"caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80\"");
	assert_string_equal(p.ast->items->u.include->text,
	                    "caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80");
	parsed_free(&p);
}

/* ---- locations ----------------------------------------------------------------------- */

static void test_locations(void **state)
{
	(void)state;
	struct parsed p;
	parse_ok(&p, "policy p {\n"
	             "  syscalls {\n"
	             "    deny  ioctl(fd, cmd) if cmd & 0xff == 1\n"
	             "\tallow\tread\n"
	             "  }\n"
	             "  fs {\n"
	             "\t\tro\t/usr\tat /x\n"
	             "  }\n"
	             "}\n");
	const struct ast_policy *pol = policy_at(&p, 0);
	assert_int_equal(pol->loc.line, 1);
	assert_int_equal(pol->loc.col, 8);

	const struct ast_rule *r = rule_at(pol, 0);
	/* The rule spans from its verb to its last token. */
	assert_int_equal(r->loc.line, 3);
	assert_int_equal(r->loc.col, 5);
	assert_int_equal(r->loc.end_line, 3);
	assert_int_equal(r->loc.end_col, 43);
	assert_int_equal(r->action.loc.col, 5);
	/* A target points at its name. */
	assert_int_equal(r->targets->loc.line, 3);
	assert_int_equal(r->targets->loc.col, 11);
	assert_int_equal(r->targets->loc.end_col, 15);
	assert_int_equal(r->targets->argnames->next->loc.col, 21);
	/* Expression nodes span their operands. */
	const struct ast_expr *cmp = r->cond;
	assert_int_equal(cmp->kind, AST_EXPR_CMP);
	assert_int_equal(cmp->loc.col, 29);
	assert_int_equal(cmp->loc.end_col, 43);
	assert_int_equal(cmp->lhs->loc.col, 29);
	assert_int_equal(cmp->lhs->loc.end_col, 38);
	assert_int_equal(cmp->lhs->rhs->loc.col, 35);
	assert_int_equal(cmp->rhs->loc.line, 3);
	assert_int_equal(cmp->rhs->loc.col, 43);

	/* A tab is one column. */
	r = rule_at(pol, 1);
	assert_int_equal(r->loc.line, 4);
	assert_int_equal(r->loc.col, 2);
	assert_int_equal(r->targets->loc.col, 8);
	const struct ast_fs_stmt *ro = section(pol, AST_BODY_FS)->u.fs;
	assert_int_equal(ro->loc.line, 7);
	assert_int_equal(ro->loc.col, 3);
	assert_int_equal(ro->path->loc.line, 7);
	assert_int_equal(ro->path->loc.col, 6);
	assert_int_equal(ro->path->loc.end_col, 9);
	assert_int_equal(ro->at->loc.col, 14);
	/* Every location names the interned file. */
	assert_ptr_equal(ro->path->loc.file, p.ast->path);
	parsed_free(&p);
}

/* ---- errors ------------------------------------------------------------------------- */

static void test_several_errors_in_one_run(void **state)
{
	(void)state;
	struct parsed p;
	parse(&p, "policy a {\n"
	          "  fs { ro /usr bogus /x  ro /ok }\n"
	          "  net nowhere\n"
	          "  syscalls { allow read errno EPERM  allow write }\n"
	          "}\n"
	          "policy b { env { set } process { uid 1 } }\n"
	          "policy c { limits { memory 1G } }\n");
	assert_true(p.errors >= 4);
	assert_message(&p, "test.cell:2:16: error: unexpected identifier 'bogus'");
	assert_message(&p,
	               "test.cell:3:7: error: unexpected identifier 'nowhere', expected 'none', "
	               "'loopback', 'host'");
	assert_message(&p, "test.cell:4:25: error: unexpected 'errno'");
	assert_message(&p, "test.cell:6:22: error: unexpected '}', expected identifier");
	/* Recovery kept the statements after the errors (the statement an error
	 * interrupts is dropped whole, here `ro /usr`). */
	const struct ast_fs_stmt *fs = section(policy_at(&p, 0), AST_BODY_FS)->u.fs;
	assert_string_equal(fs->path->text, "/ok");
	assert_null(fs->next);
	assert_string_equal(rule_at(policy_at(&p, 0), 0)->targets->name, "write");
	const struct ast_process_stmt *uid = section(policy_at(&p, 1), AST_BODY_PROCESS)->u.process;
	assert_int_equal(uid->kind, AST_PROCESS_UID);
	assert_string_equal(policy_at(&p, 2)->name, "c");
	parsed_free(&p);
}

static void test_broken_sections_and_policies_are_skipped(void **state)
{
	(void)state;
	struct parsed p;
	/* An unknown section is skipped to its matching '}' (braces nest);
	 * a misspelled policy too; the rest parses. */
	parse(&p, "policy a {\n"
	          "  sycalls { allow read group @x = { a } }\n"
	          "  fs { ro /usr }\n"
	          "}\n"
	          "polcy b { fs { ro /x } }\n"
	          "policy c { net none }\n");
	assert_int_equal(p.errors, 2);
	assert_message(&p, "2:3: error: unexpected identifier 'sycalls'");
	assert_message(&p, "5:1: error: unexpected identifier 'polcy'");
	assert_string_equal(section(policy_at(&p, 0), AST_BODY_FS)->u.fs->path->text, "/usr");
	assert_string_equal(policy_at(&p, 1)->name, "c");
	parsed_free(&p);
}

static void test_keyword_suggestion(void **state)
{
	(void)state;
	struct parsed p;
	parse(&p, "policy p {\n  syscals { allow read }\n}\n");
	assert_int_equal(p.errors, 1);
	assert_message(&p, "test.cell:2:3: error: unexpected identifier 'syscals', expected "
	                   "'param', 'fs', 'net', 'syscalls', 'limits', 'env', 'process', 'arch', "
	                   "'test', 'lint', 'untrusted', 'description', 'requires', 'fallback', "
	                   "'}'; did you mean 'syscalls'?");
	parsed_free(&p);

	parse(&p, "policy p { fs { ro /a rx /b } }");
	assert_message(&p, "unexpected identifier 'rx'");
	assert_message(&p, "did you mean 'ro'?");
	parsed_free(&p);

	/* Nothing close: no suggestion. */
	parse(&p, "policy p { zzzzzzzz }");
	assert_message(&p, "unexpected identifier 'zzzzzzzz'");
	assert_null(strstr(p.messages, "did you mean"));
	parsed_free(&p);

	/* The unexpected token is quoted printably and briefly. */
	parse(&p, "policy p { \"a\\nb\" }\npolicy q { "
	          "abcdefghijabcdefghijabcdefghijabcdefghijabcdefghij }");
	assert_int_equal(p.errors, 2);
	assert_message(&p, "1:12: error: unexpected string \"a\\x0ab\", expected 'param'");
	assert_message(&p, "2:12: error: unexpected identifier "
	                   "'abcdefghijabcdefghijabcdefghijabcdefghijabcd...'");
	assert_null(strstr(p.messages, "a\nb"));
	parsed_free(&p);

	/* A keyword where a name belongs. */
	parse(&p, "const size = 1");
	assert_message(&p, "1:7: error: unexpected 'size', expected identifier; 'size' is a "
	                   "reserved word");
	parsed_free(&p);
}

static void test_semantic_duplicates_in_syntax(void **state)
{
	(void)state;
	struct parsed p;
	parse(&p, "policy p {\n"
	          "  syscalls { default allow\n"
	          "    default kill }\n"
	          "  fs { tmpfs /t size 1M size 2M }\n"
	          "}");
	assert_int_equal(p.errors, 2);
	assert_message(&p, "3:5: error: a second 'default' in this syscalls section");
	assert_message(&p, "2:14: note: the first 'default' is here");
	assert_message(&p, "4:30: error: 'size' given twice");
	assert_message(&p, "4:22: note: the first 'size' is here");
	/* The first one stays. */
	const struct ast_policy *pol = policy_at(&p, 0);
	assert_int_equal(section(pol, AST_BODY_SYSCALLS)->u.syscalls.default_action->kind,
	                 AST_ACTION_ALLOW);
	assert_string_equal(section(pol, AST_BODY_FS)->u.fs->size->text, "1M");
	parsed_free(&p);
}

static void test_lexical_errors(void **state)
{
	(void)state;
	static const struct {
		const char *text;
		size_t len; /* 0: strlen */
		const char *expected;
	} cases[] = {
	    {"policy p {}\n\x01", 0, "2:1: error: invalid character '\\x01'"},
	    {"policy p { net none; }", 0, "1:20: error: invalid character ';'"},
	    {"policy p {}\n  \0", 15, "2:3: error: NUL byte in the input"},
	    {"# a \0 in a comment\n", 19, "1:5: error: NUL byte in the input"},
	    {"policy p {\n  env { keep CAF\xc3\x89 } }", 0,
	     "2:17: error: non-ASCII byte; names and paths must be ASCII, use a quoted string"},
	    {"include \"ab\xff\"", 0, "1:12: error: invalid UTF-8 in string"},
	    {"include \"\xc3(\"", 0, "1:10: error: invalid UTF-8 in string"},
	    {"include \"\xed\xa0\x80\"", 0, "1:10: error: invalid UTF-8 in string"},
	    {"include \"\xc0\xaf\"", 0, "1:10: error: invalid UTF-8 in string"},
	    {"policy p { fs {\n  file /x \"abc", 0,
	     "2:11: error: unterminated string: end of file"},
	    {"policy p { fs {\n  file /x \"abc\n } }", 0,
	     "2:11: error: unterminated string: newline before the closing"},
	    {"include \"a\\qb\"", 0, "1:11: error: unknown escape '\\q' in string"},
	    {"include \"a\\x4g\"", 0, "1:11: error: '\\x' in a string needs two hex digits"},
	    {"include \"a\x1b[2J\"", 0, "1:11: error: control character '\\x1b' in string"},
	    {"include \"a\\\n\"", 0, "1:11: error: '\\' at the end of a line in a string"},
	    {"policy p { fs { rw $HOME } }", 0, "1:20: error: '$' must start a ${NAME} reference"},
	    {"policy p { fs { rw ${} } }", 0, "1:20: error: '$' must start a ${NAME} reference"},
	    {"policy p { fs { rw ${1X}/a } }", 0,
	     "1:20: error: '$' must start a ${NAME} reference"},
	    {"policy p { fs { rw ${X/a } }", 0, "1:20: error: '$' must start a ${NAME} reference"},
	};
	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		struct parsed p;
		size_t len = cases[i].len ? cases[i].len : strlen(cases[i].text);
		parse_bytes(&p, cases[i].text, len);
		assert_true(p.errors >= 1);
		assert_message(&p, cases[i].expected);
		parsed_free(&p);
	}
}

/* A lexical error does not stop the scan: later errors are reported too. */
static void test_lexer_keeps_going(void **state)
{
	(void)state;
	struct parsed p;
	parse(&p, "policy p {\n"
	          "  fs { ro /a; ro /b }\n"
	          "  env { keep \xc3\xa9 A }\n"
	          "  process { hostname \"x\\q\" }\n"
	          "}\n");
	assert_int_equal(p.errors, 3);
	assert_message(&p, "2:13: error: invalid character ';'");
	assert_message(&p, "3:14: error: non-ASCII byte");
	assert_message(&p, "4:24: error: unknown escape");
	/* The statements around the bad bytes are in the tree. */
	const struct ast_policy *pol = policy_at(&p, 0);
	assert_string_equal(section(pol, AST_BODY_FS)->u.fs->next->path->text, "/b");
	assert_string_equal(section(pol, AST_BODY_ENV)->u.env->names->text, "A");
	parsed_free(&p);
}

static void test_token_length_limit(void **state)
{
	(void)state;
	struct buf text;
	buf_init(&text);
	buf_puts(&text, "policy p { env { keep ");
	for (int i = 0; i < TOKEN_MAX; i++)
		buf_puts(&text, "A");
	buf_puts(&text, " } }");
	struct parsed p;
	parse_ok(&p, buf_cstr(&text)); /* exactly the limit is fine */
	parsed_free(&p);

	buf_reset(&text);
	buf_puts(&text, "policy p { env { keep B");
	for (int i = 0; i < TOKEN_MAX; i++)
		buf_puts(&text, "A");
	buf_puts(&text, " } fs { file /x \"");
	for (int i = 0; i < 2 * TOKEN_MAX; i++)
		buf_puts(&text, "s");
	buf_puts(&text, "\" } }");
	parse(&p, buf_cstr(&text));
	assert_int_equal(p.errors, 2);
	assert_message(&p, "1:23: error: token longer than 4096 bytes");
	assert_message(&p, "error: token longer than 4096 bytes");
	parsed_free(&p);
	buf_free(&text);
}

static char *repeat(const char *prefix, const char *unit, size_t count, const char *suffix)
{
	struct buf b;
	buf_init(&b);
	buf_puts(&b, prefix);
	for (size_t i = 0; i < count; i++)
		buf_puts(&b, unit);
	buf_puts(&b, suffix);
	return buf_cstr(&b);
}

static void test_hostile_nesting_fails_cleanly(void **state)
{
	(void)state;
	static const struct {
		const char *prefix, *unit;
		size_t count;
		const char *suffix, *expected;
	} cases[] = {
	    {"", "(", 100000, "", "1:1: error: unexpected '('"},
	    {"", "{", 100000, "", "1:1: error: unexpected '{'"},
	    {"policy p ", "{", 100000, "", "1:11: error: unexpected '{'"},
	    {"polcy p ", "{", 100000, "", "nested too deeply"},
	    {"policy p { syscalls { allow x if ", "(", 100000, "", "expression nested too deeply"},
	    {"policy p { syscalls { allow x if ", "!", 100000, "a == 1 } }", "nested too deeply"},
	    {"policy p { syscalls { allow x if a", " | a", 100, " == 1 } }",
	     "1:34: error: expression nested too deeply (more than 64 levels)"},
	    {"policy p { syscalls { allow x if ", "!", 70, "a == 1 } }",
	     "expression nested too deeply"},
	};
	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		char *text =
		    repeat(cases[i].prefix, cases[i].unit, cases[i].count, cases[i].suffix);
		struct parsed p;
		parse(&p, text);
		assert_true(p.errors >= 1);
		assert_message(&p, cases[i].expected);
		parsed_free(&p);
		free(text);
	}
}

static void test_parenthesis_depth_limit(void **state)
{
	(void)state;
	char *open = repeat("", "(", 64, ""), *close = repeat("", ")", 64, "");
	char *text = xasprintf("policy p { syscalls { allow x if %sa == 1%s } }", open, close);
	struct parsed p;
	parse_ok(&p, text);
	parsed_free(&p);
	free(text);
	free(open);
	free(close);

	open = repeat("", "(", 65, "");
	close = repeat("", ")", 65, "");
	text = xasprintf("policy p { syscalls { allow x if %sa == 1%s } }", open, close);
	parse(&p, text);
	assert_int_equal(p.errors, 1);
	assert_message(&p, "1:98: error: expression nested too deeply (more than 64 levels)");
	parsed_free(&p);
	free(text);
	free(open);
	free(close);
}

/* Lists are as long as the input makes them: building them stays linear and
 * freeing them does not recurse along `next` (300000 frames would overflow
 * the stack, under ASan certainly). */
static void test_very_long_lists(void **state)
{
	(void)state;
	enum { N = 300000 };
	struct buf b;
	buf_init(&b);
	buf_puts(&b, "policy p { syscalls { allow");
	for (int i = 0; i < N; i++)
		buf_printf(&b, " s%d", i);
	buf_puts(&b, " if x in (0");
	for (int i = 1; i < N; i++)
		buf_puts(&b, ", 0");
	buf_puts(&b, ") } env { keep");
	for (int i = 0; i < N; i++)
		buf_puts(&b, " V");
	buf_puts(&b, " } }");
	struct parsed p;
	parse_ok(&p, buf_cstr(&b));
	const struct ast_rule *r = rule_at(policy_at(&p, 0), 0);
	assert_int_equal(count_targets(r->targets), N);
	assert_string_equal(r->targets->name, "s0");
	const struct ast_target *last = r->targets;
	while (last->next)
		last = last->next;
	char *name = xasprintf("s%d", N - 1);
	assert_string_equal(last->name, name);
	free(name);
	parsed_free(&p);
	buf_free(&b);
}

static void test_empty_input(void **state)
{
	(void)state;
	static const char *const texts[] = {"", "   \n\t\n", "# only a comment", "# a\n# b\n"};
	for (size_t i = 0; i < ARRAY_SIZE(texts); i++) {
		struct parsed p;
		parse_ok(&p, texts[i]);
		assert_null(p.ast->items);
		assert_string_equal(p.messages ? p.messages : "", "");
		parsed_free(&p);
	}
}

/* Policies are small: a huge input is refused before scanning. */
static void test_oversized_input_is_refused(void **state)
{
	(void)state;
	size_t len = (64u << 20) + 1;
	char *text = xmalloc(len);
	memset(text, ' ', len);
	char *messages = NULL;
	size_t messages_len = 0;
	FILE *out = open_memstream(&messages, &messages_len);
	struct diag_ctx *d = diag_new(out);
	const char *path = diag_intern(d, "big.cell");
	struct ast_file *f = parse_policy_text(d, path, text, len);
	assert_non_null(f);
	assert_null(f->items);
	assert_int_equal(diag_error_count(d), 1);
	fflush(out);
	assert_non_null(strstr(messages, "big.cell: error: policy file is 67108865 bytes; the "
	                                 "limit is 64 MiB"));
	ast_file_free(f);
	diag_free(d);
	fclose(out);
	free(messages);
	free(text);
}

/* ---- the bad-input corpus ----------------------------------------------------------- */

static bool is_syntax_case(const char *name)
{
	size_t len = strlen(name);
	return strncmp(name, "syntax_", 7) == 0 && len > 5 && strcmp(name + len - 5, ".cell") == 0;
}

/* Every tests/bad/syntax_*.cell starts with `# expect: TEXT`; parsing it must
 * print a diagnostic containing TEXT (the same check the integration driver
 * makes on `cell compile`). */
static void test_bad_input_corpus(void **state)
{
	(void)state;
	const char *dir_path = CELL_SOURCE_DIR "/tests/bad";
	DIR *dir = opendir(dir_path);
	assert_non_null(dir);
	int checked = 0;
	for (struct dirent *ent; (ent = readdir(dir));) {
		if (!is_syntax_case(ent->d_name))
			continue;
		char *path = xasprintf("%s/%s", dir_path, ent->d_name);
		char *data;
		size_t len;
		assert_int_equal(read_file(path, &data, &len), 0);
		const char *prefix = "# expect: ";
		assert_true(len > strlen(prefix));
		assert_memory_equal(data, prefix, strlen(prefix));
		const char *start = data + strlen(prefix);
		const char *eol = memchr(start, '\n', len - strlen(prefix));
		assert_non_null(eol);
		char *expected = xstrndup(start, (size_t)(eol - start));

		struct parsed p;
		parse_bytes(&p, data, len);
		if (p.errors == 0 || !strstr(p.messages, expected))
			print_message("%s: expected a diagnostic containing '%s', got:\n%s\n",
			              ent->d_name, expected, p.messages);
		assert_true(p.errors >= 1);
		assert_non_null(strstr(p.messages, expected));
		parsed_free(&p);
		free(expected);
		free(data);
		free(path);
		checked++;
	}
	closedir(dir);
	assert_true(checked >= 12);
}

/* ast_reserved_words (what the YAML front end and the formatter refuse as a
 * name) is the lexer's keyword table: each word is refused where a name is
 * wanted while the same word with a letter added is accepted, and
 * grammar/lexer.l lists no word the table lacks. */
static void test_reserved_words_are_the_lexers(void **state)
{
	(void)state;
	assert_true(ast_reserved_word_count >= 60);
	for (size_t i = 0; i < ast_reserved_word_count; i++) {
		const char *w = ast_reserved_words[i];
		assert_true(ast_is_reserved(w, strlen(w)));
		char *text = xasprintf("policy p { process { hostname %s } }\n", w);
		struct parsed p;
		parse(&p, text);
		if (p.errors == 0)
			print_message("'%s' lexed as a name\n", w);
		assert_true(p.errors > 0);
		parsed_free(&p);
		free(text);
		text = xasprintf("policy p { process { hostname %sx } }\n", w);
		assert_false(ast_is_reserved(strstr(text, w), strlen(w) + 1));
		parse_ok(&p, text);
		parsed_free(&p);
		free(text);
	}

	char *path = xasprintf("%s/grammar/lexer.l", CELL_SOURCE_DIR);
	char *lexer = NULL;
	size_t len = 0;
	assert_int_equal(read_file(path, &lexer, &len), 0);
	const char *at = strstr(lexer, "} keywords[] = {");
	assert_non_null(at);
	const char *end = strstr(at, "};");
	assert_non_null(end);
	size_t count = 0;
	while ((at = strstr(at, "{\"")) && at < end) {
		at += 2;
		const char *close = strchr(at, '"');
		assert_non_null(close);
		if (!ast_is_reserved(at, (size_t)(close - at)))
			print_message("lexer keyword '%.*s' is not in ast_reserved_words\n",
			              (int)(close - at), at);
		assert_true(ast_is_reserved(at, (size_t)(close - at)));
		count++;
	}
	assert_int_equal(count, ast_reserved_word_count);
	free(lexer);
	free(path);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_example_parses_to_the_expected_tree),
	    cmocka_unit_test(test_example_word_kinds_and_values),
	    cmocka_unit_test(test_fs_statement_kinds),
	    cmocka_unit_test(test_rule_shapes),
	    cmocka_unit_test(test_default_actions),
	    cmocka_unit_test(test_keywords_as_syscall_names),
	    cmocka_unit_test(test_expression_precedence),
	    cmocka_unit_test(test_in_lists),
	    cmocka_unit_test(test_limits_env_process_net_arch),
	    cmocka_unit_test(test_bases_groups_include_const),
	    cmocka_unit_test(test_string_escapes),
	    cmocka_unit_test(test_locations),
	    cmocka_unit_test(test_several_errors_in_one_run),
	    cmocka_unit_test(test_broken_sections_and_policies_are_skipped),
	    cmocka_unit_test(test_keyword_suggestion),
	    cmocka_unit_test(test_semantic_duplicates_in_syntax),
	    cmocka_unit_test(test_lexical_errors),
	    cmocka_unit_test(test_lexer_keeps_going),
	    cmocka_unit_test(test_token_length_limit),
	    cmocka_unit_test(test_hostile_nesting_fails_cleanly),
	    cmocka_unit_test(test_parenthesis_depth_limit),
	    cmocka_unit_test(test_very_long_lists),
	    cmocka_unit_test(test_empty_input),
	    cmocka_unit_test(test_oversized_input_is_refused),
	    cmocka_unit_test(test_bad_input_corpus),
	    cmocka_unit_test(test_reserved_words_are_the_lexers),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}

/*
 * Unit tests for the language's lexical rules and tree comparison in
 * compiler/ast.c: ast_lex_kind and ast_name_check, which the YAML front end
 * and both printers use instead of the scanner, and ast_dump_shape and
 * ast_same_tree, which `cell fmt`'s read-back check and the twin tests use.
 *
 * The lexical cases are checked against grammar/lexer.l itself: every word
 * ast_lex_kind calls one token is parsed as a constant's value, and the
 * parser must give it that kind.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ast.h"

/* ---- harness ------------------------------------------------------------------ */

struct parsed {
	struct diag_ctx *diag;
	FILE *out;
	char *messages;
	size_t messages_len;
	struct ast_file *ast;
};

static void parse(struct parsed *p, const char *text)
{
	memset(p, 0, sizeof(*p));
	p->out = open_memstream(&p->messages, &p->messages_len);
	assert_non_null(p->out);
	p->diag = diag_new(p->out);
	const char *path = diag_add_source(p->diag, "t.cell", text, strlen(text));
	p->ast = parse_policy_text(p->diag, path, text, strlen(text));
	fflush(p->out);
	if (diag_error_count(p->diag))
		print_message("unexpected errors:\n%s\nin:\n%s\n", p->messages, text);
	assert_int_equal(diag_error_count(p->diag), 0);
}

static void parsed_free(struct parsed *p)
{
	ast_file_free(p->ast);
	diag_free(p->diag);
	fclose(p->out);
	free(p->messages);
}

/* ---- ast_lex_kind --------------------------------------------------------------- */

struct lexed {
	const char *text;
	size_t len; /* 0: strlen(text) */
	int kind;
};

static const struct lexed lex_cases[] = {
    {"/usr/lib", 0, AST_WORD_PATH},
    {"/", 0, AST_WORD_PATH},
    {"${HOME}", 0, AST_WORD_PATH},
    {"${HOME}/.cache", 0, AST_WORD_PATH},
    {"/home/${USER}/x@y:1,2+~%", 0, AST_WORD_PATH},
    {"lib/x", 0, AST_WORD_PATH},
    {"1/2", 0, AST_WORD_PATH},
    {"read", 0, AST_WORD_IDENT},
    {"_a.b-c9", 0, AST_WORD_IDENT},
    {"policy", 0, AST_WORD_IDENT}, /* a keyword is an identifier's spelling */
    {"10M", 0, AST_WORD_NUMBER},
    {"0x1f", 0, AST_WORD_NUMBER},
    {"1.5", 0, AST_WORD_NUMBER},
    {"50%", 0, AST_WORD_NUMBER},
    {"", 0, -1},
    {"a b", 0, -1},
    {"-x", 0, -1},
    {".x", 0, -1},
    {"@group", 0, -1},
    {"$HOME", 0, -1},
    {"${1}", 0, -1},
    {"${HOME", 0, -1},
    {"/a b", 0, -1},
    {"/a\"", 0, -1},
    {"1-2", 0, -1},
    {"read\0x", 5, -1}, /* a NUL is no token's */
    {"/usr\0", 5, -1},
    {"12\0", 3, -1},
};

static size_t case_len(const struct lexed *c)
{
	return c->len ? c->len : strlen(c->text);
}

static void test_lex_kind(void **state)
{
	(void)state;
	for (size_t i = 0; i < ARRAY_SIZE(lex_cases); i++) {
		const struct lexed *c = &lex_cases[i];
		int got = ast_lex_kind(c->text, case_len(c));
		if (got != c->kind)
			print_message("'%s': want %d, got %d\n", c->text, c->kind, got);
		assert_int_equal(got, c->kind);
	}
}

/* The scanner agrees: each one-token word, as a constant's value, is one
 * word of that kind. */
static void test_lex_kind_is_the_lexers(void **state)
{
	(void)state;
	for (size_t i = 0; i < ARRAY_SIZE(lex_cases); i++) {
		const struct lexed *c = &lex_cases[i];
		if (c->kind < 0 || ast_is_reserved(c->text, case_len(c)))
			continue;
		char *text = xasprintf("const X = %s\n", c->text);
		struct parsed p;
		parse(&p, text);
		const struct ast_item *it = p.ast->items;
		assert_non_null(it);
		assert_int_equal(it->kind, AST_ITEM_CONST);
		const struct ast_word *w = it->u.constant.value;
		assert_non_null(w);
		assert_null(w->next);
		assert_int_equal(w->kind, c->kind);
		assert_string_equal(w->text, c->text);
		parsed_free(&p);
		free(text);
	}
}

static void test_spans(void **state)
{
	(void)state;
	assert_int_equal(ast_ident_span("abc def", 7), 3);
	assert_int_equal(ast_ident_span("9abc", 4), 0);
	assert_int_equal(ast_ident_span("abc", 2), 2); /* never past len */
	assert_int_equal(ast_number_span("10M,", 4), 3);
	assert_int_equal(ast_number_span("x1", 2), 0);
	assert_int_equal(ast_group_name_span("basic-io.x", 10), 8);
	assert_int_equal(ast_group_name_span("9_a", 3), 3);
}

/* ---- ast_name_check ------------------------------------------------------------- */

static enum ast_name_fault check(const char *s, enum ast_name_rule rule)
{
	return ast_name_check(s, strlen(s), rule);
}

static void test_name_check(void **state)
{
	(void)state;
	assert_int_equal(check("read", AST_NAME_PLAIN), AST_NAME_OK);
	assert_int_equal(check("a.b-c", AST_NAME_PLAIN), AST_NAME_OK);
	assert_int_equal(check("", AST_NAME_PLAIN), AST_NAME_MALFORMED);
	assert_int_equal(check("1abc", AST_NAME_PLAIN), AST_NAME_MALFORMED);
	assert_int_equal(check("a b", AST_NAME_SYSCALL), AST_NAME_MALFORMED);
	assert_int_equal(check("policy", AST_NAME_PLAIN), AST_NAME_RESERVED);
	assert_int_equal(check("policy", AST_NAME_SYSCALL), AST_NAME_RESERVED);
	/* The syscalls spelled like keywords. */
	const char *both[] = {"kill", "time", "link"};
	for (size_t i = 0; i < ARRAY_SIZE(both); i++) {
		assert_int_equal(check(both[i], AST_NAME_PLAIN), AST_NAME_RESERVED);
		assert_int_equal(check(both[i], AST_NAME_SYSCALL), AST_NAME_OK);
	}
	assert_int_equal(check("kil", AST_NAME_PLAIN), AST_NAME_OK);
	assert_int_equal(ast_name_check("kill", 3, AST_NAME_PLAIN), AST_NAME_OK);
	/* Groups: letters, digits, '_' and '-', keywords included. */
	assert_int_equal(check("basic-io", AST_NAME_GROUP), AST_NAME_OK);
	assert_int_equal(check("9p", AST_NAME_GROUP), AST_NAME_OK);
	assert_int_equal(check("policy", AST_NAME_GROUP), AST_NAME_OK);
	assert_int_equal(check("a.b", AST_NAME_GROUP), AST_NAME_MALFORMED);
	assert_int_equal(check("", AST_NAME_GROUP), AST_NAME_MALFORMED);
}

static void test_name_length_limit(void **state)
{
	(void)state;
	char *s = xmalloc(AST_TOKEN_MAX + 2);
	memset(s, 'a', AST_TOKEN_MAX + 1);
	s[AST_TOKEN_MAX + 1] = '\0';
	assert_int_equal(ast_name_check(s, AST_TOKEN_MAX, AST_NAME_PLAIN), AST_NAME_OK);
	assert_int_equal(ast_name_check(s, AST_TOKEN_MAX + 1, AST_NAME_PLAIN), AST_NAME_TOO_LONG);
	assert_int_equal(ast_name_check(s, AST_TOKEN_MAX + 1, AST_NAME_GROUP), AST_NAME_TOO_LONG);
	/* A malformed name is reported as such, whatever its length. */
	s[AST_TOKEN_MAX] = ' ';
	assert_int_equal(ast_name_check(s, AST_TOKEN_MAX + 1, AST_NAME_PLAIN), AST_NAME_MALFORMED);
	free(s);
}

/* ---- ast_dump_shape and ast_same_tree ----------------------------------------------- */

static char *shape_of(const struct ast_file *f)
{
	struct buf b;
	buf_init(&b);
	ast_dump_shape(f, &b);
	char *s = xstrdup(buf_cstr(&b));
	buf_free(&b);
	return s;
}

static void test_shape_is_the_dump_without_locations(void **state)
{
	(void)state;
	struct parsed p;
	parse(&p, "policy p {\n  syscalls {\n    allow read if fd == 1 because \"x @1:2\"\n"
	          "  }\n  net none\n}\n");
	char *shape = shape_of(p.ast);
	assert_string_equal(shape, "policy p\n"
	                           "  syscalls\n"
	                           "    rule allow because \"x @1:2\"\n"
	                           "      target read\n"
	                           "      if\n"
	                           "        cmp ==\n"
	                           "          ident fd\n"
	                           "          number 1\n"
	                           "  net none\n");
	struct buf dump;
	buf_init(&dump);
	ast_dump(p.ast, &dump);
	assert_string_equal(buf_cstr(&dump), "file t.cell\n"
	                                     "policy p @1:8\n"
	                                     "  syscalls @2:3\n"
	                                     "    rule allow because \"x @1:2\" @3:5\n"
	                                     "      target read @3:11\n"
	                                     "      if\n"
	                                     "        cmp == @3:19\n"
	                                     "          ident fd @3:19\n"
	                                     "          number 1 @3:25\n"
	                                     "  net none @5:3\n");
	buf_free(&dump);
	free(shape);
	parsed_free(&p);
}

static void test_same_tree(void **state)
{
	(void)state;
	struct parsed a, b, c;
	parse(&a, "policy p {\n  fs { ro /usr }\n}\n");
	parse(&b, "# a comment\n\n\npolicy   p{fs{\nro   /usr}}");
	parse(&c, "policy p {\n  fs { rw /usr }\n}\n");
	assert_true(ast_same_tree(a.ast, a.ast));
	assert_true(ast_same_tree(a.ast, b.ast));
	assert_false(ast_same_tree(a.ast, c.ast));
	assert_false(ast_same_tree(c.ast, b.ast));
	parsed_free(&a);
	parsed_free(&b);
	parsed_free(&c);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_lex_kind),
	    cmocka_unit_test(test_lex_kind_is_the_lexers),
	    cmocka_unit_test(test_spans),
	    cmocka_unit_test(test_name_check),
	    cmocka_unit_test(test_name_length_limit),
	    cmocka_unit_test(test_shape_is_the_dump_without_locations),
	    cmocka_unit_test(test_same_tree),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}

/* Unit tests for diagnostics: message shape, caret placement, suggestions. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "diag.h"

static char *capture(void (*fn)(struct diag_ctx *))
{
	char *data = NULL;
	size_t len = 0;
	FILE *out = open_memstream(&data, &len);
	struct diag_ctx *d = diag_new(out);
	fn(d);
	diag_free(d);
	fclose(out);
	return data;
}

static void report_unknown_syscall(struct diag_ctx *d)
{
	const char *src = "policy p {\n  syscalls {\n\tallow opnat\n  }\n}\n";
	const char *path = diag_add_source(d, "bad.cell", src, strlen(src));
	struct src_loc loc = {path, 3, 8, 3, 12};
	diag_error(d, loc, "unknown syscall '%s'; did you mean '%s'?", "opnat", "openat");
	assert_int_equal(diag_error_count(d), 1);
}

static void test_error_has_location_line_and_caret(void **state)
{
	(void)state;
	char *out = capture(report_unknown_syscall);
	assert_string_equal(out,
	                    "bad.cell:3:8: error: unknown syscall 'opnat'; did you mean 'openat'?\n"
	                    "  \tallow opnat\n"
	                    "  \t      ^~~~~\n");
	free(out);
}

/* `x "été" opnat`: columns count bytes (opnat starts at byte 13), the caret
 * counts characters (opnat is the 11th). */
static const char utf8_src[] = "policy p {\n  x \"\xc3\xa9t\xc3\xa9\" opnat\n}\n";

static void report_after_non_ascii(struct diag_ctx *d)
{
	const char *path = diag_add_source(d, "u.cell", utf8_src, strlen(utf8_src));
	diag_error(d, (struct src_loc){path, 2, 13, 2, 17}, "unknown syscall 'opnat'");
}

static void test_caret_counts_characters_not_bytes(void **state)
{
	(void)state;
	char *out = capture(report_after_non_ascii);
	assert_string_equal(out, "u.cell:2:13: error: unknown syscall 'opnat'\n"
	                         "    x \"\xc3\xa9t\xc3\xa9\" opnat\n"
	                         "            ^~~~~\n");
	free(out);
}

/* A span over non-ASCII text: one tilde per character after the caret's. */
static void report_non_ascii_span(struct diag_ctx *d)
{
	const char *path = diag_add_source(d, "u.cell", utf8_src, strlen(utf8_src));
	diag_error(d, (struct src_loc){path, 2, 5, 2, 11}, "bad string");
}

static void test_tildes_count_characters(void **state)
{
	(void)state;
	char *out = capture(report_non_ascii_span);
	assert_string_equal(out, "u.cell:2:5: error: bad string\n"
	                         "    x \"\xc3\xa9t\xc3\xa9\" opnat\n"
	                         "      ^~~~~\n");
	free(out);
}

/* What lint prints under its findings: the same line and caret, coloured on
 * request, and nothing for a file the context has no text for. */
static void test_print_source_directly(void **state)
{
	(void)state;
	char *data = NULL;
	size_t len = 0;
	FILE *out = open_memstream(&data, &len);
	struct diag_ctx *d = diag_new(out);
	const char *path = diag_add_source(d, "u.cell", utf8_src, strlen(utf8_src));
	const char *bare = diag_intern(d, "bare.cell");
	diag_print_source(out, d, (struct src_loc){path, 2, 13, 2, 13}, true);
	diag_print_source(out, d, (struct src_loc){bare, 1, 1, 1, 1}, true);
	diag_print_source(out, d, (struct src_loc){path, 9, 1, 9, 1}, false);
	diag_print_source(out, NULL, (struct src_loc){path, 2, 13, 2, 13}, false);
	diag_print_location(out, (struct src_loc){path, 0, 0, 0, 0});
	diag_print_location(out, (struct src_loc){0});
	diag_print_sanitized(out, "a\tb\nc\x1b\x7f", true);
	diag_print_sanitized(out, "a\tb\nc\x1b\x7f", false);
	fclose(out);
	assert_string_equal(data, "    x \"\xc3\xa9t\xc3\xa9\" opnat\n"
	                          "            \033[1;32m^\033[0m\n"
	                          "u.cell: cell: "
	                          "a\tb\nc\\x1b\\x7f"
	                          "a\\x09b\\x0ac\\x1b\\x7f");
	diag_free(d);
	free(data);
}

static void report_control_chars(struct diag_ctx *d)
{
	struct src_loc loc = {0};
	diag_warning(d, loc, "name '%s'", "a\x1b[2Jb");
	assert_int_equal(diag_warning_count(d), 1);
	assert_int_equal(diag_error_count(d), 0);
}

static void test_control_characters_are_escaped(void **state)
{
	(void)state;
	char *out = capture(report_control_chars);
	assert_string_equal(out, "cell: warning: name 'a\\x1b[2Jb'\n");
	free(out);
}

static void test_suggestions(void **state)
{
	(void)state;
	const char *const names[] = {"openat", "open", "read", "readv", "socket"};
	assert_string_equal(diag_suggest("opnat", names, 5), "openat");
	assert_string_equal(diag_suggest("socekt", names, 5), "socket");
	assert_null(diag_suggest("zzzzzz", names, 5));
	assert_int_equal(diag_edit_distance("ab", "ba"), 1);
	assert_int_equal(diag_edit_distance("", "abc"), 3);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_error_has_location_line_and_caret),
	    cmocka_unit_test(test_caret_counts_characters_not_bytes),
	    cmocka_unit_test(test_tildes_count_characters),
	    cmocka_unit_test(test_print_source_directly),
	    cmocka_unit_test(test_control_characters_are_escaped),
	    cmocka_unit_test(test_suggestions),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}

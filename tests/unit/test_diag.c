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
	    cmocka_unit_test(test_control_characters_are_escaped),
	    cmocka_unit_test(test_suggestions),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}

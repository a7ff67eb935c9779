/* Unit tests for util: the one JSON string writer every JSON output uses. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdlib.h>
#include <string.h>

#include "util.h"

static char *json_of(const char *s)
{
	struct buf b;
	buf_init(&b);
	buf_put_json_string(&b, s);
	return buf_cstr(&b); /* the buffer's data, freed by the caller */
}

static void check(const char *in, const char *want)
{
	char *got = json_of(in);
	assert_string_equal(got, want);
	free(got);
}

static void test_quotes_and_control_characters(void **state)
{
	(void)state;
	check("", "\"\"");
	check("a\"b\\c", "\"a\\\"b\\\\c\"");
	check("\n\t\r", "\"\\n\\t\\r\"");
	check("\x01\x08\x0c\x1b[2J\x1f\x7f", "\"\\u0001\\u0008\\u000c\\u001b[2J\\u001f\\u007f\"");
	check(NULL, "null");
}

static void test_valid_utf8_passes(void **state)
{
	(void)state;
	/* é (2 bytes), € (3), U+10FFFF (4, the last), 😀 (4) */
	check("\xc3\xa9 \xe2\x82\xac \xf4\x8f\xbf\xbf \xf0\x9f\x98\x80",
	      "\"\xc3\xa9 \xe2\x82\xac \xf4\x8f\xbf\xbf \xf0\x9f\x98\x80\"");
}

static void test_invalid_utf8_becomes_replacement_characters(void **state)
{
	(void)state;
#define FFFD "\xef\xbf\xbd"
	check("a\xff"
	      "b",
	      "\"a" FFFD "b\"");       /* a byte that never appears in UTF-8 */
	check("\x80", "\"" FFFD "\""); /* a lone continuation byte */
	check("\xc3"
	      "x",
	      "\"" FFFD "x\"");                                   /* a sequence cut short */
	check("\xe2\x82", "\"" FFFD FFFD "\"");                   /* cut short by the end */
	check("\xc0\xaf", "\"" FFFD FFFD "\"");                   /* overlong '/' */
	check("\xe0\x80\xaf", "\"" FFFD FFFD FFFD "\"");          /* overlong, 3 bytes */
	check("\xed\xa0\x80", "\"" FFFD FFFD FFFD "\"");          /* a UTF-16 surrogate */
	check("\xf4\x90\x80\x80", "\"" FFFD FFFD FFFD FFFD "\""); /* past U+10FFFF */
	check("\xc3\"", "\"" FFFD "\\\"\""); /* the quote after a cut sequence is escaped */
#undef FFFD
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_quotes_and_control_characters),
	    cmocka_unit_test(test_valid_utf8_passes),
	    cmocka_unit_test(test_invalid_utf8_becomes_replacement_characters),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}

/* Unit tests for quantities: units, exactness, overflow, error texts. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <string.h>

#include "quantity.h"

static uint64_t ok(const char *text, enum quantity_kind kind)
{
	char err[256] = "";
	uint64_t v = 0;
	if (!quantity_parse(text, kind, &v, err, sizeof(err)))
		fail_msg("'%s' was refused: %s", text, err);
	return v;
}

static void refused(const char *text, enum quantity_kind kind, const char *expected)
{
	char err[256] = "";
	uint64_t v = 0;
	if (quantity_parse(text, kind, &v, err, sizeof(err)))
		fail_msg("'%s' was accepted as %llu", text, (unsigned long long)v);
	if (!strstr(err, expected))
		fail_msg("'%s': message '%s' lacks '%s'", text, err, expected);
}

static void test_integers(void **state)
{
	(void)state;
	assert_int_equal(ok("42", QUANTITY_INTEGER), 42);
	assert_int_equal(ok("0x5412", QUANTITY_INTEGER), 0x5412);
	assert_int_equal(ok("0755", QUANTITY_INTEGER), 0755);
	assert_int_equal(ok("0", QUANTITY_INTEGER), 0);
	assert_true(ok("18446744073709551615", QUANTITY_INTEGER) == UINT64_MAX);
	assert_true(ok("0xffffffffffffffff", QUANTITY_INTEGER) == UINT64_MAX);
	refused("18446744073709551616", QUANTITY_INTEGER, "too large");
	refused("0x1ffffffffffffffff", QUANTITY_INTEGER, "too large");
	refused("089", QUANTITY_INTEGER, "octal");
	refused("0x", QUANTITY_INTEGER, "no digits");
	refused("12abc", QUANTITY_INTEGER, "not a number");
	refused("64M", QUANTITY_INTEGER, "not a number");
}

static void test_bytes(void **state)
{
	(void)state;
	assert_int_equal(ok("512", QUANTITY_BYTES), 512);
	assert_int_equal(ok("64K", QUANTITY_BYTES), 64 * 1024);
	assert_int_equal(ok("512M", QUANTITY_BYTES), 512ULL << 20);
	assert_int_equal(ok("2G", QUANTITY_BYTES), 2ULL << 30);
	assert_int_equal(ok("1T", QUANTITY_BYTES), 1ULL << 40);
	assert_int_equal(ok("1.5G", QUANTITY_BYTES), 3ULL << 29);
	assert_int_equal(ok("0.5K", QUANTITY_BYTES), 512);
	refused("1.0001K", QUANTITY_BYTES, "whole number");
	refused("64Q", QUANTITY_BYTES, "unknown unit 'Q'");
	refused("64m", QUANTITY_BYTES, "unknown unit 'm'");
	refused("99999999999T", QUANTITY_BYTES, "too large");
	refused("1.", QUANTITY_BYTES, "no digits after the decimal point");
	refused("0x10M", QUANTITY_BYTES, "decimal");
}

static void test_durations(void **state)
{
	(void)state;
	assert_int_equal(ok("500ms", QUANTITY_DURATION_MS), 500);
	assert_int_equal(ok("30s", QUANTITY_DURATION_MS), 30000);
	assert_int_equal(ok("1.5s", QUANTITY_DURATION_MS), 1500);
	assert_int_equal(ok("5m", QUANTITY_DURATION_MS), 300000);
	assert_int_equal(ok("2h", QUANTITY_DURATION_MS), 7200000);
	refused("30", QUANTITY_DURATION_MS, "needs a unit");
	refused("30M", QUANTITY_DURATION_MS, "unknown unit 'M'");
	refused("1.0005s", QUANTITY_DURATION_MS, "whole number");
}

static void test_cores_and_modes(void **state)
{
	(void)state;
	assert_int_equal(ok("1.5", QUANTITY_MILLICORES), 1500);
	assert_int_equal(ok("2", QUANTITY_MILLICORES), 2000);
	assert_int_equal(ok("150%", QUANTITY_MILLICORES), 1500);
	assert_int_equal(ok("0.25", QUANTITY_MILLICORES), 250);
	refused("1.5s", QUANTITY_MILLICORES, "unknown unit 's'");
	assert_int_equal(ok("0755", QUANTITY_MODE), 0755);
	assert_int_equal(ok("01777", QUANTITY_MODE), 01777);
	refused("755", QUANTITY_MODE, "leading 0");
	refused("017777", QUANTITY_MODE, "0000 to 07777");
	refused("0789", QUANTITY_MODE, "octal");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_integers),
	    cmocka_unit_test(test_bytes),
	    cmocka_unit_test(test_durations),
	    cmocka_unit_test(test_cores_and_modes),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}

/* Unit tests for SHA-256: the FIPS 180-2 vectors, streaming in odd pieces, and
 * every padding boundary against the system's sha256sum as an independent
 * implementation. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "sha256.h"

static void assert_digest_hex(const void *data, size_t len, const char *expected)
{
	uint8_t digest[SHA256_DIGEST_SIZE];
	char hex[SHA256_HEX_SIZE];
	sha256(data, len, digest);
	sha256_to_hex(digest, hex);
	assert_string_equal(hex, expected);
}

/* FIPS 180-2, appendix B.1 ... B.3, and the empty message. */
static void test_empty_message(void **state)
{
	(void)state;
	assert_digest_hex("", 0,
	                  "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
}

static void test_abc(void **state)
{
	(void)state;
	assert_digest_hex("abc", 3,
	                  "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
}

static void test_448_bit_message(void **state)
{
	(void)state;
	const char *msg = "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq";
	assert_int_equal(strlen(msg) * 8, 448);
	assert_digest_hex(msg, strlen(msg),
	                  "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1");
}

static void test_million_a(void **state)
{
	(void)state;
	size_t len = 1000000;
	char *msg = malloc(len);
	assert_non_null(msg);
	memset(msg, 'a', len);
	assert_digest_hex(msg, len,
	                  "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0");

	/* The same message fed in pieces that straddle block boundaries. */
	struct sha256_ctx ctx;
	sha256_init(&ctx);
	size_t done = 0;
	for (size_t piece = 1; done < len; piece = piece * 3 % 997 + 1) {
		size_t n = piece < len - done ? piece : len - done;
		sha256_update(&ctx, msg + done, n);
		done += n;
	}
	uint8_t digest[SHA256_DIGEST_SIZE];
	char hex[SHA256_HEX_SIZE];
	sha256_final(&ctx, digest);
	sha256_to_hex(digest, hex);
	assert_string_equal(hex,
	                    "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0");
	free(msg);
}

/* Runs sha256sum on `data` through a temporary file and returns its hex. */
static void system_sha256(const uint8_t *data, size_t len, char hex[SHA256_HEX_SIZE])
{
	char path[] = "/tmp/cell-sha256-XXXXXX";
	int fd = mkstemp(path);
	assert_true(fd >= 0);
	assert_int_equal(write(fd, data, len), (ssize_t)len);
	close(fd);
	char *cmd = NULL;
	assert_true(asprintf(&cmd, "sha256sum %s", path) > 0);
	FILE *p = popen(cmd, "r");
	assert_non_null(p);
	assert_int_equal(fread(hex, 1, SHA256_HEX_SIZE - 1, p), SHA256_HEX_SIZE - 1);
	hex[SHA256_HEX_SIZE - 1] = '\0';
	assert_int_equal(pclose(p), 0);
	unlink(path);
	free(cmd);
}

static void test_padding_boundaries_match_sha256sum(void **state)
{
	(void)state;
	if (access("/usr/bin/sha256sum", X_OK) != 0)
		skip();
	/* Lengths around 55/56 (length field fits or spills) and 64 (whole block). */
	static const size_t lengths[] = {1, 54, 55, 56, 57, 63, 64, 65, 119, 120, 128, 1000};
	uint8_t data[1000];
	for (size_t i = 0; i < sizeof(data); i++)
		data[i] = (uint8_t)(i * 131 + 7);
	for (size_t i = 0; i < sizeof(lengths) / sizeof(lengths[0]); i++) {
		char expected[SHA256_HEX_SIZE], got[SHA256_HEX_SIZE];
		uint8_t digest[SHA256_DIGEST_SIZE];
		system_sha256(data, lengths[i], expected);
		sha256(data, lengths[i], digest);
		sha256_to_hex(digest, got);
		assert_string_equal(got, expected);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_empty_message),
	    cmocka_unit_test(test_abc),
	    cmocka_unit_test(test_448_bit_message),
	    cmocka_unit_test(test_million_a),
	    cmocka_unit_test(test_padding_boundaries_match_sha256sum),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}

/*
 * sha256.h - SHA-256 (FIPS 180-4), small and self-contained.
 *
 * The compiler writes the digest of every bundle piece into the manifest;
 * the runtime recomputes it and refuses a set that does not match. Both
 * compile this same file, and the runtime links nothing but libc, so this
 * module depends on <stdint.h>, <stddef.h> and <string.h> only: no util.h,
 * no allocation, no error paths.
 *
 * Streaming use: sha256_init(), any number of sha256_update(), then
 * sha256_final(). sha256() does the three at once.
 */
#ifndef CELL_SHA256_H
#define CELL_SHA256_H

#include <stddef.h>
#include <stdint.h>

#define SHA256_DIGEST_SIZE 32
#define SHA256_BLOCK_SIZE  64
/* A digest as lowercase hex, plus the terminating NUL. */
#define SHA256_HEX_SIZE (2 * SHA256_DIGEST_SIZE + 1)

struct sha256_ctx {
	uint32_t state[8];
	uint64_t total_bytes;               /* message length so far */
	uint8_t pending[SHA256_BLOCK_SIZE]; /* bytes waiting for a full block */
	size_t n_pending;
};

void sha256_init(struct sha256_ctx *ctx);
void sha256_update(struct sha256_ctx *ctx, const void *data, size_t len);
/* Writes the digest and wipes the context; it must be re-initialised before
 * it is used again. */
void sha256_final(struct sha256_ctx *ctx, uint8_t digest[SHA256_DIGEST_SIZE]);

void sha256(const void *data, size_t len, uint8_t digest[SHA256_DIGEST_SIZE]);
/* Lowercase hex of a digest into `hex` (SHA256_HEX_SIZE bytes). */
void sha256_to_hex(const uint8_t digest[SHA256_DIGEST_SIZE], char hex[SHA256_HEX_SIZE]);

#endif

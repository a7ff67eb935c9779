/*
 * fuzz_bundle.c - libFuzzer target for cellrun's parsers: the manifest, the
 * `.limits` piece and the `.landlock` piece. The first byte picks the parser,
 * the rest is the text. cellrun refuses bundles others could write, but a
 * bundle is still input from another program: a crash, leak or sanitizer
 * report is a bug, a refusal is expected.
 */
#include "manifest.h"
#include "rt_limits.h"
#include "tier.h"

#include <stdint.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size == 0)
		return 0;
	const char *text = (const char *)data + 1;
	size_t len = size - 1;
	char err[512];
	switch (data[0] % 3) {
	case 0: {
		struct rt_bundle b;
		memset(&b, 0, sizeof(b));
		rt_manifest_parse(text, len, &b, err, sizeof(err));
		rt_bundle_free(&b);
		break;
	}
	case 1: {
		struct rt_limits l;
		rt_limits_parse(text, len, &l, err, sizeof(err));
		break;
	}
	default: {
		struct rt_ll_piece p;
		memset(&p, 0, sizeof(p));
		if (rt_ll_piece_parse(text, len, &p, err, sizeof(err)) == 0) {
			/* Fill with a bundle that declares no params: every ${...}
			 * must then be refused, never crash. */
			struct rt_bundle b;
			memset(&b, 0, sizeof(b));
			rt_ll_piece_fill(&p, &b, err, sizeof(err));
		}
		rt_ll_piece_free(&p);
		break;
	}
	}
	return 0;
}

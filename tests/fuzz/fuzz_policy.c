/*
 * fuzz_policy.c - libFuzzer target for the front end: arbitrary bytes go
 * through the lexer, the parser and the resolver. Any crash, leak, hang or
 * sanitizer report is a bug; diagnostics are expected and discarded.
 */
#include "diag.h"
#include "names.h"
#include "resolve.h"

#include <stdint.h>
#include <stdio.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static FILE *sink;
	if (!sink)
		sink = fopen("/dev/null", "w");
	struct diag_ctx *d = diag_new(sink);
	struct resolve_result result;
	/* A directory that does not exist: includes fail without touching the
	 * file system around the fuzzer. */
	resolve_text(d, "/nonexistent/fuzz.cell", (const char *)data, size, NULL, &result);
	resolve_result_free(&result);
	diag_free(d);
	return 0;
}

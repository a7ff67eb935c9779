/*
 * fuzz_policy.c - libFuzzer target for the front end: arbitrary bytes go
 * through the lexer, the parser and the resolver. Any crash, leak, hang or
 * sanitizer report is a bug; diagnostics are expected and discarded. What
 * parses is also formatted, as .cell and as YAML, and read back
 * (fuzz_fmt.h): a tree that changes aborts.
 */
#include "diag.h"
#include "fuzz_fmt.h"
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

	/* `cell fmt` on what parses: its properties are in fuzz_fmt.h. */
	d = diag_new(sink);
	const char *path = diag_add_source(d, "fuzz.cell", (const char *)data, size);
	struct ast_file *f = parse_policy_text(d, path, (const char *)data, size);
	if (diag_error_count(d) == 0)
		fuzz_fmt_check(sink, f, (const char *)data, size, false);
	ast_file_free(f);
	diag_free(d);
	return 0;
}

/*
 * fuzz_policy.c - libFuzzer target for the front end: arbitrary bytes go
 * through the lexer, the parser, the resolver and, when it resolves, every
 * lint check and lint output format. Any crash, leak, hang or
 * sanitizer report is a bug; diagnostics are expected and discarded. What
 * parses is also formatted, as .cell and as YAML, and read back
 * (fuzz_fmt.h): a tree that changes aborts.
 */
#include "diag.h"
#include "fuzz_fmt.h"
#include "lint.h"
#include "names.h"
#include "resolve.h"

#include <stdint.h>
#include <stdio.h>

/* `cell lint` on what resolves, in every output format: the checks read
 * every corner of the IR. The host is a directory that does not exist, so
 * no check depends on the machine the fuzzer runs on. */
static void lint_all(FILE *sink, struct diag_ctx *d, struct resolve_result *r)
{
	struct lint_options opt = {.host_root = "/nonexistent/host"};
	struct lint_run *run = lint_run_new(&opt);
	for (size_t i = 0; i < r->n_policies; i++)
		lint_run_policy(run, r->policies[i]);
	lint_run_finish(run);
	for (int f = LINT_FORMAT_TEXT; f <= LINT_FORMAT_SARIF; f++) {
		struct lint_output_options o = {.format = (enum lint_format)f,
		                                .diag = d,
		                                .root = "/nonexistent",
		                                .summary = true};
		lint_output(sink, run, &o);
	}
	lint_run_free(run);
}

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
	if (resolve_text(d, "/nonexistent/fuzz.cell", (const char *)data, size, NULL, &result) == 0)
		lint_all(sink, d, &result);
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

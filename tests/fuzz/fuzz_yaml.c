/*
 * fuzz_yaml.c - libFuzzer target for the YAML front end: arbitrary bytes go
 * through libyaml, the document tree and the schema walk. Any crash, leak,
 * hang or sanitizer report is a bug; diagnostics are expected and discarded.
 * The tree is dumped too, so that every node the front end builds is read.
 * A tree without errors is also formatted, as .cell and as YAML, and read
 * back (fuzz_fmt.h): a tree that changes aborts.
 */
#include "ast.h"
#include "diag.h"
#include "fuzz_fmt.h"
#include "yaml_front.h"

#include <stdint.h>
#include <stdio.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static FILE *sink;
	if (!sink)
		sink = fopen("/dev/null", "w");
	struct diag_ctx *d = diag_new(sink);
	const char *path = diag_add_source(d, "fuzz.yaml", (const char *)data, size);
	struct ast_file *f = parse_policy_yaml(d, path, (const char *)data, size);
	struct buf dump;
	buf_init(&dump);
	ast_dump(f, &dump);
	buf_free(&dump);
	if (diag_error_count(d) == 0)
		fuzz_fmt_check(sink, f, (const char *)data, size, true);
	ast_file_free(f);
	diag_free(d);
	return 0;
}

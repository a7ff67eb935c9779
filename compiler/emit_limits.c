/* emit_limits.c - one line per limit, in a fixed order, units in the keys. */
#include "emit_limits.h"

#include <inttypes.h>
#include <stdbool.h>
#include <stddef.h>

struct limit_key {
	const char *key;
	size_t offset; /* of the struct ir_limit inside struct ir_limits */
	bool zero_allowed;
};

/* The order of this table is the order of the file. A file size limit of 0
 * is a legitimate "may not write files"; every other limit at 0 would make
 * the sandbox unable to run anything at all. */
static const struct limit_key limit_keys[] = {
    {"memory-bytes", offsetof(struct ir_limits, memory_bytes), false},
    {"pids", offsetof(struct ir_limits, pids), false},
    {"cpu-millicores", offsetof(struct ir_limits, cpu_millicores), false},
    {"time-ms", offsetof(struct ir_limits, time_ms), false},
    {"nofile", offsetof(struct ir_limits, nofile), false},
    {"fsize-bytes", offsetof(struct ir_limits, fsize_bytes), true},
};

static const struct ir_limit *limit_at(const struct ir_limits *limits, size_t offset)
{
	return (const struct ir_limit *)((const char *)limits + offset);
}

static int emit_limit(struct diag_ctx *d, const struct limit_key *key, const struct ir_limit *limit,
                      struct buf *out)
{
	if (!limit->set)
		return 0;
	if (limit->infinite) {
		buf_printf(out, "%s infinity", key->key);
	} else {
		if (limit->value == 0 && !key->zero_allowed) {
			diag_error(
			    d, limit->loc,
			    "limit %s is 0, which leaves the sandbox unable to run anything; "
			    "write `infinity` for no limit",
			    key->key);
			return -1;
		}
		buf_printf(out, "%s %" PRIu64, key->key, limit->value);
	}
	if (limit->best_effort)
		buf_puts(out, " best-effort");
	buf_puts(out, "\n");
	return 0;
}

int emit_limits(const struct ir_policy *p, struct diag_ctx *d, struct buf *out)
{
	int result = 0;
	buf_printf(out, "cell-limits %d\n", LIMITS_FORMAT_VERSION);
	for (size_t i = 0; i < ARRAY_SIZE(limit_keys); i++)
		if (emit_limit(d, &limit_keys[i], limit_at(&p->limits, limit_keys[i].offset), out) <
		    0)
			result = -1;
	return result;
}

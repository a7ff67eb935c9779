/* quantity.c - exact parsing of numbers with units. */
#include "quantity.h"

#include <ctype.h>
#include <stdio.h>
#include <string.h>

static bool mul_overflows(uint64_t a, uint64_t b, uint64_t *out)
{
	return __builtin_mul_overflow(a, b, out);
}

/* C-style integer: decimal, 0x hex, leading-0 octal. Stops at the first
 * character that cannot belong to the number; *end points there. */
static bool parse_c_integer(const char *s, uint64_t *out, const char **end, char *err, size_t n)
{
	unsigned base = 10;
	const char *p = s;
	if (p[0] == '0' && (p[1] == 'x' || p[1] == 'X')) {
		base = 16;
		p += 2;
		if (!isxdigit((unsigned char)*p)) {
			snprintf(err, n, "'%s' has no digits after 0x", s);
			return false;
		}
	} else if (p[0] == '0' && isdigit((unsigned char)p[1])) {
		base = 8;
		p++;
	}
	uint64_t v = 0;
	for (; *p; p++) {
		unsigned digit;
		if (isdigit((unsigned char)*p))
			digit = (unsigned)(*p - '0');
		else if (base == 16 && isxdigit((unsigned char)*p))
			digit = (unsigned)(tolower((unsigned char)*p) - 'a' + 10);
		else
			break;
		if (digit >= base) {
			snprintf(err, n, "'%s' is not a valid octal number (digit %c)", s, *p);
			return false;
		}
		if (mul_overflows(v, base, &v) || __builtin_add_overflow(v, digit, &v)) {
			snprintf(err, n, "'%s' is too large (the maximum is 2^64-1)", s);
			return false;
		}
	}
	*out = v;
	*end = p;
	return true;
}

/* A decimal with an optional fraction, as mantissa / 10^scale. */
static bool parse_decimal(const char *s, uint64_t *mantissa, unsigned *scale, const char **end,
                          char *err, size_t n)
{
	uint64_t v = 0;
	unsigned sc = 0;
	bool point = false;
	const char *p = s;
	for (; *p; p++) {
		if (*p == '.' && !point) {
			point = true;
			continue;
		}
		if (!isdigit((unsigned char)*p))
			break;
		if (mul_overflows(v, 10, &v) ||
		    __builtin_add_overflow(v, (uint64_t)(*p - '0'), &v)) {
			snprintf(err, n, "'%s' is too large (the maximum is 2^64-1)", s);
			return false;
		}
		if (point)
			sc++;
	}
	if (point && sc == 0) {
		snprintf(err, n, "'%s' has no digits after the decimal point", s);
		return false;
	}
	if (sc > 18) {
		snprintf(err, n, "'%s' has too many decimal places", s);
		return false;
	}
	*mantissa = v;
	*scale = sc;
	*end = p;
	return true;
}

/* mantissa / 10^scale * factor, exactly. */
static bool scale_exact(const char *text, uint64_t mantissa, unsigned scale, uint64_t factor,
                        uint64_t *out, char *err, size_t n)
{
	uint64_t div = 1;
	for (unsigned i = 0; i < scale; i++)
		div *= 10;
	uint64_t v;
	if (mul_overflows(mantissa, factor, &v)) {
		snprintf(err, n, "'%s' is too large (the maximum is 2^64-1)", text);
		return false;
	}
	if (v % div != 0) {
		snprintf(err, n, "'%s' is not a whole number of the smallest unit", text);
		return false;
	}
	*out = v / div;
	return true;
}

struct unit {
	const char *name;
	uint64_t factor;
};

static const struct unit byte_units[] = {
    {"", 1},
    {"K", 1024ULL},
    {"M", 1024ULL * 1024},
    {"G", 1024ULL * 1024 * 1024},
    {"T", 1024ULL * 1024 * 1024 * 1024},
};

static const struct unit duration_units[] = {
    {"ms", 1},
    {"s", 1000},
    {"m", 60 * 1000},
    {"h", 60 * 60 * 1000},
};

static const struct unit core_units[] = {
    {"", 1000},
    {"%", 10},
};

static bool parse_with_units(const char *text, const struct unit *units, size_t n_units,
                             const char *what, const char *unit_help, uint64_t *out, char *err,
                             size_t n)
{
	uint64_t mantissa;
	unsigned scale;
	const char *end;
	if (!isdigit((unsigned char)text[0])) {
		snprintf(err, n, "expected a %s, not '%s'", what, text);
		return false;
	}
	if (text[0] == '0' && (text[1] == 'x' || text[1] == 'X')) {
		snprintf(err, n, "a %s is written in decimal, not '%s'", what, text);
		return false;
	}
	if (!parse_decimal(text, &mantissa, &scale, &end, err, n))
		return false;
	for (size_t i = 0; i < n_units; i++)
		if (strcmp(end, units[i].name) == 0)
			return scale_exact(text, mantissa, scale, units[i].factor, out, err, n);
	if (*end == '\0')
		snprintf(err, n, "'%s' needs a unit: %s", text, unit_help);
	else
		snprintf(err, n, "unknown unit '%s' in '%s' for a %s; use %s", end, text, what,
		         unit_help);
	return false;
}

bool quantity_parse(const char *text, enum quantity_kind kind, uint64_t *out, char *err,
                    size_t err_size)
{
	const char *end;
	switch (kind) {
	case QUANTITY_INTEGER:
		if (!isdigit((unsigned char)text[0])) {
			snprintf(err, err_size, "expected a number, not '%s'", text);
			return false;
		}
		if (!parse_c_integer(text, out, &end, err, err_size))
			return false;
		if (*end) {
			snprintf(err, err_size, "'%s' is not a number (unexpected '%s')", text,
			         end);
			return false;
		}
		return true;
	case QUANTITY_MODE:
		if (text[0] != '0' || !isdigit((unsigned char)text[1])) {
			snprintf(err, err_size,
			         "a mode is octal with a leading 0 (like 0755), not '%s'", text);
			return false;
		}
		if (!parse_c_integer(text, out, &end, err, err_size))
			return false;
		if (*end || *out > 07777) {
			snprintf(err, err_size, "'%s' is not a file mode (0000 to 07777)", text);
			return false;
		}
		return true;
	case QUANTITY_BYTES:
		return parse_with_units(
		    text, byte_units, sizeof(byte_units) / sizeof(byte_units[0]), "size",
		    "K, M, G or T (powers of 1024), or none for bytes", out, err, err_size);
	case QUANTITY_DURATION_MS:
		return parse_with_units(text, duration_units,
		                        sizeof(duration_units) / sizeof(duration_units[0]),
		                        "duration", "ms, s, m or h", out, err, err_size);
	case QUANTITY_MILLICORES:
		return parse_with_units(
		    text, core_units, sizeof(core_units) / sizeof(core_units[0]), "CPU rate",
		    "a number of cores (1.5) or a percentage (150%)", out, err, err_size);
	}
	snprintf(err, err_size, "internal error: unknown quantity kind");
	return false;
}

/*
 * quantity.h - numbers as policies write them: integers in C notation and
 * quantities with units.
 *
 *   integer   42  0x5412  0755 (octal with a leading 0)
 *   bytes     512  64K  512M  2G  1T  1.5G   (powers of 1024; a plain number is bytes)
 *   duration  500ms  30s  5m  2h              (a unit is required)
 *   cores     1  1.5  150%                    (stored as millicores)
 *   mode      0755  01777                     (octal, leading 0 required, at most 07777)
 *
 * Everything is exact integer arithmetic: a fraction that does not land on a
 * whole unit (1.0000001K bytes) and anything past 2^64-1 is an error, never a
 * rounding. Errors are returned as text for the caller to place at a location.
 */
#ifndef CELL_QUANTITY_H
#define CELL_QUANTITY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

enum quantity_kind {
	QUANTITY_INTEGER,
	QUANTITY_BYTES,
	QUANTITY_DURATION_MS,
	QUANTITY_MILLICORES,
	QUANTITY_MODE,
};

/* Parses `text` as a quantity of `kind`. Returns true and sets *out, or
 * false with a message in err (e.g. "unknown unit 'Q' for a size; use K, M, G
 * or T"). */
bool quantity_parse(const char *text, enum quantity_kind kind, uint64_t *out, char *err,
                    size_t err_size);

#endif

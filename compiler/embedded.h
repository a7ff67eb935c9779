/*
 * embedded.h - policy files compiled into the `cell` binary: the embedded
 * default policy and the stock fragments it includes, so that `cell run`
 * works from any directory without an installed policy tree.
 *
 * They are addressed as "<builtin>/PATH" (e.g. "<builtin>/lib/system.cell");
 * the resolver looks includes from such a file up in this table.
 */
#ifndef CELL_EMBEDDED_H
#define CELL_EMBEDDED_H

#include <stddef.h>

#define EMBEDDED_PREFIX       "<builtin>/"
#define EMBEDDED_DEFAULT_PATH EMBEDDED_PREFIX "default.cell"

struct embedded_file {
	const char *path; /* with the EMBEDDED_PREFIX */
	const char *text;
	const size_t *len;
};

/* The file at `path` ("<builtin>/..."), or NULL. */
const struct embedded_file *embedded_find(const char *path);

#endif

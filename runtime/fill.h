/*
 * fill.h - params into the argument file, and the sealed memfds that carry
 * the filled file, the filter and `data` contents to bwrap.
 *
 * The args file names open params as ${NAME}. Each must be given on the
 * command line (--param NAME=VALUE), each value is checked (no newline;
 * a `path` param must be absolute and free of `..`), and only the names the
 * manifest lists are replaced: any other `${` left in the file means the
 * bundle and the manifest disagree, and the run is refused. Substitution is
 * one pass, so a value that itself contains `${X}` stays literal.
 */
#ifndef CELLRUN_FILL_H
#define CELLRUN_FILL_H

#include "manifest.h"

#include <stddef.h>

/* Binds "NAME=VALUE" assignments to the bundle's params (b->params[i].value
 * points into the assignment). Unknown, repeated, missing or invalid params
 * are errors that name the param. */
int rt_params_bind(struct rt_bundle *b, char *const *assignments, size_t n, char *err,
                   size_t err_size);

/* The args piece with every ${NAME} replaced by its value. */
int rt_args_fill(const struct rt_bundle *b, struct rt_bytes *out, char *err, size_t err_size);

/* One string of another piece (the landlock piece's paths and values) with
 * its ${NAME}s replaced, the same way: a malloc'ed string, or NULL with err
 * (`what` names the piece). */
char *rt_string_fill(const struct rt_bundle *b, const char *s, const char *what, char *err,
                     size_t err_size);

/* A memfd holding exactly `len` bytes of `data`, sealed against every
 * change (F_SEAL_SEAL|SHRINK|GROW|WRITE), offset 0, close-on-exec.
 * Returns the fd or -1 with err. */
int rt_sealed_memfd(const char *name, const void *data, size_t len, char *err, size_t err_size);

#endif

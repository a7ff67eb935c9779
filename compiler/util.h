/*
 * util.h - the small things every module of the compiler needs.
 *
 * Allocation never returns NULL: running out of memory in a policy compiler
 * has no useful recovery, so xmalloc() and friends report and exit(3).
 * struct buf is a growable byte buffer; artifacts are built in one before
 * anything touches the disk, which is what makes atomic output possible.
 */
#ifndef CELL_UTIL_H
#define CELL_UTIL_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

void *xmalloc(size_t n);
void *xcalloc(size_t count, size_t size);
void *xrealloc(void *p, size_t n);
/* Grows *p (an array of *cap elements of elem_size) so that it can hold need. */
void xgrow(void **p, size_t *cap, size_t need, size_t elem_size);
char *xstrdup(const char *s);
char *xstrndup(const char *s, size_t n);
char *xasprintf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
char *xvasprintf(const char *fmt, va_list ap);

struct buf {
	char *data;
	size_t len;
	size_t cap;
};

void buf_init(struct buf *b);
void buf_free(struct buf *b);
void buf_reset(struct buf *b);
void buf_append(struct buf *b, const void *data, size_t n);
void buf_puts(struct buf *b, const char *s);
/* Appends s and its terminating NUL: the unit of a bwrap argument file. */
void buf_put_arg(struct buf *b, const char *s);
void buf_printf(struct buf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Appends s as a JSON string: quotes and backslashes escaped, newline, tab
 * and carriage return as \n \t \r, other control characters and DEL as
 * \u00XX, and U+FFFD for each byte that is not part of valid UTF-8 (a path
 * may hold any byte; JSON may not). A NULL s appends null. Every JSON
 * writer (lint, the OCI profile, doctor) goes through this one. */
void buf_put_json_string(struct buf *b, const char *s);
/* Leaves data NUL-terminated (not counted in len) and returns it. */
char *buf_cstr(struct buf *b);

/* Reads a whole file; returns 0, or -errno with *data untouched. */
int read_file(const char *path, char **data, size_t *len);
/* Writes all of data to fd, going on after short writes and EINTR; returns
 * 0, or -errno. */
int write_all(int fd, const void *data, size_t len);

#endif

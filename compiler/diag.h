/*
 * diag.h - diagnostics: every message the compiler prints about a policy.
 *
 * A message is `file:line:col: error: text`, then the source line and a caret
 * under the offending column, then optional notes (`note:`) that point at a
 * second location (the earlier rule of a conflict, the include that brought a
 * file in). The context owns a copy of every source it has seen, so that any
 * module can report against any location without keeping files around.
 *
 * Errors are counted, never fatal by themselves: each pass reports all it
 * finds and the driver refuses to emit artifacts when the count is non-zero.
 */
#ifndef CELL_DIAG_H
#define CELL_DIAG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

/* A span in a source file. Columns and lines count from 1; line 0 means "no
 * location" (a command-line problem, say). `file` points at a path interned in
 * the diag context and lives as long as it does. */
struct src_loc {
	const char *file;
	int line;
	int col;
	int end_line;
	int end_col; /* inclusive */
};

enum diag_level { DIAG_NOTE, DIAG_WARNING, DIAG_ERROR };

struct diag_ctx;

struct diag_ctx *diag_new(FILE *out);
void diag_free(struct diag_ctx *d);

/* Registers a source text under a path and returns the interned path to use
 * in src_loc.file. The text is copied. Registering the same path again
 * replaces nothing and returns the same pointer. */
const char *diag_add_source(struct diag_ctx *d, const char *path, const char *text, size_t len);
/* Interns a path without text (locations in it print without a caret). */
const char *diag_intern(struct diag_ctx *d, const char *path);
/* The text registered for a path, or NULL. */
const char *diag_source_text(struct diag_ctx *d, const char *path, size_t *len);
/* The line loc.line of loc.file (without its newline) and its length in
 * *len, or NULL when `d` is NULL, has no text for the file or the file has
 * no such line. */
const char *diag_source_line(struct diag_ctx *d, struct src_loc loc, size_t *len);
/* The sources in the order they were registered: the path of the i-th, or
 * NULL when i is past the end; *has_text says whether it came with its text
 * (was read) or was only interned. `cell compile --depfile` lists the files
 * a compile read this way. */
size_t diag_source_count(const struct diag_ctx *d);
const char *diag_source_path(const struct diag_ctx *d, size_t i, bool *has_text);
/* The name a source goes by in what a compile writes (the bundle's Landlock
 * piece), where the build machine's paths must not leak: the resolver gives
 * a file found through -I the name its include used, relative to that
 * directory. Messages keep the path. NULL when none was set (the main file,
 * or a file not found through -I); setting it again replaces it. */
void diag_set_display_name(struct diag_ctx *d, const char *path, const char *name);
const char *diag_display_name(const struct diag_ctx *d, const char *path);

void diag_error(struct diag_ctx *d, struct src_loc loc, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
void diag_warning(struct diag_ctx *d, struct src_loc loc, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
/* A note attaches to the message before it. */
void diag_note(struct diag_ctx *d, struct src_loc loc, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
void diag_report(struct diag_ctx *d, enum diag_level level, struct src_loc loc, const char *fmt,
                 va_list ap);

/* The pieces of a message, for other reports of locations (lint's findings)
 * to look like the compiler's. The prefix: `file:line:col: `, `file: ` or
 * `cell: `. */
void diag_print_location(FILE *out, struct src_loc loc);
/* Control characters as \xNN, so a hostile policy's names cannot drive the
 * reader's terminal; with keep_layout, newlines and tabs pass. */
void diag_print_sanitized(FILE *out, const char *s, bool keep_layout);
/* The line `loc` points into, indented two spaces, then a caret under
 * loc.col and tildes to loc.end_col on the same line. Columns count bytes,
 * the caret's indent counts characters: UTF-8 continuation bytes take no
 * column on the terminal, and tabs are kept so the caret lines up. Other
 * control characters print as '?'. Nothing when `d` has no text for the
 * file or the line is over 400 bytes. `color` paints the caret green. */
void diag_print_source(FILE *out, struct diag_ctx *d, struct src_loc loc, bool color);

int diag_error_count(const struct diag_ctx *d);
int diag_warning_count(const struct diag_ctx *d);
/* With a cap, errors past it are counted but not printed ("too many errors"). */
void diag_set_error_limit(struct diag_ctx *d, int limit);

/* The "did you mean" helper: the candidate closest to `word` by edit distance,
 * or NULL when none is close enough to be a plausible typo. */
const char *diag_suggest(const char *word, const char *const *candidates, size_t n);
/* Edit distance with adjacent transpositions (Damerau-Levenshtein, OSA). */
size_t diag_edit_distance(const char *a, const char *b);

#endif

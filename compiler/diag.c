/* diag.c - printing diagnostics with their source line and caret. */
#include "diag.h"
#include "util.h"

#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

struct diag_source {
	char *path;
	char *text; /* NULL when interned without text */
	size_t len;
	char *display; /* diag_set_display_name(), or NULL */
};

struct diag_ctx {
	FILE *out;
	struct diag_source *sources;
	size_t n_sources, cap_sources;
	int errors, warnings, error_limit;
	bool suppress_notes; /* the message the notes belong to was not printed */
	bool color;
};

struct diag_ctx *diag_new(FILE *out)
{
	struct diag_ctx *d = xcalloc(1, sizeof(*d));
	d->out = out;
	d->error_limit = 50;
	return d;
}

void diag_free(struct diag_ctx *d)
{
	if (!d)
		return;
	for (size_t i = 0; i < d->n_sources; i++) {
		free(d->sources[i].path);
		free(d->sources[i].text);
		free(d->sources[i].display);
	}
	free(d->sources);
	free(d);
}

static struct diag_source *find_source(const struct diag_ctx *d, const char *path)
{
	for (size_t i = 0; i < d->n_sources; i++)
		if (d->sources[i].path == path || strcmp(d->sources[i].path, path) == 0)
			return &d->sources[i];
	return NULL;
}

static const char *add_source(struct diag_ctx *d, const char *path, const char *text, size_t len)
{
	struct diag_source *s = find_source(d, path);
	if (s) {
		if (!s->text && text) {
			s->text = xstrndup(text, len);
			s->len = len;
		}
		return s->path;
	}
	xgrow((void **)&d->sources, &d->cap_sources, d->n_sources + 1, sizeof(*d->sources));
	s = &d->sources[d->n_sources++];
	s->path = xstrdup(path);
	s->text = text ? xstrndup(text, len) : NULL;
	s->len = text ? len : 0;
	s->display = NULL;
	return s->path;
}

const char *diag_add_source(struct diag_ctx *d, const char *path, const char *text, size_t len)
{
	return add_source(d, path, text, len);
}

const char *diag_intern(struct diag_ctx *d, const char *path)
{
	return add_source(d, path, NULL, 0);
}

const char *diag_source_text(struct diag_ctx *d, const char *path, size_t *len)
{
	struct diag_source *s = find_source(d, path);
	if (!s || !s->text)
		return NULL;
	if (len)
		*len = s->len;
	return s->text;
}

size_t diag_source_count(const struct diag_ctx *d)
{
	return d->n_sources;
}

const char *diag_source_path(const struct diag_ctx *d, size_t i, bool *has_text)
{
	if (i >= d->n_sources)
		return NULL;
	if (has_text)
		*has_text = d->sources[i].text != NULL;
	return d->sources[i].path;
}

void diag_set_display_name(struct diag_ctx *d, const char *path, const char *name)
{
	struct diag_source *s = find_source(d, path);
	if (!s)
		s = find_source(d, add_source(d, path, NULL, 0));
	free(s->display);
	s->display = name ? xstrdup(name) : NULL;
}

const char *diag_display_name(const struct diag_ctx *d, const char *path)
{
	const struct diag_source *s = path ? find_source(d, path) : NULL;
	return s ? s->display : NULL;
}

const char *diag_source_line(struct diag_ctx *d, struct src_loc loc, size_t *len)
{
	struct diag_source *s = d && loc.file ? find_source(d, loc.file) : NULL;
	if (!s || !s->text || loc.line <= 0)
		return NULL;
	const char *p = s->text, *end = s->text + s->len;
	for (int line = 1; line < loc.line && p < end; p++)
		if (*p == '\n')
			line++;
	if (p >= end && loc.line > 1)
		return NULL;
	const char *eol = memchr(p, '\n', (size_t)(end - p));
	*len = (size_t)((eol ? eol : end) - p);
	return p;
}

/* A UTF-8 continuation byte takes no column on the terminal. */
static bool continuation(char c)
{
	return ((unsigned char)c & 0xc0) == 0x80;
}

void diag_print_source(FILE *out, struct diag_ctx *d, struct src_loc loc, bool color)
{
	size_t len;
	const char *line = diag_source_line(d, loc, &len);
	if (!line || len > 400)
		return; /* a caret under a 400-column line helps nobody */
	fputs("  ", out);
	for (size_t i = 0; i < len; i++) {
		unsigned char c = (unsigned char)line[i];
		fputc(c == '\t' || (c >= 0x20 && c != 0x7f) ? c : '?', out);
	}
	fputs("\n  ", out);
	for (size_t i = 0; i + 1 < (size_t)loc.col && i < len; i++)
		if (!continuation(line[i]))
			fputc(line[i] == '\t' ? '\t' : ' ', out);
	fputs(color ? "\033[1;32m^" : "^", out);
	if (loc.end_line == loc.line && loc.end_col > loc.col)
		for (int i = loc.col; i < loc.end_col && i < loc.col + 200; i++)
			if (i < 0 || (size_t)i >= len || !continuation(line[i]))
				fputc('~', out);
	fputs(color ? "\033[0m\n" : "\n", out);
}

void diag_print_sanitized(FILE *out, const char *s, bool keep_layout)
{
	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;
		bool layout = keep_layout && (c == '\n' || c == '\t');
		if ((c < 0x20 && !layout) || c == 0x7f)
			fprintf(out, "\\x%02x", c);
		else
			fputc(c, out);
	}
}

void diag_print_location(FILE *out, struct src_loc loc)
{
	if (loc.file && loc.line > 0)
		fprintf(out, "%s:%d:%d: ", loc.file, loc.line, loc.col);
	else if (loc.file)
		fprintf(out, "%s: ", loc.file);
	else
		fputs("cell: ", out);
}

void diag_report(struct diag_ctx *d, enum diag_level level, struct src_loc loc, const char *fmt,
                 va_list ap)
{
	if (level == DIAG_ERROR) {
		d->errors++;
		if (d->error_limit > 0 && d->errors > d->error_limit) {
			if (d->errors == d->error_limit + 1)
				fprintf(d->out,
				        "cell: too many errors, stopping the report here\n");
			d->suppress_notes = true;
			return;
		}
	} else if (level == DIAG_WARNING) {
		d->warnings++;
	} else if (d->suppress_notes) {
		return;
	}
	if (level != DIAG_NOTE)
		d->suppress_notes = false;

	static const char *const names[] = {"note", "warning", "error"};
	char *msg = xvasprintf(fmt, ap);
	diag_print_location(d->out, loc);
	fprintf(d->out, "%s: ", names[level]);
	diag_print_sanitized(d->out, msg, true);
	fputc('\n', d->out);
	free(msg);
	diag_print_source(d->out, d, loc, false);
}

#define DEFINE_REPORTER(fn, level)                                                                 \
	void fn(struct diag_ctx *d, struct src_loc loc, const char *fmt, ...)                      \
	{                                                                                          \
		va_list ap;                                                                        \
		va_start(ap, fmt);                                                                 \
		diag_report(d, level, loc, fmt, ap);                                               \
		va_end(ap);                                                                        \
	}

DEFINE_REPORTER(diag_error, DIAG_ERROR)
DEFINE_REPORTER(diag_warning, DIAG_WARNING)
DEFINE_REPORTER(diag_note, DIAG_NOTE)

int diag_error_count(const struct diag_ctx *d)
{
	return d->errors;
}

int diag_warning_count(const struct diag_ctx *d)
{
	return d->warnings;
}

void diag_set_error_limit(struct diag_ctx *d, int limit)
{
	d->error_limit = limit;
}

size_t diag_edit_distance(const char *a, const char *b)
{
	size_t la = strlen(a), lb = strlen(b);
	if (la > 64 || lb > 64)
		return (size_t)-1;
	size_t dist[65][65];
	for (size_t i = 0; i <= la; i++)
		dist[i][0] = i;
	for (size_t j = 0; j <= lb; j++)
		dist[0][j] = j;
	for (size_t i = 1; i <= la; i++) {
		for (size_t j = 1; j <= lb; j++) {
			size_t cost = a[i - 1] == b[j - 1] ? 0 : 1;
			size_t best = dist[i - 1][j] + 1;
			if (dist[i][j - 1] + 1 < best)
				best = dist[i][j - 1] + 1;
			if (dist[i - 1][j - 1] + cost < best)
				best = dist[i - 1][j - 1] + cost;
			if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] &&
			    dist[i - 2][j - 2] + 1 < best)
				best = dist[i - 2][j - 2] + 1;
			dist[i][j] = best;
		}
	}
	return dist[la][lb];
}

const char *diag_suggest(const char *word, const char *const *candidates, size_t n)
{
	size_t len = strlen(word);
	/* A third of the word, at least one edit: "opnat" -> "openat", but "ab"
	 * must not turn into every two-letter name. */
	size_t limit = len / 3 > 0 ? len / 3 : 1;
	if (limit > 3)
		limit = 3;
	const char *best = NULL;
	size_t best_dist = limit + 1;
	for (size_t i = 0; i < n; i++) {
		if (!candidates[i])
			continue;
		size_t dist = diag_edit_distance(word, candidates[i]);
		if (dist < best_dist) {
			best = candidates[i];
			best_dist = dist;
		}
	}
	return best;
}

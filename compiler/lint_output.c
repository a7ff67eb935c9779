/* lint_output.c - findings as text, JSON and SARIF 2.1.0 (see lint.h). */
#include "lint.h"
#include "util.h"

#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* No project URL is known to the build; a packager can set one. */
#ifndef CELL_INFORMATION_URI
#define CELL_INFORMATION_URI "urn:cell:docs:lint.md"
#endif

int lint_format_parse(const char *s, enum lint_format *out)
{
	static const char *const names[] = {"text", "json", "sarif"};
	for (size_t i = 0; i < ARRAY_SIZE(names); i++) {
		if (strcmp(s, names[i]) == 0) {
			*out = (enum lint_format)i;
			return 0;
		}
	}
	return -1;
}

bool lint_color_wanted(int fd)
{
	const char *no_color = getenv("NO_COLOR");
	return isatty(fd) && !(no_color && no_color[0]);
}

/* ---- text ------------------------------------------------------------------------- */

struct palette {
	const char *bold, *level, *fix, *reset;
};

/* The caret's colour is diag_print_source()'s. */
static struct palette palette_for(bool color, enum lint_severity s)
{
	static const char *const levels[] = {"\033[1;36m", "\033[1;35m", "\033[1;31m"};
	if (!color)
		return (struct palette){"", "", "", ""};
	return (struct palette){"\033[1m", levels[s], "\033[32m", "\033[0m"};
}

/* Names and reasons go through diag_print_sanitized(): a hostile policy's
 * text must not drive the reader's terminal (CVE-2023-28101). A finding is
 * one line, so newlines and tabs are escaped too. */
static void put_sanitized(FILE *out, const char *s)
{
	diag_print_sanitized(out, s, false);
}

static void put_chain(FILE *out, const struct lint_finding *f)
{
	if (f->n_chain == 0)
		return;
	fputs("  via: ", out);
	for (size_t i = 0; i < f->n_chain; i++) {
		if (i)
			fputs(" -> ", out);
		put_sanitized(out, f->chain[i].policy);
	}
	const struct lint_link *holder = &f->chain[f->n_chain - 1];
	if (holder->loc.file && holder->loc.line > 0)
		fprintf(out, " (%s:%d)", holder->loc.file, holder->loc.line);
	fputc('\n', out);
}

static void text_finding(FILE *out, const struct lint_finding *f,
                         const struct lint_output_options *o)
{
	struct palette pal = palette_for(o->color, f->rule->severity);
	fputs(pal.bold, out);
	diag_print_location(out, f->loc);
	fprintf(out, "%s%s%s:%s ", pal.reset, pal.level, lint_severity_name(f->rule->severity),
	        pal.reset);
	put_sanitized(out, f->message);
	fprintf(out, " [%s]\n", f->rule->id);
	diag_print_source(out, o->diag, f->loc, o->color);
	fprintf(out, "  %sfix:%s ", pal.fix, pal.reset);
	put_sanitized(out, f->fix);
	fputc('\n', out);
	put_chain(out, f);
}

static void text_output(FILE *out, const struct lint_run *run, const struct lint_output_options *o)
{
	size_t n, counts[3] = {0}, suppressed = 0;
	const struct lint_finding *f = lint_run_findings(run, &n);
	for (size_t i = 0; i < n; i++) {
		if (f[i].suppressed) {
			suppressed++;
			continue;
		}
		counts[f[i].rule->severity]++;
		text_finding(out, &f[i], o);
	}
	if (!o->summary)
		return;
	size_t policies = lint_run_policies(run);
	fprintf(out, "%zu polic%s linted: %zu error%s, %zu warning%s, %zu note%s", policies,
	        policies == 1 ? "y" : "ies", counts[LINT_ERROR], counts[LINT_ERROR] == 1 ? "" : "s",
	        counts[LINT_WARNING], counts[LINT_WARNING] == 1 ? "" : "s", counts[LINT_NOTE],
	        counts[LINT_NOTE] == 1 ? "" : "s");
	if (suppressed)
		fprintf(out, " (%zu suppressed)", suppressed);
	fputc('\n', out);
}

/* ---- JSON -------------------------------------------------------------------------- */

static void json_chain(struct buf *b, const struct lint_finding *f)
{
	buf_puts(b, "[");
	for (size_t i = 0; i < f->n_chain; i++) {
		const struct lint_link *l = &f->chain[i];
		buf_puts(b, i ? ",{\"policy\":" : "{\"policy\":");
		buf_put_json_string(b, l->policy);
		buf_puts(b, ",\"file\":");
		buf_put_json_string(b, l->loc.line > 0 ? l->loc.file : NULL);
		buf_printf(b, ",\"line\":%d}", l->loc.line);
	}
	buf_puts(b, "]");
}

static void json_finding(struct buf *b, const struct lint_finding *f)
{
	buf_puts(b, "{\"rule\":");
	buf_put_json_string(b, f->rule->id);
	buf_puts(b, ",\"name\":");
	buf_put_json_string(b, f->rule->name);
	buf_puts(b, ",\"severity\":");
	buf_put_json_string(b, lint_severity_name(f->rule->severity));
	buf_puts(b, ",\"file\":");
	buf_put_json_string(b, f->loc.file);
	int end_line = f->loc.end_line ? f->loc.end_line : f->loc.line;
	int end_col = f->loc.end_line ? f->loc.end_col : f->loc.col;
	buf_printf(b, ",\"line\":%d,\"column\":%d,\"endLine\":%d,\"endColumn\":%d", f->loc.line,
	           f->loc.col, end_line, end_col);
	buf_puts(b, ",\"message\":");
	buf_put_json_string(b, f->message);
	buf_puts(b, ",\"fix\":");
	buf_put_json_string(b, f->fix);
	buf_puts(b, ",\"policy\":");
	buf_put_json_string(b, f->policy);
	buf_puts(b, ",\"chain\":");
	json_chain(b, f);
	buf_printf(b, ",\"suppressed\":%s,\"justification\":", f->suppressed ? "true" : "false");
	buf_put_json_string(b, f->suppressed ? f->justification : NULL);
	buf_puts(b, "}");
}

static void json_output(FILE *out, const struct lint_run *run)
{
	size_t n;
	const struct lint_finding *f = lint_run_findings(run, &n);
	struct buf b;
	buf_init(&b);
	buf_puts(&b, "[");
	for (size_t i = 0; i < n; i++) {
		buf_puts(&b, i ? ",\n" : "\n");
		json_finding(&b, &f[i]);
	}
	buf_puts(&b, "\n]\n");
	fwrite(b.data, 1, b.len, out);
	buf_free(&b);
}

/* ---- SARIF ------------------------------------------------------------------------- */

/* Cuts the last component off an absolute path; "/x" becomes "/". */
static void parent_dir(char *dir)
{
	char *slash = strrchr(dir, '/');
	if (slash == dir)
		dir[1] = '\0';
	else if (slash)
		*slash = '\0';
}

char *lint_repository_root(const char *path)
{
	char *dir = realpath(path, NULL);
	if (!dir)
		return NULL;
	struct stat st;
	if (stat(dir, &st) == 0 && !S_ISDIR(st.st_mode))
		parent_dir(dir);
	for (;;) {
		bool top = strcmp(dir, "/") == 0;
		char *git = xasprintf("%s/.git", top ? "" : dir);
		bool found = stat(git, &st) == 0;
		free(git);
		if (found)
			return dir;
		if (top)
			break;
		parent_dir(dir);
	}
	free(dir);
	return NULL;
}

/* RFC 3986: unreserved characters and '/' as they are, the rest %XX. */
static void uri_encode(struct buf *b, const char *s)
{
	for (const unsigned char *c = (const unsigned char *)s; *c; c++) {
		if ((*c >= 'a' && *c <= 'z') || (*c >= 'A' && *c <= 'Z') ||
		    (*c >= '0' && *c <= '9') || strchr("-._~/", *c))
			buf_append(b, c, 1);
		else
			buf_printf(b, "%%%02X", *c);
	}
}

struct sarif {
	struct buf *b;
	const char *root; /* absolute, no trailing slash (but "/" itself) */
	struct diag_ctx *diag;
};

/* "uri": relative to the root with its base id, or absolute; a name that is
 * not a file (an embedded source) as it is. */
static void sarif_artifact(struct sarif *s, const char *file)
{
	char *real = file ? realpath(file, NULL) : NULL;
	size_t rlen = strlen(s->root);
	struct buf uri;
	buf_init(&uri);
	if (real && strcmp(s->root, "/") == 0) {
		uri_encode(&uri, real + 1);
	} else if (real && strncmp(real, s->root, rlen) == 0 && real[rlen] == '/') {
		uri_encode(&uri, real + rlen + 1);
	} else if (real) {
		buf_puts(&uri, "file://");
		uri_encode(&uri, real);
	} else {
		uri_encode(&uri, file ? file : "");
	}
	buf_puts(s->b, "{\"uri\":");
	buf_put_json_string(s->b, buf_cstr(&uri));
	if (real &&
	    (strcmp(s->root, "/") == 0 || (strncmp(real, s->root, rlen) == 0 && real[rlen] == '/')))
		buf_puts(s->b, ",\"uriBaseId\":\"%SRCROOT%\"");
	buf_puts(s->b, "}");
	buf_free(&uri);
	free(real);
}

/* SARIF counts columns in characters; the compiler counts bytes. */
static int char_column(struct diag_ctx *d, struct src_loc loc, int byte_col)
{
	size_t len;
	const char *line = diag_source_line(d, loc, &len);
	if (!line || byte_col < 1)
		return byte_col;
	int col = 1;
	for (size_t i = 0; i + 1 < (size_t)byte_col && i < len; i++)
		col += ((unsigned char)line[i] & 0xc0) != 0x80;
	return col + (int)((size_t)byte_col > len + 1 ? (size_t)byte_col - len - 1 : 0);
}

static void sarif_location(struct sarif *s, struct src_loc loc)
{
	buf_puts(s->b, "{\"artifactLocation\":");
	sarif_artifact(s, loc.file);
	if (loc.line > 0) {
		int end_line = loc.end_line >= loc.line ? loc.end_line : loc.line;
		int end_col = loc.end_line >= loc.line ? loc.end_col + 1 : loc.col + 1;
		struct src_loc end = {loc.file, end_line, end_col, 0, 0};
		buf_printf(s->b,
		           ",\"region\":{\"startLine\":%d,\"startColumn\":%d,\"endLine\":%d,"
		           "\"endColumn\":%d}",
		           loc.line, char_column(s->diag, loc, loc.col), end_line,
		           char_column(s->diag, end, end_col));
	}
	buf_puts(s->b, "}");
}

static void sarif_text(struct buf *b, const char *key, const char *text)
{
	buf_printf(b, "\"%s\":{\"text\":", key);
	buf_put_json_string(b, text);
	buf_puts(b, "}");
}

static void sarif_rules(struct buf *b)
{
	for (size_t i = 0; i < lint_rule_count(); i++) {
		const struct lint_check *c = lint_rule_at(i);
		buf_puts(b, i ? ",\n            {\"id\":" : "\n            {\"id\":");
		buf_put_json_string(b, c->id);
		buf_puts(b, ",\"name\":");
		buf_put_json_string(b, c->name);
		buf_puts(b, ",");
		sarif_text(b, "shortDescription", c->summary);
		buf_puts(b, ",");
		sarif_text(b, "fullDescription", c->why);
		char *help =
		    xasprintf("Fix: %s\n\nExample that triggers it:\n%s", c->fix, c->example);
		buf_puts(b, ",");
		sarif_text(b, "help", help);
		free(help);
		buf_printf(b, ",\"defaultConfiguration\":{\"level\":\"%s\"}}",
		           lint_severity_name(c->severity));
	}
}

static size_t rule_index(const struct lint_check *c)
{
	for (size_t i = 0; i < lint_rule_count(); i++)
		if (lint_rule_at(i) == c)
			return i;
	return 0;
}

static void sarif_related(struct sarif *s, const struct lint_finding *f)
{
	buf_puts(s->b, ",\"relatedLocations\":[");
	for (size_t i = 0; i < f->n_chain; i++) {
		const struct lint_link *l = &f->chain[i];
		buf_printf(s->b, "%s{\"id\":%zu,\"message\":", i ? "," : "", i + 1);
		char *msg =
		    i == 0 ? xasprintf("policy '%s', the one linted", l->policy)
		    : i + 1 == f->n_chain
		        ? xasprintf("policy '%s', which holds the construct", l->policy)
		        : xasprintf("policy '%s', through which it is inherited", l->policy);
		buf_puts(s->b, "{\"text\":");
		buf_put_json_string(s->b, msg);
		buf_puts(s->b, "},\"physicalLocation\":");
		free(msg);
		if (l->loc.line > 0)
			sarif_location(s, l->loc);
		else
			sarif_location(s, f->loc);
		buf_puts(s->b, "}");
	}
	buf_puts(s->b, "]");
}

static void sarif_result(struct sarif *s, const struct lint_finding *f)
{
	struct buf *b = s->b;
	buf_puts(b, "{\"ruleId\":");
	buf_put_json_string(b, f->rule->id);
	buf_printf(b, ",\"ruleIndex\":%zu,\"level\":\"%s\",", rule_index(f->rule),
	           lint_severity_name(f->rule->severity));
	char *text = xasprintf("%s. Fix: %s", f->message, f->fix);
	sarif_text(b, "message", text);
	free(text);
	buf_puts(b, ",\"locations\":[{\"physicalLocation\":");
	sarif_location(s, f->loc);
	buf_puts(b, "}]");
	if (f->n_chain)
		sarif_related(s, f);
	if (f->suppressed) {
		buf_puts(b, ",\"suppressions\":[{\"kind\":\"inSource\"");
		if (f->justification) {
			buf_puts(b, ",\"justification\":");
			buf_put_json_string(b, f->justification);
		}
		buf_puts(b, "}]");
	}
	buf_puts(b, "}");
}

static void sarif_output(FILE *out, const struct lint_run *run, const struct lint_output_options *o)
{
	char cwd[PATH_MAX];
	const char *root = o->root ? o->root : getcwd(cwd, sizeof(cwd)) ? cwd : "/";
	struct buf b;
	buf_init(&b);
	struct sarif s = {&b, root, o->diag};
	buf_puts(&b, "{\n  \"$schema\": \"https://json.schemastore.org/sarif-2.1.0.json\",\n"
	             "  \"version\": \"2.1.0\",\n  \"runs\": [\n    {\n      \"tool\": {\n"
	             "        \"driver\": {\n          \"name\": \"cell\",\n"
	             "          \"version\": ");
	buf_put_json_string(&b, CELL_VERSION);
	buf_puts(&b, ",\n          \"informationUri\": ");
	buf_put_json_string(&b, CELL_INFORMATION_URI);
	buf_puts(&b, ",\n          \"rules\": [");
	sarif_rules(&b);
	buf_puts(&b, "\n          ]\n        }\n      },\n"
	             "      \"originalUriBaseIds\": {\"%SRCROOT%\": {\"uri\": ");
	struct buf uri;
	buf_init(&uri);
	buf_puts(&uri, "file://");
	uri_encode(&uri, root);
	if (strcmp(root, "/") != 0)
		buf_puts(&uri, "/");
	buf_put_json_string(&b, buf_cstr(&uri));
	buf_free(&uri);
	buf_puts(&b, "}},\n      \"columnKind\": \"unicodeCodePoints\",\n      \"results\": [");
	size_t n;
	const struct lint_finding *f = lint_run_findings(run, &n);
	for (size_t i = 0; i < n; i++) {
		buf_puts(&b, i ? ",\n        " : "\n        ");
		sarif_result(&s, &f[i]);
	}
	buf_puts(&b, n ? "\n      ]\n    }\n  ]\n}\n" : "]\n    }\n  ]\n}\n");
	fwrite(b.data, 1, b.len, out);
	buf_free(&b);
}

/* ---- entry points ----------------------------------------------------------------------- */

void lint_output(FILE *out, const struct lint_run *run, const struct lint_output_options *o)
{
	switch (o->format) {
	case LINT_FORMAT_TEXT:
		text_output(out, run, o);
		break;
	case LINT_FORMAT_JSON:
		json_output(out, run);
		break;
	case LINT_FORMAT_SARIF:
		sarif_output(out, run, o);
		break;
	}
}

void lint_output_rules(FILE *out)
{
	for (size_t i = 0; i < lint_rule_count(); i++) {
		const struct lint_check *c = lint_rule_at(i);
		fprintf(out, "%s  %-7s  %-30s  %s\n", c->id, lint_severity_name(c->severity),
		        c->name, c->summary);
	}
}

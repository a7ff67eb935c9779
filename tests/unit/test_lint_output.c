/*
 * test_lint_output.c - the JSON and SARIF outputs of `cell lint`, checked
 * for structure by a strict JSON reader written here (no JSON tool can be
 * assumed on a fresh CI machine).
 *
 *  - the golden files tests/lint/golden/lint.json and lint.sarif (which
 *    tests/integration/lint.sh compares byte for byte with fresh output)
 *    are valid JSON with every required key: for SARIF 2.1.0 the driver's
 *    name, version, informationUri and rules (id, name, shortDescription,
 *    fullDescription, help, defaultConfiguration.level), results with
 *    ruleId, a ruleIndex pointing at that rule, level, message, and
 *    locations whose URI, resolved against %SRCROOT%, is a file that has
 *    the region's lines; related locations and suppressions well formed;
 *  - fresh output, produced in process, passes the same checks, including
 *    a reason with an escape character and a file name that is not UTF-8;
 *  - text output: colours only when asked, control characters escaped.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "lint.h"
#include "names.h"
#include "resolve.h"
#include "util.h"

/* ---- a strict JSON reader -------------------------------------------------------- */

enum jkind { J_NULL, J_BOOL, J_NUM, J_STR, J_ARR, J_OBJ };

struct jv {
	enum jkind kind;
	bool b;
	double num;
	char *str;         /* J_STR, decoded */
	struct jv **items; /* J_ARR, J_OBJ (the values) */
	char **keys;       /* J_OBJ, in order */
	size_t n;
};

struct reader {
	const char *p, *end;
	const char *error;
};

static void jv_free(struct jv *v)
{
	if (!v)
		return;
	for (size_t i = 0; i < v->n; i++) {
		jv_free(v->items[i]);
		if (v->keys)
			free(v->keys[i]);
	}
	free(v->items);
	free(v->keys);
	free(v->str);
	free(v);
}

static void skip_ws(struct reader *r)
{
	while (r->p < r->end && strchr(" \t\r\n", *r->p))
		r->p++;
}

static struct jv *jv_new(enum jkind kind)
{
	struct jv *v = xcalloc(1, sizeof(*v));
	v->kind = kind;
	return v;
}

static struct jv *fail_at(struct reader *r, const char *why, struct jv *v)
{
	if (!r->error)
		r->error = why;
	jv_free(v);
	return NULL;
}

static int hex4(const char *p)
{
	int v = 0;
	for (int i = 0; i < 4; i++) {
		char c = p[i];
		int d = c >= '0' && c <= '9'   ? c - '0'
		        : c >= 'a' && c <= 'f' ? c - 'a' + 10
		        : c >= 'A' && c <= 'F' ? c - 'A' + 10
		                               : -1;
		if (d < 0)
			return -1;
		v = v * 16 + d;
	}
	return v;
}

static void put_utf8(struct buf *b, unsigned cp)
{
	char out[4];
	size_t n;
	if (cp < 0x80)
		out[0] = (char)cp, n = 1;
	else if (cp < 0x800)
		out[0] = (char)(0xc0 | cp >> 6), out[1] = (char)(0x80 | (cp & 0x3f)), n = 2;
	else
		out[0] = (char)(0xe0 | cp >> 12), out[1] = (char)(0x80 | ((cp >> 6) & 0x3f)),
		out[2] = (char)(0x80 | (cp & 0x3f)), n = 3;
	buf_append(b, out, n);
}

/* A string, its UTF-8 checked: JSON text must be UTF-8. */
static char *read_string(struct reader *r)
{
	if (r->p >= r->end || *r->p != '"')
		return NULL;
	r->p++;
	struct buf b;
	buf_init(&b);
	while (r->p < r->end && *r->p != '"') {
		unsigned char c = (unsigned char)*r->p;
		if (c < 0x20) {
			r->error = "a raw control character in a string";
			buf_free(&b);
			return NULL;
		}
		if (c == '\\') {
			char e = r->p + 1 < r->end ? r->p[1] : 0;
			const char *simple = strchr("\"\\/bfnrt", e);
			if (e && simple) {
				buf_append(&b, &"\"\\/\b\f\n\r\t"[simple - "\"\\/bfnrt"], 1);
				r->p += 2;
			} else if (e == 'u' && r->end - r->p >= 6 && hex4(r->p + 2) >= 0) {
				put_utf8(&b, (unsigned)hex4(r->p + 2));
				r->p += 6;
			} else {
				r->error = "a bad escape";
				buf_free(&b);
				return NULL;
			}
			continue;
		}
		size_t n = c < 0x80         ? 1
		           : (c >> 5) == 6  ? 2
		           : (c >> 4) == 14 ? 3
		           : (c >> 3) == 30 ? 4
		                            : 0;
		if (n == 0 || r->p + n > r->end) {
			r->error = "not UTF-8";
			buf_free(&b);
			return NULL;
		}
		for (size_t i = 1; i < n; i++)
			if (((unsigned char)r->p[i] & 0xc0) != 0x80) {
				r->error = "not UTF-8";
				buf_free(&b);
				return NULL;
			}
		buf_append(&b, r->p, n);
		r->p += n;
	}
	if (r->p >= r->end) {
		r->error = "an unterminated string";
		buf_free(&b);
		return NULL;
	}
	r->p++;
	char *s = xstrdup(buf_cstr(&b) ? buf_cstr(&b) : "");
	buf_free(&b);
	return s;
}

static struct jv *read_value(struct reader *r, int depth);

static struct jv *read_container(struct reader *r, int depth, bool object)
{
	struct jv *v = jv_new(object ? J_OBJ : J_ARR);
	r->p++;
	skip_ws(r);
	if (r->p < r->end && *r->p == (object ? '}' : ']')) {
		r->p++;
		return v;
	}
	for (;;) {
		char *key = NULL;
		if (object) {
			skip_ws(r);
			if (!(key = read_string(r)))
				return fail_at(r, "an object key", v);
			skip_ws(r);
			if (r->p >= r->end || *r->p++ != ':') {
				free(key);
				return fail_at(r, "a ':'", v);
			}
		}
		struct jv *item = read_value(r, depth + 1);
		if (!item) {
			free(key);
			return fail_at(r, "a value", v);
		}
		v->items = xrealloc(v->items, (v->n + 1) * sizeof(*v->items));
		v->keys = object ? xrealloc(v->keys, (v->n + 1) * sizeof(*v->keys)) : NULL;
		v->items[v->n] = item;
		if (object)
			v->keys[v->n] = key;
		v->n++;
		skip_ws(r);
		if (r->p < r->end && *r->p == ',') {
			r->p++;
			continue;
		}
		if (r->p < r->end && *r->p == (object ? '}' : ']')) {
			r->p++;
			return v;
		}
		return fail_at(r, "a ',' or a closing bracket", v);
	}
}

static struct jv *read_value(struct reader *r, int depth)
{
	skip_ws(r);
	if (depth > 64 || r->p >= r->end)
		return fail_at(r, "a value", NULL);
	char c = *r->p;
	if (c == '{' || c == '[')
		return read_container(r, depth, c == '{');
	if (c == '"') {
		struct jv *v = jv_new(J_STR);
		if (!(v->str = read_string(r)))
			return fail_at(r, "a string", v);
		return v;
	}
	static const char *const words[] = {"null", "true", "false"};
	for (size_t i = 0; i < 3; i++) {
		size_t len = strlen(words[i]);
		if ((size_t)(r->end - r->p) >= len && strncmp(r->p, words[i], len) == 0) {
			struct jv *v = jv_new(i == 0 ? J_NULL : J_BOOL);
			v->b = i == 1;
			r->p += len;
			return v;
		}
	}
	if (c == '-' || (c >= '0' && c <= '9')) {
		char *end;
		struct jv *v = jv_new(J_NUM);
		v->num = strtod(r->p, &end);
		r->p = end;
		return v;
	}
	return fail_at(r, "a value", NULL);
}

static struct jv *parse_json(const char *text, size_t len)
{
	struct reader r = {text, text + len, NULL};
	struct jv *v = read_value(&r, 0);
	skip_ws(&r);
	if (v && r.p != r.end) {
		jv_free(v);
		fail_msg("JSON: text after the value");
	}
	if (!v)
		fail_msg("JSON: expected %s at offset %zu", r.error ? r.error : "a value",
		         (size_t)(r.p - text));
	return v;
}

static const struct jv *get(const struct jv *v, const char *key)
{
	if (!v || v->kind != J_OBJ)
		return NULL;
	for (size_t i = 0; i < v->n; i++)
		if (strcmp(v->keys[i], key) == 0)
			return v->items[i];
	return NULL;
}

/* The value at a dotted path of object keys, which must have `kind`. */
static const struct jv *need(const struct jv *v, const char *path, enum jkind kind)
{
	char *copy = xstrdup(path), *save = NULL;
	const struct jv *at = v;
	for (char *k = strtok_r(copy, ".", &save); k && at; k = strtok_r(NULL, ".", &save))
		at = get(at, k);
	if (!at || at->kind != kind)
		fail_msg("SARIF/JSON: '%s' missing or of the wrong type", path);
	free(copy);
	return at;
}

static const char *need_str(const struct jv *v, const char *path)
{
	return need(v, path, J_STR)->str;
}

static bool is_level(const char *s)
{
	return strcmp(s, "note") == 0 || strcmp(s, "warning") == 0 || strcmp(s, "error") == 0;
}

/* ---- the checkers -------------------------------------------------------------------- */

/* The number of lines of a file, or -1 when it cannot be read. */
static int line_count(const char *path)
{
	char *text;
	size_t len;
	if (read_file(path, &text, &len) < 0)
		return -1;
	int n = len && text[len - 1] != '\n';
	for (size_t i = 0; i < len; i++)
		n += text[i] == '\n';
	free(text);
	return n;
}

static void percent_decode(char *s)
{
	char *out = s;
	for (; *s; s++) {
		if (*s == '%' && s[1] && s[2]) {
			char hex[3] = {s[1], s[2], 0};
			*out++ = (char)strtol(hex, NULL, 16);
			s += 2;
		} else {
			*out++ = *s;
		}
	}
	*out = '\0';
}

static void check_physical(const struct jv *phys, const char *root)
{
	const struct jv *art = need(phys, "artifactLocation", J_OBJ);
	char *uri = xstrdup(need_str(art, "uri"));
	const struct jv *base = get(art, "uriBaseId");
	char *path;
	if (base) {
		assert_int_equal(base->kind, J_STR);
		assert_string_equal(base->str, "%SRCROOT%");
		assert_true(uri[0] != '/' && !strstr(uri, "://"));
		percent_decode(uri);
		path = xasprintf("%s/%s", root, uri);
	} else {
		assert_memory_equal(uri, "file:///", 8);
		percent_decode(uri);
		path = xstrdup(uri + 7);
	}
	const struct jv *region = get(phys, "region");
	int lines = line_count(path);
	if (lines < 0)
		fail_msg("SARIF location '%s' does not resolve to a file", path);
	if (region) {
		double sl = need(region, "startLine", J_NUM)->num;
		double sc = need(region, "startColumn", J_NUM)->num;
		double el = need(region, "endLine", J_NUM)->num;
		double ec = need(region, "endColumn", J_NUM)->num;
		assert_true(sl >= 1 && sc >= 1 && el >= sl && ec >= 1);
		assert_true(el > sl || ec > sc);
		assert_true(el <= lines);
	}
	free(path);
	free(uri);
}

static void check_sarif(const char *text, size_t len, const char *root)
{
	struct jv *doc = parse_json(text, len);
	assert_string_equal(need_str(doc, "version"), "2.1.0");
	need_str(doc, "$schema");
	const struct jv *runs = need(doc, "runs", J_ARR);
	assert_int_equal(runs->n, 1);
	const struct jv *run = runs->items[0];
	const struct jv *driver = need(run, "tool.driver", J_OBJ);
	assert_string_equal(need_str(driver, "name"), "cell");
	need_str(driver, "version");
	assert_non_null(strchr(need_str(driver, "informationUri"), ':'));
	const struct jv *rules = need(driver, "rules", J_ARR);
	assert_true(rules->n > 0);
	for (size_t i = 0; i < rules->n; i++) {
		const struct jv *rule = rules->items[i];
		need_str(rule, "id");
		need_str(rule, "name");
		need_str(rule, "shortDescription.text");
		need_str(rule, "fullDescription.text");
		need_str(rule, "help.text");
		assert_true(is_level(need_str(rule, "defaultConfiguration.level")));
	}
	const char *root_uri = need_str(run, "originalUriBaseIds.%SRCROOT%.uri");
	assert_memory_equal(root_uri, "file:///", 8);
	assert_int_equal(root_uri[strlen(root_uri) - 1], '/');
	const struct jv *results = need(run, "results", J_ARR);
	for (size_t i = 0; i < results->n; i++) {
		const struct jv *res = results->items[i];
		const char *id = need_str(res, "ruleId");
		double index = need(res, "ruleIndex", J_NUM)->num;
		assert_true(index >= 0 && index < (double)rules->n);
		assert_string_equal(need_str(rules->items[(size_t)index], "id"), id);
		assert_true(is_level(need_str(res, "level")));
		assert_true(need_str(res, "message.text")[0]);
		const struct jv *locs = need(res, "locations", J_ARR);
		assert_int_equal(locs->n, 1);
		check_physical(need(locs->items[0], "physicalLocation", J_OBJ), root);
		const struct jv *related = get(res, "relatedLocations");
		for (size_t j = 0; related && j < related->n; j++) {
			need(related->items[j], "id", J_NUM);
			need_str(related->items[j], "message.text");
			check_physical(need(related->items[j], "physicalLocation", J_OBJ), root);
		}
		const struct jv *supp = get(res, "suppressions");
		for (size_t j = 0; supp && j < supp->n; j++) {
			assert_string_equal(need_str(supp->items[j], "kind"), "inSource");
			const struct jv *why = get(supp->items[j], "justification");
			assert_true(!why || why->kind == J_STR);
		}
	}
	jv_free(doc);
}

static const char *const json_keys[] = {
    "rule",      "name",    "severity", "file",   "line",  "column",     "endLine",
    "endColumn", "message", "fix",      "policy", "chain", "suppressed", "justification",
};

/* Returns the number of findings. `dir` is where relative file names start;
 * NULL: the files are not looked at. */
static size_t check_json(const char *text, size_t len, const char *dir)
{
	struct jv *doc = parse_json(text, len);
	assert_int_equal(doc->kind, J_ARR);
	for (size_t i = 0; i < doc->n; i++) {
		const struct jv *f = doc->items[i];
		assert_int_equal(f->kind, J_OBJ);
		assert_int_equal(f->n, sizeof(json_keys) / sizeof(json_keys[0]));
		for (size_t k = 0; k < f->n; k++)
			assert_string_equal(f->keys[k], json_keys[k]);
		assert_non_null(lint_rule_find(need_str(f, "rule")));
		assert_true(is_level(need_str(f, "severity")));
		const char *file = need_str(f, "file");
		double line = need(f, "line", J_NUM)->num;
		assert_true(line >= 1);
		if (dir) {
			char *path = file[0] == '/' ? xstrdup(file) : xasprintf("%s/%s", dir, file);
			int lines = line_count(path);
			free(path);
			assert_true(lines >= 0 && line <= lines);
		}
		need(f, "chain", J_ARR);
		const struct jv *s = need(f, "suppressed", J_BOOL);
		const struct jv *j = get(f, "justification");
		assert_true(j->kind == J_NULL || (s->b && j->kind == J_STR));
	}
	size_t n = doc->n;
	jv_free(doc);
	return n;
}

/* ---- the tests ---------------------------------------------------------------------------- */

static void test_reader_rejects(void **state)
{
	(void)state;
	static const char *const bad[] = {"[1,]",     "{\"a\" 1}",  "\"\\q\"",
	                                  "\"\x01\"", "[\"\xff\"]", "{\"a\":1,}"};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		struct reader r = {bad[i], bad[i] + strlen(bad[i]), NULL};
		struct jv *v = read_value(&r, 0);
		skip_ws(&r);
		if (v && r.p == r.end)
			fail_msg("accepted %s", bad[i]);
		jv_free(v);
	}
}

static void test_golden_files(void **state)
{
	(void)state;
	char *text;
	size_t len;
	assert_int_equal(read_file(CELL_SOURCE_DIR "/tests/lint/golden/lint.sarif", &text, &len),
	                 0);
	check_sarif(text, len, CELL_SOURCE_DIR);
	free(text);
	assert_int_equal(read_file(CELL_SOURCE_DIR "/tests/lint/golden/lint.json", &text, &len), 0);
	assert_true(check_json(text, len, CELL_SOURCE_DIR) >= 5);
	free(text);
}

/* Lints `text` written to a file `name` in a temporary directory and
 * returns the output in `format`. */
static char *lint_output_of(const char *dir, const char *name, const char *text,
                            enum lint_format format, bool color, size_t *len)
{
	char *path = xasprintf("%s/%s", dir, name);
	FILE *f = fopen(path, "w");
	assert_non_null(f);
	fputs(text, f);
	fclose(f);
	char *log = NULL;
	size_t log_len = 0;
	FILE *logf = open_memstream(&log, &log_len);
	struct diag_ctx *d = diag_new(logf);
	struct resolve_result res;
	const char *dirs[] = {CELL_SOURCE_DIR "/policies/lib"};
	struct resolve_options ro = {.include_dirs = dirs, .n_include_dirs = 1};
	assert_int_equal(resolve_file(d, path, &ro, &res), 0);
	struct lint_run *run = lint_run_new(NULL);
	for (size_t i = 0; i < res.n_policies; i++)
		lint_run_policy(run, res.policies[i]);
	lint_run_finish(run);
	char *out = NULL;
	FILE *o = open_memstream(&out, len);
	struct lint_output_options oo = {.format = format, .color = color, .diag = d, .root = dir};
	lint_output(o, run, &oo);
	fclose(o);
	lint_run_free(run);
	resolve_result_free(&res);
	diag_free(d);
	fclose(logf);
	free(log);
	free(path);
	return out;
}

static char *make_dir(void)
{
	char tmpl[] = "/tmp/cell-lint-XXXXXX";
	assert_non_null(mkdtemp(tmpl));
	return xstrdup(tmpl);
}

static void remove_dir(char *dir)
{
	char *cmd = xasprintf("rm -rf '%s'", dir);
	assert_int_equal(system(cmd), 0);
	free(cmd);
	free(dir);
}

static const char hostile[] =
    "include \"hardening.cell\"\n"
    "policy p : hardening {\n"
    "  lint { ignore CL002 because \"bad\\x1b[31m\\x07 reason \xc3\xa9\" }\n"
    "  syscalls {\n"
    "    default allow\n"
    "    allow swapon\n"
    "  }\n"
    "}\n";

static void test_fresh_output_is_well_formed(void **state)
{
	(void)state;
	char *dir = make_dir();
	size_t len;
	/* A name that is not UTF-8, and one that needs percent-encoding. */
	char *out = lint_output_of(dir, "p\xff q.cell", hostile, LINT_FORMAT_SARIF, false, &len);
	check_sarif(out, len, dir);
	assert_non_null(strstr(out, "\"uri\":\"p%FF%20q.cell\",\"uriBaseId\":\"%SRCROOT%\""));
	assert_non_null(strstr(out, "\"justification\":\"bad\\u001b[31m\\u0007 reason \xc3\xa9\""));
	free(out);
	out = lint_output_of(dir, "p\xff q.cell", hostile, LINT_FORMAT_JSON, false, &len);
	assert_int_equal(check_json(out, len, NULL), 3);      /* CL028 for the reason too */
	assert_non_null(strstr(out, "p\xef\xbf\xbd q.cell")); /* U+FFFD for the bad byte */
	free(out);
	remove_dir(dir);
}

static void test_text_output(void **state)
{
	(void)state;
	char *dir = make_dir();
	size_t len;
	char *out = lint_output_of(dir, "p.cell", hostile, LINT_FORMAT_TEXT, false, &len);
	assert_null(strchr(out, '\033'));
	assert_non_null(strstr(out, "p.cell:6:11: warning: 'allow swapon' allows a dangerous "
	                            "syscall without a reason [CL001]\n"
	                            "      allow swapon\n"
	                            "            ^~~~~~\n"
	                            "  fix: "));
	assert_null(strstr(out, "CL002]")); /* suppressed: not shown */
	free(out);
	out = lint_output_of(dir, "p.cell", hostile, LINT_FORMAT_TEXT, true, &len);
	assert_non_null(strstr(out, "\033[1;35mwarning:\033[0m"));
	free(out);
	remove_dir(dir);
}

static void test_color_wanted(void **state)
{
	(void)state;
	int fds[2];
	assert_int_equal(pipe(fds), 0);
	unsetenv("NO_COLOR");
	assert_false(lint_color_wanted(fds[0]));
	close(fds[0]);
	close(fds[1]);
	int master = posix_openpt(O_RDWR | O_NOCTTY);
	if (master < 0)
		skip();
	assert_int_equal(grantpt(master), 0);
	assert_int_equal(unlockpt(master), 0);
	int slave = open(ptsname(master), O_RDWR | O_NOCTTY);
	assert_true(slave >= 0);
	assert_true(lint_color_wanted(slave));
	setenv("NO_COLOR", "", 1);
	assert_true(lint_color_wanted(slave)); /* empty: not set, by the convention */
	setenv("NO_COLOR", "1", 1);
	assert_false(lint_color_wanted(slave));
	unsetenv("NO_COLOR");
	close(slave);
	close(master);
}

static void test_repository_root(void **state)
{
	(void)state;
	char *dir = make_dir();
	char *sub = xasprintf("%s/a/b", dir);
	char *cmd = xasprintf("mkdir -p '%s' '%s/.git' && touch '%s/p.cell'", sub, dir, sub);
	assert_int_equal(system(cmd), 0);
	char *file = xasprintf("%s/p.cell", sub);
	char *root = lint_repository_root(file);
	char *real = realpath(dir, NULL);
	assert_string_equal(root, real);
	free(root);
	root = lint_repository_root(sub);
	assert_string_equal(root, real);
	free(root);
	free(real);
	free(file);
	free(cmd);
	free(sub);
	remove_dir(dir);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_reader_rejects),
	    cmocka_unit_test(test_golden_files),
	    cmocka_unit_test(test_fresh_output_is_well_formed),
	    cmocka_unit_test(test_text_output),
	    cmocka_unit_test(test_color_wanted),
	    cmocka_unit_test(test_repository_root),
	};
	int rc = cmocka_run_group_tests(tests, NULL, NULL);
	names_cleanup();
	return rc;
}

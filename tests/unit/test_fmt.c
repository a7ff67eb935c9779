/*
 * Unit tests for `cell fmt`: the .cell printer (compiler/fmt_cell.c), the
 * comment placement it relies on (compiler/fmt_comments.c), the YAML printer
 * (compiler/fmt_yaml.c) and the diff (compiler/fmt_diff.c).
 *
 * Every formatting case checks three things: the exact output, that
 * formatting the output again changes nothing (idempotence), and that the
 * output parses to the same tree as the input (ast_dump_shape). The YAML cases
 * check that the printed YAML reads back to the same tree, and back to the
 * same .cell text.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ast.h"
#include "fmt_cell.h"
#include "fmt_diff.h"
#include "fmt_yaml.h"
#include "yaml_front.h"

/* ---- harness ----------------------------------------------------------------------------- */

struct parsed {
	struct diag_ctx *diag;
	FILE *out;
	char *messages;
	size_t messages_len;
	struct ast_file *ast;
	const char *text;
	size_t len;
	bool yaml;
};

static void parse(struct parsed *p, const char *text, bool yaml)
{
	memset(p, 0, sizeof(*p));
	p->out = open_memstream(&p->messages, &p->messages_len);
	assert_non_null(p->out);
	p->diag = diag_new(p->out);
	p->text = text;
	p->len = strlen(text);
	p->yaml = yaml;
	const char *path = diag_add_source(p->diag, yaml ? "t.yaml" : "t.cell", text, p->len);
	p->ast = yaml ? parse_policy_yaml(p->diag, path, text, p->len)
	              : parse_policy_text(p->diag, path, text, p->len);
	fflush(p->out);
	if (diag_error_count(p->diag))
		print_message("unexpected errors:\n%s\nin:\n%s\n", p->messages, text);
	assert_int_equal(diag_error_count(p->diag), 0);
}

static void parsed_free(struct parsed *p)
{
	ast_file_free(p->ast);
	diag_free(p->diag);
	fclose(p->out);
	free(p->messages);
}

/* Prints a parsed file; returns the text (caller frees) or NULL on error,
 * with the messages in *messages when asked. */
static char *print_as(struct parsed *p, bool yaml, bool *exact)
{
	struct fmt_source src = {p->text, p->len, p->yaml};
	struct buf out;
	buf_init(&out);
	bool ok = yaml ? fmt_yaml_print(p->ast, &src, p->diag, &out, exact)
	               : fmt_cell_print(p->ast, &src, p->diag, &out, exact);
	fflush(p->out);
	if (!ok) {
		buf_free(&out);
		return NULL;
	}
	char *s = xstrdup(buf_cstr(&out));
	buf_free(&out);
	return s;
}

static char *tree_key(const struct ast_file *f)
{
	struct buf b;
	buf_init(&b);
	ast_dump_shape(f, &b);
	char *s = xstrdup(buf_cstr(&b));
	buf_free(&b);
	return s;
}

/* `text` formats to `expected`, which formats to itself, and both parse to
 * the same tree. */
static void assert_fmt(const char *text, const char *expected)
{
	struct parsed in, out;
	parse(&in, text, false);
	bool exact = false;
	char *printed = print_as(&in, false, &exact);
	assert_non_null(printed);
	if (strcmp(printed, expected) != 0)
		print_message("formatted:\n%s---\nexpected:\n%s---\n", printed, expected);
	assert_string_equal(printed, expected);
	assert_true(exact);
	parse(&out, printed, false);
	char *again = print_as(&out, false, NULL);
	assert_non_null(again);
	if (strcmp(again, printed) != 0)
		print_message("not idempotent:\n%s---\nthen:\n%s---\n", printed, again);
	assert_string_equal(again, printed);
	char *k1 = tree_key(in.ast), *k2 = tree_key(out.ast);
	assert_string_equal(k1, k2);
	free(k1);
	free(k2);
	free(again);
	free(printed);
	parsed_free(&in);
	parsed_free(&out);
}

/* cell -> yaml reads back to the same tree (when the printer says it is
 * exact), and yaml -> cell gives `cell_again` (NULL: the .cell text
 * formatted without comments and blank lines... compared to the input's
 * formatting when `same_cell`). Returns the YAML text. */
static char *assert_yaml_round_trip(const char *cell, bool want_exact)
{
	struct parsed c, y;
	parse(&c, cell, false);
	bool exact = false;
	char *yaml = print_as(&c, true, &exact);
	if (!yaml)
		print_message("YAML printing failed:\n%s\n", c.messages);
	assert_non_null(yaml);
	assert_int_equal(exact, want_exact);
	parse(&y, yaml, true);
	if (want_exact) {
		char *k1 = tree_key(c.ast), *k2 = tree_key(y.ast);
		if (strcmp(k1, k2) != 0)
			print_message("trees differ\n--- cell:\n%s--- yaml:\n%s--- text:\n%s", k1,
			              k2, yaml);
		assert_string_equal(k1, k2);
		free(k1);
		free(k2);
	}
	/* The YAML printed again from its own tree is the same text, comments
	 * aside (YAML keeps none). */
	char *back = print_as(&y, false, NULL);
	assert_non_null(back);
	struct parsed b;
	parse(&b, back, false);
	char *k1 = tree_key(y.ast), *k2 = tree_key(b.ast);
	assert_string_equal(k1, k2);
	free(k1);
	free(k2);
	free(back);
	parsed_free(&b);
	parsed_free(&c);
	parsed_free(&y);
	return yaml;
}

/* ---- comment placement ------------------------------------------------------------------- */

static void test_own_line_and_trailing_comments(void **state)
{
	(void)state;
	assert_fmt("# header\n"
	           "policy p {   # the policy\n"
	           "  # before fs\n"
	           "  fs { ro /usr   # usr\n"
	           "       # before proc\n"
	           "       proc /proc }\n"
	           "  net none # no network\n"
	           "}\n"
	           "# the end\n",
	           "# header\n"
	           "policy p {  # the policy\n"
	           "  # before fs\n"
	           "  fs {\n"
	           "    ro /usr  # usr\n"
	           "    # before proc\n"
	           "    proc /proc\n"
	           "  }\n"
	           "  net none  # no network\n"
	           "}\n"
	           "# the end\n");
}

static void test_comments_at_block_ends(void **state)
{
	(void)state;
	/* Before '}': inside the block. On the '}' line: after it. A comment
	 * on a line that opens and closes a block goes with its header. */
	assert_fmt("policy p {\n"
	           "  syscalls {\n"
	           "    allow read\n"
	           "    # last words\n"
	           "  }  # end of syscalls\n"
	           "  limits { memory 1M pids 2 }  # small\n"
	           "  env {\n"
	           "    # nothing yet\n"
	           "  }\n"
	           "}\n",
	           "policy p {\n"
	           "  syscalls {\n"
	           "    allow read\n"
	           "    # last words\n"
	           "  }  # end of syscalls\n"
	           "  limits {  # small\n"
	           "    memory 1M\n"
	           "    pids 2\n"
	           "  }\n"
	           "  env {\n"
	           "    # nothing yet\n"
	           "  }\n"
	           "}\n");
}

static void test_comments_inside_a_statement(void **state)
{
	(void)state;
	/* An own-line comment inside a statement that spans lines goes before
	 * it; a trailing comment on its first line stays there (a `# lint:`
	 * suppression is per line); one on a later line goes to the end of the
	 * statement. */
	assert_fmt("policy p { syscalls {\n"
	           "  deny ptrace,   # lint: CL001\n"
	           "    # why these\n"
	           "    process_vm_readv  # and this\n"
	           "  allow read\n"
	           "} }\n",
	           "policy p {\n"
	           "  syscalls {\n"
	           "    # why these\n"
	           "    # and this\n"
	           "    deny  ptrace, process_vm_readv  # lint: CL001\n"
	           "    allow read\n"
	           "  }\n"
	           "}\n");
	assert_fmt("policy p { syscalls {\n"
	           "  deny ptrace,\n"
	           "    process_vm_readv  # both\n"
	           "} }\n",
	           "policy p {\n"
	           "  syscalls {\n"
	           "    deny ptrace, process_vm_readv  # both\n"
	           "  }\n"
	           "}\n");
}

static void test_long_rule_keeps_comments_on_its_lines(void **state)
{
	(void)state;
	assert_fmt(
	    "policy p { syscalls {\n"
	    "  deny open_tree, move_mount, fsopen, fsconfig, fsmount, fspick, mount_setattr "
	    "errno ENOSYS  # lint: CL007\n"
	    "    because \"the new mount API: filtered mount rules would not see it\"  # why\n"
	    "} }\n",
	    "policy p {\n"
	    "  syscalls {\n"
	    "    deny open_tree, move_mount, fsopen, fsconfig, fsmount, fspick, "
	    "mount_setattr errno ENOSYS  # lint: CL007\n"
	    "      because \"the new mount API: filtered mount rules would not see it\"  "
	    "# why\n"
	    "  }\n"
	    "}\n");
}

static void test_blank_lines(void **state)
{
	(void)state;
	/* One blank line where the source has one or more; none after '{' or
	 * before '}'; top-level items apart, includes together as written. */
	assert_fmt("include \"a.cell\"\ninclude \"b.cell\"\n\n\ninclude \"c.cell\"\n"
	           "const A = 1\npolicy p {\n\n"
	           "  syscalls {\n\n    allow read\n\n\n    # about write\n    allow write\n"
	           "    deny ptrace\n\n  }\n\n}\npolicy q { }\n",
	           "include \"a.cell\"\ninclude \"b.cell\"\n\ninclude \"c.cell\"\n\n"
	           "const A = 1\n\npolicy p {\n"
	           "  syscalls {\n    allow read\n\n    # about write\n    allow write\n"
	           "    deny  ptrace\n  }\n}\n\npolicy q {}\n");
}

static void test_syscalls_order_moves_comments(void **state)
{
	(void)state;
	/* The default and the groups go first; their comments go with them. */
	assert_fmt("policy p { syscalls {\n"
	           "  allow read  # r\n"
	           "  # the default\n"
	           "  default kill\n"
	           "  group @g = { write }  # g\n"
	           "} }\n",
	           "policy p {\n"
	           "  syscalls {\n"
	           "    # the default\n"
	           "    default kill\n"
	           "    group @g = { write }  # g\n"
	           "    allow read            # r\n"
	           "  }\n"
	           "}\n");
}

static void test_crlf_and_trailing_space(void **state)
{
	(void)state;
	assert_fmt("# a \r\npolicy p {\r\n  net none   # b \t\r\n}\r\n",
	           "# a\npolicy p {\n  net none  # b\n}\n");
}

/* ---- layout ------------------------------------------------------------------------------ */

static void test_every_statement(void **state)
{
	(void)state;
	assert_fmt(
	    "include \"lib.cell\"\nconst S = /scratch const G = \"hi "
	    "\\\"there\\\"\\n\\x01\\0\xc3\xa9\"\n"
	    "group @io = { read, !kill, optional mmap2, !optional @x, @basic-io }\n"
	    "policy b {}\n"
	    "policy p : b {\n"
	    "  description \"a\\tb\" untrusted requires bwrap \"0.8.0\" fallback landlock\n"
	    "  lint { ignore CL001 CL002 because \"why\" ignore CL003 }\n"
	    "  param W  param D in /srv/jobs  arch x86_64 x86 net loopback\n"
	    "  fs { ro? /etc/x at /y  rw \"/a b\"  dev /dev  tmpfs /t mode 0700 size 1M\n"
	    "       link /bin -> usr/bin  dir /d mode 0755  file /f \"x\" mode 0644\n"
	    "       mask? /m  mask /n  cwd /w  rw? ${W}/s  ro rel }\n"
	    "  syscalls { default errno EPERM  allow read write  deny x errno E because \"b\"\n"
	    "             kill time, link trap optional y log @g  allow z(a, b) if a == 1 }\n"
	    "  limits { memory 1.5G best-effort  cpu 150%  time infinity }\n"
	    "  env { clear keep A B set C=1 set D=/p set E=\"s\" set F=x.y unset G }\n"
	    "  process { hostname h uid 0 gid 0x10 new-session }\n"
	    "  test { expect kill -> kill  expect ioctl(0, A | B) -> errno EPERM on x86_64\n"
	    "         expect fs /w writable  expect limit memory 1G  expect limit cpu none }\n"
	    "}\n",
	    "include \"lib.cell\"\n\nconst S = /scratch\n"
	    "const G = \"hi \\\"there\\\"\\n\\x01\\0\xc3\xa9\"\n\n"
	    "group @io = { read, !kill, optional mmap2, !optional @x, @basic-io }\n\n"
	    "policy b {}\n\n"
	    "policy p : b {\n"
	    "  description \"a\\tb\"\n  untrusted\n  requires bwrap \"0.8.0\"\n"
	    "  fallback landlock\n"
	    "  lint {\n    ignore CL001, CL002 because \"why\"\n    ignore CL003\n  }\n"
	    "  param W\n  param D in /srv/jobs\n  arch x86_64, x86\n  net loopback\n"
	    "  fs {\n    ro?   /etc/x at /y\n    rw    \"/a b\"\n    dev   /dev\n"
	    "    tmpfs /t size 1M mode 0700\n    link  /bin -> usr/bin\n    dir   /d mode 0755\n"
	    "    file  /f \"x\" mode 0644\n    mask? /m\n    mask  /n\n    cwd   /w\n"
	    "    rw?   ${W}/s\n    ro    rel\n  }\n"
	    "  syscalls {\n    default errno EPERM\n    allow read, write\n"
	    "    deny  x errno E because \"b\"\n    kill  time, link\n    trap  optional y\n"
	    "    log   @g\n    allow z(a, b) if a == 1\n  }\n"
	    "  limits {\n    memory 1.5G best-effort\n    cpu 150%\n    time infinity\n  }\n"
	    "  env {\n    clear\n    keep A B\n    set C=1\n    set D=/p\n    set E=\"s\"\n"
	    "    set F=x.y\n    unset G\n  }\n"
	    "  process {\n    hostname h\n    uid 0\n    gid 0x10\n    new-session\n  }\n"
	    "  test {\n    expect kill            -> kill\n"
	    "    expect ioctl(0, A | B) -> errno EPERM on x86_64\n"
	    "    expect fs /w writable\n    expect limit memory 1G\n    expect limit cpu none\n"
	    "  }\n"
	    "}\n");
}

static void test_expression_parentheses(void **state)
{
	(void)state;
	assert_fmt("policy p { syscalls {\n"
	           "  allow a(x) if (x == 1)\n"
	           "  allow b(x) if ! x == 1\n"
	           "  allow c(x, y) if (x == 1 || y == 2) && !(x in (1, 2 | 3))\n"
	           "  allow d(x, y) if x == 1 || (y == 2 || y == 3)\n"
	           "  allow e(x) if x & (1 | 2) == 3\n"
	           "  allow f(x) if (!x) == 0 && !!x\n"
	           "  allow g(x) if ((x & 1) & 2) == (3 & (4 & 5))\n"
	           "} }\n",
	           "policy p {\n"
	           "  syscalls {\n"
	           "    allow a(x) if x == 1\n"
	           "    allow b(x) if !(x == 1)\n"
	           "    allow c(x, y) if (x == 1 || y == 2) && !(x in (1, 2 | 3))\n"
	           "    allow d(x, y) if x == 1 || (y == 2 || y == 3)\n"
	           "    allow e(x) if x & (1 | 2) == 3\n"
	           "    allow f(x) if (!x) == 0 && !!x\n"
	           "    allow g(x) if x & 1 & 2 == 3 & (4 & 5)\n"
	           "  }\n"
	           "}\n");
}

static void test_wide_statements(void **state)
{
	(void)state;
	/* A group past 100 columns is filled; a rule splits at `if`/`because`. */
	assert_fmt("group @g = { aaaaaaaaaa, bbbbbbbbbb, cccccccccc, dddddddddd, eeeeeeeeee, "
	           "ffffffffff, gggggggggg, hhhhhhhhhh,\n"
	           "  iiiiiiiiii }  # wide\n"
	           "policy p { syscalls { deny personality(persona) if !(persona in (0xffffffff, "
	           "PER_LINUX, PER_LINUX32, UNAME26, PER_LINUX32 | UNAME26)) } }\n",
	           "group @g = {\n"
	           "  aaaaaaaaaa, bbbbbbbbbb, cccccccccc, dddddddddd, eeeeeeeeee, ffffffffff, "
	           "gggggggggg, hhhhhhhhhh,\n"
	           "  iiiiiiiiii\n"
	           "}  # wide\n\n"
	           "policy p {\n"
	           "  syscalls {\n"
	           "    deny personality(persona)\n"
	           "      if !(persona in (0xffffffff, PER_LINUX, PER_LINUX32, UNAME26, "
	           "PER_LINUX32 | UNAME26))\n"
	           "  }\n"
	           "}\n");
}

/* The table of reserved words the formatter uses (ast_reserved_words) is the
 * language's, as docs/language.md lists them, and each one is reserved by the
 * parser. */
static void test_keywords_match_the_language(void **state)
{
	(void)state;
	char *path = xasprintf("%s/docs/language.md", CELL_SOURCE_DIR);
	char *doc = NULL;
	size_t len = 0;
	assert_int_equal(read_file(path, &doc, &len), 0);
	const char *start = strstr(doc, "Keywords are reserved: `");
	assert_non_null(start);
	start += strlen("Keywords are reserved: `");
	const char *end = strchr(start, '`');
	assert_non_null(end);
	char *list = xstrndup(start, (size_t)(end - start));
	int count = 0;
	for (char *save = NULL, *w = strtok_r(list, " \n", &save); w;
	     w = strtok_r(NULL, " \n", &save)) {
		assert_true(ast_is_reserved(w, strlen(w)));
		char *text = xasprintf("policy p { process { hostname %s } }", w);
		struct diag_ctx *d = diag_new(fopen("/dev/null", "w"));
		const char *in = diag_add_source(d, "k.cell", text, strlen(text));
		ast_file_free(parse_policy_text(d, in, text, strlen(text)));
		assert_true(diag_error_count(d) > 0);
		diag_free(d);
		free(text);
		count++;
	}
	assert_int_equal(count, ast_reserved_word_count);
	assert_false(ast_is_reserved("limit", 5));
	free(list);
	free(doc);
	free(path);
}

/* ---- YAML -------------------------------------------------------------------------------- */

static const char every_construct[] =
    "# header\n"
    "include \"lib.cell\"\nconst S = /scratch\nconst G = \"hi \\\"there\\\"\\n\\x01\\0\xc3\xa9\"\n"
    "const N = 0x10\nconst I = name\n"
    "group @io = { read, !kill, optional mmap2, !optional @x, @basic-io }\n"
    "policy b {}\n"
    "policy p : b {\n"
    "  description \"a\\tb\\xc2\\x85\" untrusted requires bwrap \"0.8.0\" fallback none\n"
    "  lint { ignore CL001, CL002 because \"why\" ignore CL003 }\n"
    "  param W  param V  param D in /srv/jobs  param E in ${W}/x arch x86_64, x86 net host\n"
    "  fs { ro? /etc/x at /y  rw \"/a b\"  dev /dev  tmpfs /t size 1M mode 0700\n"
    "       link /bin -> usr/bin  dir /d mode 0755  file /f \"x\\0y\" mode 0644\n"
    "       mask? /m  mask /n  cwd /w  rw? ${W}/s  ro rel  ro /a:b,c }\n"
    "  syscalls {\n"
    "    default errno EPERM\n"
    "    group @local = { @io, close }\n"
    "    allow read, write  # lint: CL001\n"
    "    deny x errno E because \"b\"\n"
    "    kill time, link  trap optional y  log @g\n"
    "    allow z(a, b) if !(a == 1) || b & 3 in (1, 2 | X)\n"
    "  }\n"
    "  limits { memory 1.5G best-effort  cpu 150%  time infinity  pids 1 }\n"
    "  env { clear keep A B set C=1 set D=/p set E=\"s\" set F=x.y set H=${W}/x unset G }\n"
    "  process { hostname h uid 0 gid 0x10 new-session }\n"
    "  test { expect kill -> kill  expect ioctl(0, A | B) -> errno EPERM on x86_64\n"
    "         expect clone -> deny  expect fs ${W}/x writable  expect limit memory 1G\n"
    "         expect limit cpu none }\n"
    "}\n";

static void test_yaml_every_construct(void **state)
{
	(void)state;
	char *yaml = assert_yaml_round_trip(every_construct, true);
	/* Comments are YAML comments; the rule's suppression is its lint key. */
	assert_non_null(strstr(yaml, "# header\n"));
	assert_non_null(strstr(yaml, "lint: [CL001]"));
	/* YAML's escapes for what YAML may not hold raw. */
	assert_non_null(strstr(yaml, "\"a\\tb\\x85\""));
	/* The YAML, read and printed as .cell, keeps the suppression. */
	struct parsed y;
	parse(&y, yaml, true);
	char *cell = print_as(&y, false, NULL);
	assert_non_null(strstr(cell, "allow read, write  # lint: CL001\n"));
	/* And printed as YAML again, it is the same YAML, but for the comments
	 * libyaml does not keep. */
	char *yaml2 = print_as(&y, true, NULL);
	assert_null(strstr(yaml2, "# header"));
	assert_non_null(strstr(yaml2, "lint: [CL001]"));
	free(yaml2);
	free(cell);
	parsed_free(&y);
	free(yaml);
}

/* Only a rule's suppression of named rules becomes its `lint` key. */
static void test_yaml_lint_comments(void **state)
{
	(void)state;
	struct parsed c;
	parse(&c,
	      "policy p { syscalls {\n"
	      "  allow a  # lint: CL001, CL002\n"
	      "  allow b  # lint: CL003 because \"why\"\n"
	      "  allow c  # lint: CL004 nope!\n"
	      "  default allow  # lint: CL005\n"
	      "  allow d  # lint: CL006 because\n" /* no quotes: the resolver sees no reason */
	      "} }\n",
	      false);
	char *yaml = print_as(&c, true, NULL);
	assert_non_null(yaml);
	assert_non_null(strstr(yaml, "- allow: a\n          lint: [CL001, CL002]\n"));
	assert_non_null(
	    strstr(yaml, "- allow: b  # lint: CL003 because \"why\"\n          lint: [CL003]\n"));
	assert_non_null(strstr(yaml, "- allow: c  # lint: CL004 nope!\n"));
	assert_null(strstr(yaml, "CL004]"));
	assert_non_null(strstr(yaml, "default: allow  # lint: CL005\n"));
	/* One warning for each comment the YAML reader will not give back whole. */
	assert_non_null(
	    strstr(c.messages, "t.cell:3:12: warning: YAML keeps this suppression's ids"));
	assert_non_null(strstr(c.messages, "t.cell:4:12: warning: this '# lint:' comment becomes"));
	assert_non_null(strstr(c.messages, "t.cell:5:18: warning: this '# lint:' comment becomes"));
	assert_null(strstr(c.messages, "t.cell:2:"));
	assert_non_null(strstr(yaml, "- allow: d\n          lint: [CL006]\n"));
	assert_null(strstr(c.messages, "t.cell:6:"));
	free(yaml);
	parsed_free(&c);
}

static void test_yaml_blank_lines_survive(void **state)
{
	(void)state;
	const char *cell = "policy p {\n"
	                   "  syscalls {\n"
	                   "    default allow\n"
	                   "\n"
	                   "    # about ptrace\n"
	                   "    deny ptrace\n"
	                   "\n"
	                   "    deny bpf\n"
	                   "  }\n"
	                   "}\n";
	char *yaml = assert_yaml_round_trip(cell, true);
	struct parsed y;
	parse(&y, yaml, true);
	char *back = print_as(&y, false, NULL);
	assert_string_equal(back, "policy p {\n"
	                          "  syscalls {\n"
	                          "    default allow\n"
	                          "\n"
	                          "    deny ptrace\n"
	                          "\n"
	                          "    deny bpf\n"
	                          "  }\n"
	                          "}\n");
	free(back);
	parsed_free(&y);
	free(yaml);
}

static void test_yaml_merges_repeated_sections(void **state)
{
	(void)state;
	char *yaml = assert_yaml_round_trip("policy p { fs { ro /a } net none fs { ro /b }\n"
	                                    "  param A env { clear } param B }\n"
	                                    "include \"x.cell\"\n",
	                                    false);
	assert_non_null(strstr(yaml, "    fs:\n      - ro: /a\n      - ro: /b\n"));
	assert_non_null(strstr(yaml, "    param:\n      - A\n      - B\n"));
	free(yaml);
	/* Adjacent params are exact: YAML makes one body per name. */
	free(assert_yaml_round_trip("policy p { param A param B net none }", true));
}

/* What YAML cannot say twice is an error, as the resolver would report. */
static void test_yaml_refuses_what_it_cannot_hold(void **state)
{
	(void)state;
	static const char *const cases[] = {
	    "policy p { net none net host }",
	    "policy p { limits { memory 1M } limits { memory 2M } }",
	    "policy p { syscalls { default allow } syscalls { default kill } }",
	    "policy p { process { uid 1 uid 2 } }",
	    "policy p { } policy p { }",
	    "const A = 1 const A = 2",
	    "policy p { syscalls { group @g = { a } } syscalls { group @g = { b } } }",
	    /* Bytes that are not UTF-8 (found by fuzzing: once printed as an
	     * unterminated quote), in a rule's reason and in a description. */
	    "policy p { syscalls { deny ptrace because \"x\\x80\\xae\" } }",
	    "policy p { description \"x\\xff\" }",
	};
	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		struct parsed c;
		parse(&c, cases[i], false);
		char *yaml = print_as(&c, true, NULL);
		if (yaml)
			print_message("no error for: %s\n%s", cases[i], yaml);
		assert_null(yaml);
		assert_non_null(strstr(c.messages, "error:"));
		parsed_free(&c);
	}
}

/* A tree from YAML may hold what .cell cannot write. */
static void test_cell_from_odd_yaml(void **state)
{
	(void)state;
	struct parsed y;
	/* A reserved word as a value is quoted: the same text, as a string. */
	parse(&y, "policies:\n  p:\n    process: {hostname: none}\n    env: [set: {A: allow}]\n",
	      true);
	bool exact = true;
	char *cell = print_as(&y, false, &exact);
	assert_non_null(cell);
	assert_false(exact);
	assert_non_null(strstr(cell, "hostname \"none\"\n"));
	assert_non_null(strstr(cell, "set A=\"allow\"\n"));
	free(cell);
	parsed_free(&y);
	/* Where no string is allowed, it is an error. */
	parse(&y, "policies:\n  p:\n    limits: {memory: none}\n    fallback: \"x y\"\n", true);
	assert_null(print_as(&y, false, NULL));
	assert_non_null(strstr(y.messages, "a limit cannot be a name 'none'"));
	assert_non_null(strstr(y.messages, "a fallback cannot be a name 'x y'"));
	parsed_free(&y);
}

static void test_yaml_word_that_cannot_be_plain(void **state)
{
	(void)state;
	struct parsed c;
	parse(&c, "policy p { process { hostname null } }", false);
	assert_null(print_as(&c, true, NULL));
	assert_non_null(strstr(c.messages, "cannot be written in YAML as the same word"));
	parsed_free(&c);
}

/* ---- diff -------------------------------------------------------------------------------- */

static void assert_diff(const char *a, const char *b, const char *expected)
{
	struct buf out;
	buf_init(&out);
	fmt_diff(a, strlen(a), b, strlen(b), "a", "b", &out);
	assert_string_equal(buf_cstr(&out), expected);
	buf_free(&out);
}

static void test_diff(void **state)
{
	(void)state;
	assert_diff("x\n", "x\n", "");
	assert_diff("1\n2\n3\n4\n5\n6\n7\n8\n9\n", "1\n2\n3\n4\nfive\n6\n7\n8\n9\n",
	            "--- a\n+++ b\n@@ -2,7 +2,7 @@\n 2\n 3\n 4\n-5\n+five\n 6\n 7\n 8\n");
	assert_diff("a\nb", "a\nb\n",
	            "--- a\n+++ b\n@@ -1,2 +1,2 @@\n a\n-b\n\\ No newline at end of file\n+b\n");
	assert_diff("", "x\n", "--- a\n+++ b\n@@ -0,0 +1,1 @@\n+x\n");
	/* Two changes far apart are two hunks. */
	assert_diff("a\n1\n2\n3\n4\n5\n6\n7\n8\nb\n", "A\n1\n2\n3\n4\n5\n6\n7\n8\nB\n",
	            "--- a\n+++ b\n@@ -1,4 +1,4 @@\n-a\n+A\n 1\n 2\n 3\n"
	            "@@ -7,4 +7,4 @@\n 6\n 7\n 8\n-b\n+B\n");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_own_line_and_trailing_comments),
	    cmocka_unit_test(test_comments_at_block_ends),
	    cmocka_unit_test(test_comments_inside_a_statement),
	    cmocka_unit_test(test_long_rule_keeps_comments_on_its_lines),
	    cmocka_unit_test(test_blank_lines),
	    cmocka_unit_test(test_syscalls_order_moves_comments),
	    cmocka_unit_test(test_crlf_and_trailing_space),
	    cmocka_unit_test(test_every_statement),
	    cmocka_unit_test(test_expression_parentheses),
	    cmocka_unit_test(test_wide_statements),
	    cmocka_unit_test(test_keywords_match_the_language),
	    cmocka_unit_test(test_yaml_every_construct),
	    cmocka_unit_test(test_yaml_lint_comments),
	    cmocka_unit_test(test_yaml_blank_lines_survive),
	    cmocka_unit_test(test_yaml_merges_repeated_sections),
	    cmocka_unit_test(test_yaml_refuses_what_it_cannot_hold),
	    cmocka_unit_test(test_cell_from_odd_yaml),
	    cmocka_unit_test(test_yaml_word_that_cannot_be_plain),
	    cmocka_unit_test(test_diff),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}

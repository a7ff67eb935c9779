/*
 * Unit tests for the YAML front end (compiler/yaml_front.c).
 *
 * The main property: a YAML policy and its .cell twin parse to the same
 * syntax tree. Each twin test parses both (the .cell one with the grammar's
 * parse_policy_text()), renders both with ast_dump_shape() (no locations),
 * and compares. Then: errors (wording, file.yaml:line:col), hostile documents
 * (alias bombs, deep nesting, recursion), and the bad-input corpus.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "ast.h"
#include "yaml_front.h"

/* ---- harness ------------------------------------------------------------------ */

struct parsed {
	struct diag_ctx *diag;
	FILE *out;
	char *messages;
	size_t messages_len;
	struct ast_file *ast;
	int errors;
};

static void parse_with(struct parsed *p, const char *path, const char *text, size_t len, bool yaml)
{
	memset(p, 0, sizeof(*p));
	p->out = open_memstream(&p->messages, &p->messages_len);
	assert_non_null(p->out);
	p->diag = diag_new(p->out);
	diag_set_error_limit(p->diag, 0);
	const char *interned = diag_add_source(p->diag, path, text, len);
	p->ast = yaml ? parse_policy_yaml(p->diag, interned, text, len)
	              : parse_policy_text(p->diag, interned, text, len);
	assert_non_null(p->ast);
	p->errors = diag_error_count(p->diag);
	fflush(p->out);
}

static void parse_yaml(struct parsed *p, const char *text)
{
	parse_with(p, "test.yaml", text, strlen(text), true);
}

static void parsed_free(struct parsed *p)
{
	ast_file_free(p->ast);
	diag_free(p->diag);
	fclose(p->out);
	free(p->messages);
}

static void assert_no_errors(const struct parsed *p)
{
	if (p->errors)
		print_message("unexpected diagnostics:\n%s", p->messages);
	assert_int_equal(p->errors, 0);
}

static void assert_message(const struct parsed *p, const char *needle)
{
	if (!strstr(p->messages, needle))
		print_message("expected a diagnostic containing:\n  %s\ngot:\n%s", needle,
		              p->messages);
	assert_non_null(strstr(p->messages, needle));
}

/* The tree's shape: ast_dump() without the file name and the locations. */
static char *dump_without_locations(const struct ast_file *f)
{
	struct buf out;
	buf_init(&out);
	ast_dump_shape(f, &out);
	char *result = xstrdup(buf_cstr(&out));
	buf_free(&out);
	return result;
}

/* Both texts parse without error to the same tree. */
static void assert_twins(const char *cell, const char *yaml)
{
	struct parsed c, y;
	parse_with(&c, "twin.cell", cell, strlen(cell), false);
	parse_with(&y, "twin.yaml", yaml, strlen(yaml), true);
	assert_no_errors(&c);
	assert_no_errors(&y);
	char *dc = dump_without_locations(c.ast), *dy = dump_without_locations(y.ast);
	if (strcmp(dc, dy) != 0)
		print_message("trees differ\n--- .cell:\n%s--- .yaml:\n%s", dc, dy);
	assert_string_equal(dc, dy);
	assert_true(strlen(dc) > 0);
	free(dc);
	free(dy);
	parsed_free(&c);
	parsed_free(&y);
}

static char *read_source(const char *relative, size_t *len)
{
	char *path = xasprintf("%s/%s", CELL_SOURCE_DIR, relative);
	char *data = NULL;
	int rc = read_file(path, &data, len);
	if (rc != 0)
		print_message("cannot read %s\n", path);
	assert_int_equal(rc, 0);
	free(path);
	return data;
}

static void assert_file_twins(const char *cell_path, const char *yaml_path)
{
	size_t cl, yl;
	char *cell = read_source(cell_path, &cl), *yaml = read_source(yaml_path, &yl);
	struct parsed c, y;
	parse_with(&c, cell_path, cell, cl, false);
	parse_with(&y, yaml_path, yaml, yl, true);
	assert_no_errors(&c);
	assert_no_errors(&y);
	char *dc = dump_without_locations(c.ast), *dy = dump_without_locations(y.ast);
	if (strcmp(dc, dy) != 0)
		print_message("%s and %s differ\n--- .cell:\n%s--- .yaml:\n%s", cell_path,
		              yaml_path, dc, dy);
	assert_string_equal(dc, dy);
	free(dc);
	free(dy);
	parsed_free(&c);
	parsed_free(&y);
	free(cell);
	free(yaml);
}

/* ---- twins: whole files ------------------------------------------------------------ */

static void test_demo_twin(void **state)
{
	(void)state;
	assert_file_twins("policies/examples/demo.cell", "policies/examples/demo.yaml");
}

/* Every tests/policies/X.yaml has a tests/policies/X.cell twin. */
static void test_test_policy_twins(void **state)
{
	(void)state;
	char *dir_path = xasprintf("%s/tests/policies", CELL_SOURCE_DIR);
	DIR *dir = opendir(dir_path);
	assert_non_null(dir);
	int checked = 0;
	struct dirent *e;
	while ((e = readdir(dir)) != NULL) {
		size_t n = strlen(e->d_name);
		if (n < 6 || strcmp(e->d_name + n - 5, ".yaml") != 0)
			continue;
		char *yaml = xasprintf("tests/policies/%s", e->d_name);
		char *cell = xasprintf("tests/policies/%.*s.cell", (int)(n - 5), e->d_name);
		assert_file_twins(cell, yaml);
		free(yaml);
		free(cell);
		checked++;
	}
	closedir(dir);
	free(dir_path);
	assert_true(checked >= 2);
}

/* ---- twins: construct by construct ------------------------------------------------------ */

static void test_includes_consts_groups(void **state)
{
	(void)state;
	assert_twins("include \"a.cell\"\ninclude \"lib/b.cell\"\n"
	             "const SIZE = 64M\nconst NAME = \"hello world\"\nconst DIR = /srv/data\n"
	             "const MODE = ident\n"
	             "group @io = { read, write, @basic-io, !kill, optional mmap2, !optional @x }\n"
	             "policy p { }\n",
	             "include: [a.cell, \"lib/b.cell\"]\n"
	             "const:\n  SIZE: 64M\n  NAME: hello world\n  DIR: /srv/data\n  MODE: ident\n"
	             "groups:\n  io: [read, write, '@basic-io', '!kill', optional mmap2, "
	             "'!optional @x']\n"
	             "policies:\n  p:\n");
	/* A quoted YAML value is a quoted string of the language. */
	assert_twins("const A = \"42\"\nconst B = 42\npolicy p { }",
	             "const: {A: \"42\", B: 42}\npolicies: {p: {}}");
	/* A group may be named with its '@'. */
	assert_twins("group @g = { read }", "groups: {'@g': [read]}");
}

static void test_policy_bases_params_net_arch(void **state)
{
	(void)state;
	assert_twins("policy a { net none }\npolicy b : a { net loopback }\n"
	             "policy c : a, b { param X param Y net host arch x86_64, x86 }",
	             "policies:\n"
	             "  a: {net: none}\n"
	             "  b: {bases: a, net: loopback}\n"
	             "  c:\n    bases: [a, b]\n    param: [X, Y]\n    net: host\n"
	             "    arch: [x86_64, x86]\n");
	assert_twins("policy p { arch native param W }", "policies: {p: {arch: native, param: W}}");
}

static void test_fs_statements(void **state)
{
	(void)state;
	assert_twins("policy p { fs {\n"
	             "  ro /usr\n  ro? /etc/x at /etc/y\n  rw \"${W}\" at /work\n  rw? /var/a\n"
	             "  dev /dev\n  proc /proc\n  tmpfs /tmp size 64M mode 01777\n"
	             "  link /bin -> usr/bin\n  dir /d mode 0755\n"
	             "  file /etc/hostname \"box\\n\" mode 0644\n  mask /home\n  mask? /root\n"
	             "  cwd /work\n  ro \"/with space\"\n} }",
	             "policies:\n  p:\n    fs:\n"
	             "      - ro: /usr\n"
	             "      - ro?: /etc/x\n        at: /etc/y\n"
	             /* Quoted in YAML, so a quoted string of the language. */
	             "      - {rw: '${W}', at: /work}\n"
	             "      - {rw: /var/a, optional: true}\n"
	             "      - dev: /dev\n      - proc: /proc\n"
	             "      - {tmpfs: /tmp, size: 64M, mode: 01777}\n"
	             "      - {link: /bin, to: usr/bin}\n"
	             "      - {dir: /d, mode: 0755}\n"
	             "      - {file: /etc/hostname, contents: \"box\\n\", mode: 0644}\n"
	             "      - mask: /home\n      - {mask: /root, optional: true}\n"
	             "      - cwd: /work\n      - ro: /with space\n");
}

static void test_syscalls_section(void **state)
{
	(void)state;
	assert_twins("policy p { syscalls {\n"
	             "  default errno EPERM\n"
	             "  group @mine = { read, write }\n"
	             "  allow read, write, @basic-io\n"
	             "  deny ioctl(fd, cmd) if cmd & 0xffffffff == TIOCSTI because \"tty\"\n"
	             "  deny clone3 errno ENOSYS\n"
	             "  kill ptrace\n  trap optional mmap2\n  log kill, time, link\n"
	             "  allow socket(domain) if domain in (AF_UNIX, AF_INET)\n"
	             "} }",
	             "policies:\n  p:\n    syscalls:\n"
	             "      default: errno EPERM\n"
	             "      groups:\n        mine: [read, write]\n"
	             "      rules:\n"
	             "        - allow: [read, write, '@basic-io']\n"
	             "        - deny: ioctl(fd, cmd)\n"
	             "          if: cmd & 0xffffffff == TIOCSTI\n"
	             "          because: tty\n"
	             "        - {deny: clone3, errno: ENOSYS}\n"
	             "        - kill: ptrace\n"
	             "        - trap: optional mmap2\n"
	             "        - log: [kill, time, link]\n"
	             "        - action: allow\n"
	             "          targets: [{name: socket, args: [domain]}]\n"
	             "          if: {arg: domain, in: [AF_UNIX, AF_INET]}\n");
	static const char *const defaults[] = {"allow", "deny", "kill", "trap", "log"};
	for (size_t i = 0; i < ARRAY_SIZE(defaults); i++) {
		char *cell = xasprintf("policy p { syscalls { default %s } }", defaults[i]);
		char *yaml = xasprintf("policies: {p: {syscalls: {default: %s}}}", defaults[i]);
		assert_twins(cell, yaml);
		free(cell);
		free(yaml);
	}
	assert_twins("policy p { syscalls { default errno ENOSYS } }",
	             "policies: {p: {syscalls: {default: {errno: ENOSYS}}}}");
	assert_twins("policy p { syscalls { allow optional ioctl(fd, cmd) } }",
	             "policies: {p: {syscalls: {rules: [{allow: "
	             "{name: ioctl, args: [fd, cmd], optional: true}}]}}}");
}

/* The same condition as a string in both languages. */
static void assert_condition_twins(const char *cond)
{
	char *cell = xasprintf("policy p { syscalls { deny ioctl if %s } }", cond);
	char *yaml = xasprintf("policies:\n  p:\n    syscalls:\n      rules:\n"
	                       "        - deny: ioctl\n          if: '%s'\n",
	                       cond);
	assert_twins(cell, yaml);
	free(cell);
	free(yaml);
}

static void test_expression_precedence(void **state)
{
	(void)state;
	static const char *const conds[] = {
	    "a == 1 || b == 2 && c == 3",
	    "!a == 1 && b != 2",
	    "!(a == 1 || b == 2)",
	    "cmd & 0xffffffff == TIOCSTI",
	    "flags & (A | B) != 0",
	    "x in (A, B | C, 3)",
	    "a | b & c == d",
	    "a < 1 || a <= 2 || a > 3 || a >= 4",
	    "((a == 1))",
	    "a & !b == c",
	    "!!a == 1",
	};
	for (size_t i = 0; i < ARRAY_SIZE(conds); i++)
		assert_condition_twins(conds[i]);
}

/* The structured form builds what the string form builds. */
static void assert_structured(const char *cond, const char *structured)
{
	char *cell = xasprintf("policy p { syscalls { deny ioctl if %s } }", cond);
	char *yaml =
	    xasprintf("policies: {p: {syscalls: {rules: [{deny: ioctl, if: %s}]}}}", structured);
	assert_twins(cell, yaml);
	free(cell);
	free(yaml);
}

static void test_structured_conditions(void **state)
{
	(void)state;
	assert_structured("domain == AF_UNIX", "{arg: domain, op: '==', value: AF_UNIX}");
	assert_structured("domain == AF_UNIX", "{arg: domain, value: AF_UNIX}");
	assert_structured("a != 1", "{arg: a, op: ne, value: 1}");
	assert_structured("cmd & 0xffffffff == TIOCSTI",
	                  "{arg: cmd, mask: 0xffffffff, value: TIOCSTI}");
	assert_structured("cmd in (A, B)", "{arg: cmd, in: [A, B]}");
	assert_structured("a == 1 && b == 2 && c == 3",
	                  "{all: [{arg: a, value: 1}, 'b == 2', {arg: c, value: 3}]}");
	assert_structured("a == 1 || b == 2", "{any: ['a == 1', {arg: b, value: 2}]}");
	assert_structured("!(a == 1 || b > 2)",
	                  "{not: {any: ['a == 1', {arg: b, op: '>', value: 2}]}}");
	assert_structured("flags & CLONE_NEWUSER == 0",
	                  "{arg: flags, mask: CLONE_NEWUSER, op: '==', value: 0}");
	assert_structured("x == A | B", "{arg: x, value: 'A | B'}");
}

static void test_limits_env_process(void **state)
{
	(void)state;
	assert_twins("policy p {\n"
	             "  limits { memory 512M pids 64 cpu 1.5 time 30s nofile 256 fsize infinity "
	             "best-effort }\n"
	             "  env { clear keep PATH LANG set HOME=/work set N=1 set S=\"a b\" "
	             "unset X Y set L=C.UTF-8 }\n"
	             "  process { hostname task uid 1000 gid 1000 new-session }\n}",
	             "policies:\n  p:\n"
	             "    limits:\n      memory: 512M\n      pids: 64\n      cpu: 1.5\n"
	             "      time: 30s\n      nofile: 256\n"
	             "      fsize: {value: infinity, best-effort: true}\n"
	             "    env:\n      - clear\n      - keep: [PATH, LANG]\n"
	             "      - set: {HOME: /work, N: 1, S: a b}\n"
	             "      - unset: [X, Y]\n      - set: {L: C.UTF-8}\n"
	             "    process: {hostname: task, uid: 1000, gid: 1000, new-session: true}\n");
	assert_twins("policy p { limits { cpu 150% best-effort } process { } }",
	             "policies: {p: {limits: {cpu: {value: 150%, best-effort: true}}, "
	             "process: {new-session: false}}}");
}

static void test_test_section(void **state)
{
	(void)state;
	assert_twins("policy p { test {\n"
	             "  expect openat -> allow\n"
	             "  expect socket(AF_INET) -> errno EAFNOSUPPORT\n"
	             "  expect ioctl(0, 0x100000000 | TIOCSTI) -> errno EPERM\n"
	             "  expect clone3 -> errno ENOSYS on x86_64\n"
	             "  expect kill -> kill\n"
	             "  expect fs /home hidden\n"
	             "  expect limit memory 512M\n  expect limit pids none\n"
	             "} }",
	             "policies:\n  p:\n    test:\n"
	             "      - {call: openat, expect: allow}\n"
	             "      - {call: socket, args: [AF_INET], expect: errno EAFNOSUPPORT}\n"
	             "      - {call: 'ioctl(0, 0x100000000 | TIOCSTI)', expect: errno EPERM}\n"
	             "      - {call: clone3, expect: {errno: ENOSYS}, on: x86_64}\n"
	             "      - {call: kill, expect: kill}\n"
	             "      - {fs: /home, expect: hidden}\n"
	             "      - {limit: memory, expect: 512M}\n"
	             "      - {limit: pids, expect: none}\n");
}

/* ---- YAML features ------------------------------------------------------------------------ */

static void test_anchors_and_aliases(void **state)
{
	(void)state;
	assert_twins("policy a { fs { ro /usr ro /opt } syscalls { allow read, write } }\n"
	             "policy b { fs { ro /usr ro /opt } syscalls { deny read, write } }",
	             "policies:\n"
	             "  a:\n    fs: &common\n      - ro: /usr\n      - ro: /opt\n"
	             "    syscalls: {rules: [{allow: &io [read, write]}]}\n"
	             "  b:\n    fs: *common\n"
	             "    syscalls: {rules: [{deny: *io}]}\n");
	/* Anchors on keys and scalars; a redefined anchor takes the new node. */
	assert_twins("policy p { net host } policy q { net none } policy x { }",
	             "policies:\n  p: {net: &m host}\n  q: {net: &m none}\n"
	             "  ? &n x\n  : ~\n"
	             "# q's anchor replaced p's\n");
}

static void test_locations(void **state)
{
	(void)state;
	struct parsed p;
	/* Columns are bytes from 1, even after multi-byte characters. */
	parse_yaml(&p, "# \xc3\xa9\xc3\xa9\npolicies:\n  p:\n    syscalls:\n      rules:\n"
	               "        - {deny: ioctl, if: 'cmd == 1 &&'}\n");
	assert_message(&p, "test.yaml:6:41: error: unexpected end of the condition");
	parsed_free(&p);
	parse_yaml(&p, "policies:\n  p:\n    net: nope\n");
	assert_message(&p, "test.yaml:3:10: error: unknown net mode 'nope'");
	parsed_free(&p);
	parse_yaml(&p, "policies: {p: {param: ['\xc3\xa9\xc3\xa9', 'x y']}}");
	assert_message(&p, "test.yaml:1:32: error: a param 'x y' is not a name");
	parsed_free(&p);
	/* A position inside a quoted condition counts the quote. */
	parse_yaml(&p, "policies: {p: {syscalls: {rules: [{deny: ioctl, if: \"a == 1 == 2\"}]}}}");
	assert_message(&p, "test.yaml:1:61: error: unexpected '=='");
	parsed_free(&p);
	/* Locations reach the tree: the rule is where its verb is. */
	parse_yaml(&p, "policies:\n  p:\n    syscalls:\n      rules:\n        - kill: ptrace\n");
	assert_no_errors(&p);
	const struct ast_rule *r = p.ast->items->u.policy->body->u.syscalls.rules;
	assert_int_equal(r->loc.line, 5);
	assert_int_equal(r->loc.col, 11);
	assert_int_equal(r->targets->loc.col, 17);
	assert_string_equal(r->loc.file, "test.yaml");
	parsed_free(&p);
}

/* ---- errors ------------------------------------------------------------------------------- */

struct error_case {
	const char *yaml;
	const char *message; /* a substring of the diagnostics */
};

static void test_error_messages(void **state)
{
	(void)state;
	static const struct error_case cases[] = {
	    {"policies:\n  p:\n    syscals: {}\n",
	     "test.yaml:3:5: error: unknown key 'syscals'; did you mean 'syscalls'?"},
	    {"polices: {}\n", "1:1: error: unknown key 'polices'; did you mean 'policies'?"},
	    {"policies: {p: {zzz: 1}}", "unknown key 'zzz'; expected 'bases', 'param'"},
	    {"policies:\n  p: {net: none}\n  p: {net: host}\n",
	     "test.yaml:3:3: error: duplicate key 'p'"},
	    {"policies:\n  p: {net: none}\n  p: {net: host}\n",
	     "test.yaml:2:3: note: 'p' is first given here"},
	    {"policies: {p: {}}\n---\npolicies: {q: {}}\n",
	     "2:1: error: a second YAML document; a policy file holds exactly one"},
	    {"", "error: the YAML document is empty"},
	    {"# only a comment\n", "error: the YAML document is empty"},
	    {"~\n", "error: the YAML document is empty"},
	    {"- a\n- b\n", "a YAML policy file must be a mapping, not a sequence"},
	    {"policies: {p: {net: [none]}}", "'net' must be a scalar, not a sequence"},
	    {"policies: {p: {fs: {ro: /usr}}}", "'fs' must be a sequence, not a mapping"},
	    {"policies: {p: {param: {A: 1}}}", "unknown key 'A'; expected 'name', 'in'"},
	    {"policies: {p: {fs: [{ro: [/usr]}]}}", "a path must be a scalar, not a sequence"},
	    {"policies: {p: {limits: {memory: [1]}}}", "a limit must be a scalar"},
	    {"policies: {p: {fs: [{tmpfs: /tmp, size: big}]}}",
	     "'size' must be a number, not 'big'"},
	    {"policies: {p: {fs: [{ro: /usr, size: 1M}]}}", "'size' does not apply to 'ro'"},
	    {"policies: {p: {fs: [{link: /bin}]}}", "'link' needs 'to: TARGET'"},
	    {"policies: {p: {fs: [{ro: /a, rw: /b}]}}", "one statement per item"},
	    {"policies: {p: {fs: [{ro: /a, optional: maybe}]}}",
	     "'optional' must be true or false"},
	    {"policies: {p: {syscalls: {rules: [{allow: read, errno: EPERM}]}}}",
	     "'errno' goes only with 'deny', not with 'allow'"},
	    {"policies: {p: {syscalls: {rules: [{allow: read, deny: write}]}}}",
	     "a rule has one action"},
	    {"policies: {p: {syscalls: {rules: [{because: x}]}}}", "a rule needs an action"},
	    {"policies: {p: {syscalls: {rules: [{allow: 'read, write'}]}}}",
	     "unexpected ','; write one name per sequence item"},
	    {"policies: {p: {syscalls: {rules: [{allow: 'ioctl(cmd'}]}}}", "expected ',' or ')'"},
	    {"policies: {p: {syscalls: {rules: [{allow: read, if: 'a == 1 == 2'}]}}}",
	     "unexpected '=='"},
	    {"policies: {p: {syscalls: {rules: [{allow: read, if: 'a ; b'}]}}}",
	     "invalid character ';' in the condition"},
	    {"policies: {p: {syscalls: {rules: [{allow: read, if: {arg: a}}]}}}",
	     "a comparison needs 'value' (with 'op') or 'in'"},
	    {"policies: {p: {syscalls: {rules: [{allow: read, if: {arg: a, op: '=', value: 1}}]}}}",
	     "unknown comparison '='"},
	    {"policies: {p: {syscalls: {rules: [{allow: read, if: {all: []}}]}}}",
	     "'all' needs at least one condition"},
	    {"policies: {p: {syscalls: {rules: [{allow: read, if: {any: [], not: x}}]}}}",
	     "exactly one of 'all', 'any', 'not' or 'arg'"},
	    {"policies: {p: {syscalls: {default: errno}}}",
	     "'default' is one of allow, deny, kill, trap, log or 'errno NAME'"},
	    {"policies: {p: {syscalls: {rules: [{allow: fs}]}}}",
	     "'fs' is a reserved word and cannot be a name"},
	    {"policies: {size: {}}", "'size' is a reserved word and cannot be a name"},
	    {"policies: {p: {bases: [a b]}}", "is not a name"},
	    {"groups:\n  g:\n    - read\n    - !kill\n",
	     "4:7: error: YAML tags are not used in policies ('!kill')"},
	    {"policies: {p: {net: *nothing}}", "alias '*nothing' names no anchor"},
	    {"a: &x [1, *x]", "alias '*x' is inside the node it names"},
	    {"policies: {p: {net: none}", "YAML syntax error"},
	    {"policies:\n  p:\n   - a\n  b\n", "YAML syntax error"},
	    {"policies: {p: {env: [clear, {keep: [A], set: {B: 1}}]}}",
	     "an env item is 'clear' or a mapping with one key"},
	    {"policies: {p: {test: [{call: openat}]}}",
	     "one of 'call', 'fs' or 'limit', and 'expect'"},
	    {"policies: {p: {test: [{call: openat, expect: maybe}]}}",
	     "'expect' is one of allow, deny, kill, trap, log"},
	    {"policies: {p: {process: {uid: root}}}", "'uid' must be a number, not 'root'"},
	    {"include: [{a: b}]", "an included file must be a scalar, not a mapping"},
	    {"policies: {p: {syscalls: {rules: [{allow: read, because: [x]}]}}}",
	     "'because' must be a scalar"},
	    {"\xff\xfe", "invalid YAML input"},
	};
	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		struct parsed p;
		parse_yaml(&p, cases[i].yaml);
		if (p.errors == 0)
			print_message("case %zu parsed without error: %s\n", i, cases[i].yaml);
		assert_true(p.errors > 0);
		assert_message(&p, cases[i].message);
		parsed_free(&p);
	}
}

/* Several independent mistakes are all reported in one run. */
static void test_several_errors(void **state)
{
	(void)state;
	struct parsed p;
	parse_yaml(&p, "policies:\n  p:\n    net: nowhere\n    fs: [{ro: /a, size: 1}]\n"
	               "    syscals: {}\n");
	assert_int_equal(p.errors, 3);
	assert_non_null(p.ast->items); /* the policy itself is kept */
	parsed_free(&p);
}

/* ---- hostile documents ----------------------------------------------------------------------- */

static double seconds_since(const struct timespec *start)
{
	struct timespec now;
	clock_gettime(CLOCK_MONOTONIC, &now);
	return (double)(now.tv_sec - start->tv_sec) + (double)(now.tv_nsec - start->tv_nsec) / 1e9;
}

static void test_billion_laughs_is_refused_quickly(void **state)
{
	(void)state;
	struct buf doc;
	buf_init(&doc);
	buf_puts(&doc, "a0: &a0 [lol, lol, lol, lol, lol, lol, lol, lol, lol, lol]\n");
	for (int i = 1; i < 10; i++) {
		buf_printf(&doc, "a%d: &a%d [", i, i);
		for (int j = 0; j < 10; j++)
			buf_printf(&doc, "%s*a%d", j ? ", " : "", i - 1);
		buf_puts(&doc, "]\n");
	}
	buf_puts(&doc, "policies: {p: {param: *a9}}\n");
	struct timespec start;
	clock_gettime(CLOCK_MONOTONIC, &start);
	struct parsed p;
	parse_yaml(&p, buf_cstr(&doc));
	double elapsed = seconds_since(&start);
	assert_message(&p, "aliases expand to more than 100000 nodes");
	assert_null(p.ast->items);
	assert_true(elapsed < 0.5);
	parsed_free(&p);
	buf_free(&doc);
}

static void test_deep_nesting_is_refused(void **state)
{
	(void)state;
	/* Flow style: a million '[' must not reach libyaml's memory limits
	 * nor any recursion. */
	size_t n = 1000000;
	char *deep = xmalloc(2 * n + 1);
	memset(deep, '[', n);
	memset(deep + n, ']', n);
	deep[2 * n] = '\0';
	struct parsed p;
	parse_yaml(&p, deep);
	assert_message(&p,
	               "test.yaml:1:65: error: the document is nested more than 64 levels deep");
	assert_int_equal(p.errors, 1);
	parsed_free(&p);
	free(deep);
	/* Shallow text, deep once aliases are expanded. */
	struct buf doc;
	buf_init(&doc);
	buf_puts(&doc, "x0: &x0 [a]\n");
	for (int i = 1; i < 70; i++)
		buf_printf(&doc, "x%d: &x%d [*x%d]\n", i, i, i - 1);
	parse_yaml(&p, buf_cstr(&doc));
	assert_message(&p, "nested more than 64 levels deep once its aliases are expanded");
	parsed_free(&p);
	buf_free(&doc);
	/* A condition string nested past the language's limit. */
	struct buf cond;
	buf_init(&cond);
	buf_puts(&cond, "policies: {p: {syscalls: {rules: [{deny: ioctl, if: '");
	for (int i = 0; i < 100000; i++)
		buf_puts(&cond, "(");
	buf_puts(&cond, "a'}]}}}");
	parse_yaml(&p, buf_cstr(&cond));
	assert_message(&p, "expression nested too deeply (more than 64 levels)");
	assert_int_equal(p.errors, 1);
	parsed_free(&p);
	buf_reset(&cond);
	/* A long flat chain is as deep a tree as the language refuses. */
	buf_puts(&cond, "policies: {p: {syscalls: {rules: [{deny: ioctl, if: 'a == 0");
	for (int i = 0; i < 100; i++)
		buf_puts(&cond, " || a == 1");
	buf_puts(&cond, "'}]}}}");
	parse_yaml(&p, buf_cstr(&cond));
	assert_message(&p, "expression nested too deeply");
	parsed_free(&p);
	buf_free(&cond);
}

static void test_many_duplicate_keys_stay_fast(void **state)
{
	(void)state;
	struct buf doc;
	buf_init(&doc);
	buf_puts(&doc, "const:\n");
	for (int i = 0; i < 100000; i++)
		buf_printf(&doc, "  K%d: %d\n", i % 50000, i);
	/* Counted, not printed: the cost measured is the front end's. */
	FILE *sink = fopen("/dev/null", "w");
	assert_non_null(sink);
	struct diag_ctx *d = diag_new(sink);
	diag_set_error_limit(d, 1);
	const char *path = diag_add_source(d, "test.yaml", doc.data, doc.len);
	struct timespec start;
	clock_gettime(CLOCK_MONOTONIC, &start);
	struct ast_file *f = parse_policy_yaml(d, path, doc.data, doc.len);
	assert_true(seconds_since(&start) < 5.0);
	assert_int_equal(diag_error_count(d), 50000);
	ast_file_free(f);
	diag_free(d);
	fclose(sink);
	buf_free(&doc);
}

static void test_oversized_input_is_refused(void **state)
{
	(void)state;
	size_t len = (64u << 20) + 1;
	char *big = xcalloc(1, len);
	memset(big, '#', len);
	struct parsed p;
	parse_with(&p, "test.yaml", big, len, true);
	assert_message(&p, "the limit is 64 MiB");
	parsed_free(&p);
	free(big);
}

static void test_path_is_yaml(void **state)
{
	(void)state;
	assert_true(policy_path_is_yaml("a/b.yaml"));
	assert_true(policy_path_is_yaml("x.yml"));
	assert_false(policy_path_is_yaml("x.cell"));
	assert_false(policy_path_is_yaml(".yaml.cell"));
	assert_false(policy_path_is_yaml("yaml"));
}

/* ---- the bad-input corpus
 * ------------------------------------------------------------------------ */

/* tests/bad-yaml/syntax_*.yaml must fail here with their `# expect:` text;
 * the others are well-formed YAML policies whose error the resolver finds,
 * so they must parse cleanly here (tests/integration/bad_yaml.sh runs them
 * all through `cell compile`). */
static void test_bad_input_corpus(void **state)
{
	(void)state;
	char *dir_path = xasprintf("%s/tests/bad-yaml", CELL_SOURCE_DIR);
	DIR *dir = opendir(dir_path);
	assert_non_null(dir);
	int checked = 0;
	struct dirent *e;
	while ((e = readdir(dir)) != NULL) {
		size_t n = strlen(e->d_name);
		if (n < 6 || strcmp(e->d_name + n - 5, ".yaml") != 0)
			continue;
		char *rel = xasprintf("tests/bad-yaml/%s", e->d_name);
		size_t len;
		char *text = read_source(rel, &len);
		/* The file starts with its expectation. */
		assert_int_equal(strncmp(text, "# expect: ", 10), 0);
		char *want = xstrndup(text + 10, strcspn(text + 10, "\n"));
		struct parsed p;
		parse_with(&p, rel, text, len, true);
		if (strncmp(e->d_name, "syntax_", 7) == 0) {
			if (!strstr(p.messages, want))
				print_message("%s: expected '%s', got:\n%s", rel, want, p.messages);
			assert_non_null(strstr(p.messages, want));
		} else {
			if (p.errors)
				print_message("%s should parse cleanly:\n%s", rel, p.messages);
			assert_int_equal(p.errors, 0);
		}
		parsed_free(&p);
		free(want);
		free(text);
		free(rel);
		checked++;
	}
	closedir(dir);
	free(dir_path);
	assert_true(checked >= 10);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_demo_twin),
	    cmocka_unit_test(test_test_policy_twins),
	    cmocka_unit_test(test_includes_consts_groups),
	    cmocka_unit_test(test_policy_bases_params_net_arch),
	    cmocka_unit_test(test_fs_statements),
	    cmocka_unit_test(test_syscalls_section),
	    cmocka_unit_test(test_expression_precedence),
	    cmocka_unit_test(test_structured_conditions),
	    cmocka_unit_test(test_limits_env_process),
	    cmocka_unit_test(test_test_section),
	    cmocka_unit_test(test_anchors_and_aliases),
	    cmocka_unit_test(test_locations),
	    cmocka_unit_test(test_error_messages),
	    cmocka_unit_test(test_several_errors),
	    cmocka_unit_test(test_billion_laughs_is_refused_quickly),
	    cmocka_unit_test(test_deep_nesting_is_refused),
	    cmocka_unit_test(test_many_duplicate_keys_stay_fast),
	    cmocka_unit_test(test_oversized_input_is_refused),
	    cmocka_unit_test(test_path_is_yaml),
	    cmocka_unit_test(test_bad_input_corpus),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}

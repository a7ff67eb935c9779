/* Unit tests for the Landlock tier's data: the compiler's NAME.landlock
 * piece (compiler/emit_landlock.c), its parser, the plan it makes against
 * a host tree built in a temporary directory (runtime/tier.c), and the
 * command's environment (runtime/tier_run.c). Nothing here restricts a
 * process; tests/kernel/test_landlock_kernel.c does, on the real kernel. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "emit_landlock.h"
#include "fill.h"
#include "hostcheck.h"
#include "manifest.h"
#include "resolve.h"
#include "tier.h"
#include "tier_run.h"

/* ---- the compiler's piece --------------------------------------------------- */

/* The piece of the one policy in `text` (file "dir/t.cell", includes from
 * the directory `include_dir`). */
static char *piece_with(const char *text, const char *include_dir)
{
	char *log = NULL;
	size_t log_len = 0;
	FILE *out = open_memstream(&log, &log_len);
	struct diag_ctx *d = diag_new(out);
	const char *dirs[] = {include_dir};
	struct resolve_options opt = {.include_dirs = dirs, .n_include_dirs = 1};
	struct resolve_result res;
	int rc = resolve_text(d, "dir/t.cell", text, strlen(text), &opt, &res);
	struct buf piece;
	buf_init(&piece);
	if (rc == 0 && res.n_policies == 1) /* locations live in d */
		emit_landlock(res.policies[0], d, &piece);
	diag_free(d);
	fclose(out);
	if (rc != 0 || res.n_policies != 1)
		fail_msg("policy did not resolve:\n%s", log);
	free(log);
	resolve_result_free(&res);
	return buf_cstr(&piece);
}

/* The same, with includes from policies/lib. */
static char *piece_of(const char *text)
{
	return piece_with(text, CELL_SOURCE_DIR "/policies/lib");
}

static void assert_has_line(const char *text, const char *line)
{
	char *want = xasprintf("\n%s\n", line);
	char *hay = xasprintf("\n%s", text);
	if (!strstr(hay, want))
		fail_msg("no line '%s' in:\n%s", line, text);
	free(want);
	free(hay);
}

static void test_emit_maps_and_gaps(void **state)
{
	(void)state;
	char *piece = piece_of("policy p {\n"
	                       "  fs {\n"
	                       "    ro /usr\n"
	                       "    rw? \"/srv/my data\"\n"
	                       "    ro /src at /work\n"
	                       "    link /bin -> usr/bin\n"
	                       "    dev /dev\n"
	                       "    dev /x/dev\n"
	                       "    proc /proc\n"
	                       "    tmpfs /tmp size 1M\n"
	                       "    dir /d\n"
	                       "    file /f \"x\"\n"
	                       "    mask? /usr/share/doc\n"
	                       "    cwd /usr\n"
	                       "  }\n"
	                       "  net loopback\n"
	                       "  env { clear keep PATH set A=\"b c%\" set E=\"\" unset Z }\n"
	                       "  process { hostname h uid 5 gid 6 new-session }\n"
	                       "}\n");
	const char *expected =
	    "cell-landlock 1\n"
	    "net loopback t.cell:16:3\n"
	    "new-session\n"
	    "fs ro t.cell:3:5 /usr\n"
	    "fs rw? t.cell:4:5 /srv/my%20data\n"
	    "fs link t.cell:6:5 /bin usr/bin\n"
	    "fs dev t.cell:7:5 /dev\n"
	    "fs mask? t.cell:13:5 /usr/share/doc\n"
	    "gap t.cell:5:5 ro%20/src%20at%20/work:%20showing%20a%20path%20in%20another%20place%20"
	    "needs%20a%20mount%20namespace;%20bind%20it%20at%20its%20own%20path\n"
	    "gap t.cell:8:5 "
	    "dev%20/x/dev:%20only%20`dev%20/dev`%20maps%20(to%20the%20host's%20own%20"
	    "null,%20zero,%20full,%20random%20and%20urandom)\n"
	    "gap t.cell:9:5 "
	    "proc%20/proc:%20a%20private%20/proc%20needs%20a%20pid%20and%20a%20mount%"
	    "20namespace\n"
	    "gap t.cell:10:5 tmpfs%20/tmp:%20a%20private%20tmpfs%20needs%20a%20mount%20namespace\n"
	    "gap t.cell:11:5 dir%20/d:%20an%20empty%20directory%20needs%20a%20mount%20namespace\n"
	    "gap t.cell:12:5 file%20/f:%20contents%20from%20the%20bundle%20need%20a%20mount%20"
	    "namespace\n"
	    "gap t.cell:16:3 net%20loopback:%20a%20private%20loopback%20needs%20a%20network%20"
	    "namespace;%20Landlock%20cannot%20tell%20the%20host's%20loopback%20from%20the%20"
	    "sandbox's\n"
	    "gap t.cell:18:13 hostname%20h:%20needs%20a%20UTS%20namespace\n"
	    "gap t.cell:18:24 uid%205:%20needs%20a%20user%20namespace\n"
	    "gap t.cell:18:30 gid%206:%20needs%20a%20user%20namespace\n"
	    "env clear\n"
	    "env keep PATH\n"
	    "env set A b%20c%25\n"
	    "env set E %00\n"
	    "env unset Z\n"
	    "cwd t.cell:14:5 /usr\n";
	assert_string_equal(piece, expected);
	free(piece);
}

/* A policy that maps entirely has no gap; inherited locations are relative
 * to the policy's own file. */
static void test_emit_clean_policy(void **state)
{
	(void)state;
	char *piece = piece_of("include \"system-landlock.cell\"\n"
	                       "policy p : system-landlock {\n"
	                       "  param W\n"
	                       "  fs { rw ${W} }\n"
	                       "  net none\n"
	                       "}\n");
	assert_null(strstr(piece, "\ngap "));
	assert_has_line(piece, "net none t.cell:5:3");
	assert_has_line(piece, "fs rw t.cell:4:8 ${W}");
	assert_non_null(strstr(piece, "\nfs dev "));
	/* The stock base is found through the include path, outside dir/: it is
	 * named as the include names it, never by the build machine's path. */
	assert_has_line(piece, "fs ro system-landlock.cell:16:5 /usr");
	assert_null(strstr(piece, CELL_SOURCE_DIR));
	free(piece);
}

/* A file found through -I is named relative to that directory, as the
 * include wrote it; so is a file it includes next to itself. */
static void test_emit_include_dir_names(void **state)
{
	(void)state;
	char *piece = piece_with("include \"lib/system-landlock.cell\"\n"
	                         "policy p : system-landlock { net none }\n",
	                         CELL_SOURCE_DIR "/policies");
	assert_has_line(piece, "fs ro lib/system-landlock.cell:16:5 /usr");
	assert_has_line(piece, "net none t.cell:2:30");
	assert_null(strstr(piece, CELL_SOURCE_DIR));
	free(piece);

	char dir[] = "/tmp/cell-test-landlock-inc-XXXXXX";
	assert_non_null(mkdtemp(dir));
	char *sub = xasprintf("%s/sub", dir);
	char *a = xasprintf("%s/a.cell", dir);
	char *b = xasprintf("%s/sub/b.cell", dir);
	assert_int_equal(mkdir(sub, 0700), 0);
	FILE *f = fopen(a, "w");
	assert_non_null(f);
	fputs("include \"sub/b.cell\"\n", f);
	fclose(f);
	f = fopen(b, "w");
	assert_non_null(f);
	fputs("policy base {\n  fs { ro /usr }\n}\n", f);
	fclose(f);
	piece = piece_with("include \"a.cell\"\npolicy p : base { net none }\n", dir);
	assert_has_line(piece, "fs ro sub/b.cell:2:8 /usr");
	assert_null(strstr(piece, dir));
	free(piece);
	unlink(b);
	unlink(a);
	rmdir(sub);
	rmdir(dir);
	free(a);
	free(b);
	free(sub);
}

static void count(void *ctx, struct src_loc loc, const char *why)
{
	(void)loc;
	assert_non_null(why);
	(*(int *)ctx)++;
}

static void test_gaps_callback_counts(void **state)
{
	(void)state;
	struct ir_policy p = {.net = IR_NET_LOOPBACK, .process = {.uid = 1, .gid = -1}};
	struct ir_fs_op ops[] = {
	    {.kind = IR_FS_TMPFS, .dst = "/tmp", .loc = {"a", 1, 1, 1, 1}},
	    {.kind = IR_FS_BIND_RO, .src = "/usr", .dst = "/usr", .loc = {"a", 2, 1, 2, 1}},
	};
	p.fs.ops = ops;
	p.fs.n_ops = 2;
	int calls = 0;
	assert_int_equal(landlock_gaps(&p, count, &calls), 3);
	assert_int_equal(calls, 3);
}

/* ---- the parser ----------------------------------------------------------------- */

static char err[2048];

static void assert_parse_fails(const char *text, const char *expected)
{
	struct rt_ll_piece p;
	err[0] = '\0';
	assert_int_equal(rt_ll_piece_parse(text, strlen(text), &p, err, sizeof(err)), -1);
	if (!strstr(err, expected))
		fail_msg("error \"%s\" does not mention \"%s\" (input: \"%s\")", err, expected,
		         text);
}

static void test_parse_round_trip(void **state)
{
	(void)state;
	char *text = piece_of("policy p {\n"
	                      "  fs { ro /usr  rw? \"/a b\"  link /bin -> usr/bin  dev /dev\n"
	                      "       mask? /usr/x  tmpfs /tmp  cwd /usr }\n"
	                      "  net none\n"
	                      "  env { clear keep PATH set A=\"b c%\" set E=\"\" unset Z }\n"
	                      "  process { new-session }\n"
	                      "}\n");
	struct rt_ll_piece p;
	if (rt_ll_piece_parse(text, strlen(text), &p, err, sizeof(err)) < 0)
		fail_msg("%s\n%s", err, text);
	assert_int_equal(p.net, RT_LL_NET_NONE);
	assert_string_equal(p.net_loc, "t.cell:4:3");
	assert_true(p.new_session);
	assert_int_equal(p.n_fs, 5);
	assert_int_equal(p.fs[1].kind, RT_LL_FS_RW);
	assert_true(p.fs[1].optional);
	assert_string_equal(p.fs[1].path, "/a b");
	assert_int_equal(p.fs[2].kind, RT_LL_FS_LINK);
	assert_string_equal(p.fs[2].target, "usr/bin");
	assert_int_equal(p.fs[3].kind, RT_LL_FS_DEV);
	assert_int_equal(p.fs[4].kind, RT_LL_FS_MASK);
	assert_int_equal(p.n_gaps, 1);
	assert_string_equal(p.gaps[0].loc, "t.cell:3:22");
	assert_string_equal(p.gaps[0].why, "tmpfs /tmp: a private tmpfs needs a mount namespace");
	assert_int_equal(p.n_env, 5);
	assert_int_equal(p.env[0].kind, RT_LL_ENV_CLEAR);
	assert_string_equal(p.env[2].value, "b c%");
	assert_string_equal(p.env[3].value, "");
	assert_int_equal(p.env[4].kind, RT_LL_ENV_UNSET);
	assert_string_equal(p.cwd, "/usr");
	rt_ll_piece_free(&p);
	free(text);
}

static void test_parse_refuses(void **state)
{
	(void)state;
	assert_parse_fails("", "empty");
	assert_parse_fails("cell-landlock 1\nnet none -", "final newline");
	assert_parse_fails("cell-landlock 2\nnet none -\n", "`cell-landlock 1`");
	assert_parse_fails("cell-landlock 1\n", "no `net` line");
	assert_parse_fails("cell-landlock 1\nfs ro - /usr\n", "`net` missing");
	assert_parse_fails("cell-landlock 1\nnet sideways -\n", "net none|loopback|host");
	assert_parse_fails("cell-landlock 1\nnet none -\nnet none -\n", "out of order");
	assert_parse_fails("cell-landlock 1\nnet none -\nenv clear\nfs ro - /usr\n",
	                   "out of order");
	assert_parse_fails("cell-landlock 1\nnet none -\nfs  ro - /usr\n", "one space");
	assert_parse_fails("cell-landlock 1\nnet none -\nfs ro - /usr \n", "one space");
	assert_parse_fails("cell-landlock 1\nnet none -\nfs xx - /usr\n", "unknown fs operation");
	assert_parse_fails("cell-landlock 1\nnet none -\nfs ro - /usr x\n", "fs OP LOC PATH");
	assert_parse_fails("cell-landlock 1\nnet none -\nfs link - /bin\n", "fs link LOC");
	assert_parse_fails("cell-landlock 1\nnet none -\nfs dev - /x\n", "only for /dev");
	assert_parse_fails("cell-landlock 1\nnet none -\nfs ro - /a%2\n", "percent-encoding");
	assert_parse_fails("cell-landlock 1\nnet none -\nfs ro - /a%zz\n", "percent-encoding");
	assert_parse_fails("cell-landlock 1\nnet none -\nfs ro - /a%00b\n", "percent-encoding");
	assert_parse_fails("cell-landlock 1\nnet none -\nfs ro - /a%2F\n", "percent-encoding");
	assert_parse_fails("cell-landlock 1\nnet none -\nfs ro - /a\tb\n", "control character");
	assert_parse_fails("cell-landlock 1\nnet none -\nfs ro - /\xc3\xa9\n", "non-ASCII");
	assert_parse_fails("cell-landlock 1\nnet none -\nenv set A\n", "env set NAME VALUE");
	assert_parse_fails("cell-landlock 1\nnet none -\nenv keep A=B\n", "has a '='");
	assert_parse_fails("cell-landlock 1\nnet none -\ngap -\n", "gap LOC WHY");
	assert_parse_fails("cell-landlock 1\nnet none -\nbogus\n", "unknown key");
	assert_parse_fails("cell-landlock 1\nnet none -\ncwd - /a\ncwd - /b\n", "out of order");
	assert_parse_fails("cell-landlock 1\nnet none -\nnew-session x\n", "`new-session`");
}

/* ${NAME} in paths, targets, values and cwd, from the bundle's params. */
static void test_fill(void **state)
{
	(void)state;
	const char *text = "cell-landlock 1\nnet host -\nfs rw - ${W}/x\nfs link - /l ${W}\n"
	                   "env set H ${W}:${V}\ncwd - ${W}\n";
	struct rt_ll_piece p;
	assert_int_equal(rt_ll_piece_parse(text, strlen(text), &p, err, sizeof(err)), 0);
	struct rt_param params[] = {{.name = "W", .value = "/srv"}, {.name = "V", .value = "v"}};
	struct rt_bundle b = {.name = "t", .params = params, .n_params = 2};
	assert_int_equal(rt_ll_piece_fill(&p, &b, err, sizeof(err)), 0);
	assert_string_equal(p.fs[0].path, "/srv/x");
	assert_string_equal(p.fs[1].target, "/srv");
	assert_string_equal(p.env[0].value, "/srv:v");
	assert_string_equal(p.cwd, "/srv");
	rt_ll_piece_free(&p);

	const char *unknown = "cell-landlock 1\nnet host -\nfs rw - ${NOPE}\n";
	assert_int_equal(rt_ll_piece_parse(unknown, strlen(unknown), &p, err, sizeof(err)), 0);
	assert_int_equal(rt_ll_piece_fill(&p, &b, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "the landlock piece has a '${' that names no param"));
	rt_ll_piece_free(&p);
}

/* ---- the plan, on a host tree in a temporary directory ----------------------------- */

struct tree {
	char root[64];
};

static int tree_setup(void **state)
{
	struct tree *t = xcalloc(1, sizeof(*t));
	strcpy(t->root, "/tmp/cell-test-landlock-XXXXXX");
	assert_non_null(mkdtemp(t->root));
	const char *dirs[] = {"ro", "rw", "rw/sub", "other"};
	for (size_t i = 0; i < 4; i++) {
		char *path = xasprintf("%s/%s", t->root, dirs[i]);
		assert_int_equal(mkdir(path, 0755), 0);
		free(path);
	}
	char *file = xasprintf("%s/ro/file", t->root);
	close(open(file, O_CREAT | O_WRONLY, 0644));
	free(file);
	char *link = xasprintf("%s/link", t->root);
	assert_int_equal(symlink("ro", link), 0);
	free(link);
	*state = t;
	return 0;
}

static int tree_teardown(void **state)
{
	struct tree *t = *state;
	char *cmd = xasprintf("rm -rf '%s'", t->root);
	assert_int_equal(system(cmd), 0);
	free(cmd);
	free(t);
	return 0;
}

/* Plans `body` (lines after the net line, with @ standing for the tree's
 * root) for ABI `abi`; returns the refusal count, the plan kept in *plan. */
static size_t plan_of(const struct tree *t, const char *net, const char *body, int abi,
                      struct rt_ll_plan *plan, struct rt_ll_piece *p)
{
	struct buf text;
	buf_init(&text);
	buf_printf(&text, "cell-landlock 1\nnet %s L:1:1\n", net);
	for (const char *c = body; *c; c++) {
		if (*c == '@')
			buf_puts(&text, t->root);
		else
			buf_append(&text, c, 1);
	}
	if (rt_ll_piece_parse(text.data, text.len, p, err, sizeof(err)) < 0)
		fail_msg("%s\n%s", err, buf_cstr(&text));
	buf_free(&text);
	return rt_ll_plan_make(p, abi, plan);
}

static void assert_refusal(const struct rt_ll_plan *plan, const char *needle)
{
	if (!plan->refusals || !strstr(plan->refusals, needle))
		fail_msg("no refusal with \"%s\" in:\n%s", needle,
		         plan->refusals ? plan->refusals : "(none)");
}

static const struct rt_ll_rule *rule_for(const struct rt_ll_plan *plan, const char *what)
{
	for (size_t i = 0; i < plan->n_rules; i++)
		if (strcmp(plan->rules[i].what, what) == 0)
			return &plan->rules[i];
	fail_msg("no rule '%s'", what);
	return NULL;
}

static void test_plan_binds(void **state)
{
	const struct tree *t = *state;
	struct rt_ll_plan plan;
	struct rt_ll_piece p;
	assert_int_equal(plan_of(t, "none",
	                         "fs ro A:1:1 @/ro\nfs rw A:2:1 @/rw\nfs ro? A:3:1 @/missing\n"
	                         "fs ro A:4:1 @/link\nfs ro A:5:1 @/ro/file\n",
	                         7, &plan, &p),
	                 0);
	assert_int_equal(plan.n_rules, 4); /* the missing optional one is skipped */
	char *ro_what = xasprintf("ro %s/ro", t->root);
	const struct rt_ll_rule *ro = rule_for(&plan, ro_what);
	assert_int_equal(ro->rights, RT_LL_RIGHTS_RO);
	assert_true(ro->is_dir);
	assert_true(ro->fd >= 0);
	/* A link is resolved: the rule is on what it points to. */
	char *link_what = xasprintf("ro %s/link", t->root);
	char *real_ro = xasprintf("%s/ro", t->root);
	char *root_real = realpath(real_ro, NULL);
	assert_string_equal(rule_for(&plan, link_what)->real, root_real);
	char *file_what = xasprintf("ro %s/ro/file", t->root);
	assert_false(rule_for(&plan, file_what)->is_dir);
	char *rw_what = xasprintf("rw %s/rw", t->root);
	assert_int_equal(rule_for(&plan, rw_what)->rights, RT_LL_RIGHTS_RW);
	assert_true(plan.deny_tcp);
	assert_int_equal(plan.scoped, RT_LL_SCOPE_SIGNAL | RT_LL_SCOPE_ABSTRACT_UNIX);
	assert_null(plan.warnings);
	free(ro_what);
	free(link_what);
	free(real_ro);
	free(root_real);
	free(file_what);
	free(rw_what);
	rt_ll_plan_free(&plan);
	rt_ll_piece_free(&p);

	/* A missing path that is not optional is refused, with its location. */
	assert_int_equal(plan_of(t, "host", "fs rw A:7:3 @/missing\n", 7, &plan, &p), 1);
	assert_refusal(&plan, "A:7:3: rw ");
	assert_refusal(&plan, "/missing: missing on this host (mark it optional to skip it)");
	rt_ll_plan_free(&plan);
	rt_ll_piece_free(&p);
}

static void test_plan_overlaps(void **state)
{
	const struct tree *t = *state;
	struct rt_ll_plan plan;
	struct rt_ll_piece p;
	/* ro inside rw: bwrap would make sub read-only, Landlock cannot. */
	assert_int_equal(
	    plan_of(t, "host", "fs rw A:1:1 @/rw\nfs ro B:2:2 @/rw/sub\n", 7, &plan, &p), 1);
	assert_refusal(&plan, "B:2:2: ro ");
	assert_refusal(&plan, "/rw/sub: lies in rw ");
	assert_refusal(&plan, "(A:1:1), which grants more");
	rt_ll_plan_free(&plan);
	rt_ll_piece_free(&p);
	/* rw inside ro: the union is what bwrap gives too. */
	assert_int_equal(
	    plan_of(t, "host", "fs ro A:1:1 @/rw\nfs rw B:2:2 @/rw/sub\n", 7, &plan, &p), 0);
	rt_ll_plan_free(&plan);
	rt_ll_piece_free(&p);
	/* A later, broader ro over an earlier rw: bwrap hides the rw. */
	assert_int_equal(
	    plan_of(t, "host", "fs rw A:1:1 @/rw/sub\nfs ro B:2:2 @/rw\n", 7, &plan, &p), 1);
	assert_refusal(&plan, "A:1:1: rw ");
	assert_refusal(&plan, "which comes later and grants less");
	rt_ll_plan_free(&plan);
	rt_ll_piece_free(&p);
	/* The same path twice, the second narrower. */
	assert_int_equal(plan_of(t, "host", "fs rw A:1:1 @/rw\nfs ro B:2:2 @/rw\n", 7, &plan, &p),
	                 1);
	rt_ll_plan_free(&plan);
	rt_ll_piece_free(&p);
	/* A mask under a granted path; a mask nothing grants is nothing to do. */
	assert_int_equal(
	    plan_of(t, "host",
	            "fs ro A:1:1 @/ro\nfs mask B:2:2 @/ro/file\nfs mask C:3:3 @/other\n"
	            "fs mask? D:4:4 @/gone\n",
	            7, &plan, &p),
	    1);
	assert_refusal(&plan, "B:2:2: mask ");
	rt_ll_plan_free(&plan);
	rt_ll_piece_free(&p);
	/* A mask over an earlier rule beneath it hides it under bwrap. */
	assert_int_equal(
	    plan_of(t, "host", "fs rw A:1:1 @/rw/sub\nfs mask B:2:2 @/rw\n", 7, &plan, &p), 1);
	assert_refusal(&plan, "A:1:1: rw ");
	rt_ll_plan_free(&plan);
	rt_ll_piece_free(&p);
	/* Two unrelated trees whose names share a prefix do not overlap. */
	assert_int_equal(
	    plan_of(t, "host", "fs rw A:1:1 @/rw\nfs ro B:2:2 @/rw-not\n", 7, &plan, &p),
	    1); /* only: @/rw-not is missing */
	assert_refusal(&plan, "missing on this host");
	rt_ll_plan_free(&plan);
	rt_ll_piece_free(&p);
}

static void test_plan_devices_and_links(void **state)
{
	const struct tree *t = *state;
	struct rt_ll_plan plan;
	struct rt_ll_piece p;
	/* Binds that would show device nodes. */
	assert_int_equal(plan_of(t, "host",
	                         "fs ro A:1:1 /\nfs rw B:2:2 /dev\nfs rw C:3:3 /dev/null\n"
	                         "fs ro D:4:4 /dev/shm\n",
	                         7, &plan, &p),
	                 4);
	assert_refusal(&plan, "A:1:1: ro /: would show the host's device nodes");
	assert_refusal(&plan, "B:2:2: rw /dev: would show");
	assert_refusal(&plan, "C:3:3: rw /dev/null: would show");
	rt_ll_plan_free(&plan);
	rt_ll_piece_free(&p);
	/* dev /dev: the five usual devices, none executable. */
	assert_int_equal(plan_of(t, "host", "fs dev A:1:1 /dev\n", 7, &plan, &p), 0);
	assert_int_equal(plan.n_rules, 5);
	assert_int_equal(rule_for(&plan, "dev /dev (/dev/null)")->rights,
	                 RT_LL_READ_FILE | RT_LL_WRITE_FILE);
	assert_int_equal(rule_for(&plan, "dev /dev (/dev/urandom)")->rights, RT_LL_READ_FILE);
	rt_ll_plan_free(&plan);
	rt_ll_piece_free(&p);
	/* Links: the host's own, a missing one, a different one, a directory. */
	char *body = xasprintf("fs link A:1:1 @/link ro\nfs link B:2:2 @/nolink x\n"
	                       "fs link C:3:3 @/link rw\nfs link D:4:4 @/ro ro\n");
	assert_int_equal(plan_of(t, "host", body, 7, &plan, &p), 2);
	assert_refusal(&plan, "C:3:3: link ");
	assert_refusal(&plan, "/link -> rw: on this host it links to ro");
	assert_refusal(&plan, "D:4:4: link ");
	assert_refusal(&plan, "/ro -> ro: not a symbolic link on this host");
	free(body);
	rt_ll_plan_free(&plan);
	rt_ll_piece_free(&p);
}

static void test_plan_abi(void **state)
{
	const struct tree *t = *state;
	struct rt_ll_plan plan;
	struct rt_ll_piece p;
	const char *ro = "fs ro A:1:1 @/ro\n";
	assert_int_equal(plan_of(t, "host", ro, 0, &plan, &p), 1);
	assert_refusal(&plan, "Landlock is not enabled in this kernel");
	assert_int_equal(plan.refusals[0], 'L'); /* no location */
	rt_ll_plan_free(&plan);
	rt_ll_piece_free(&p);
	assert_int_equal(plan_of(t, "host", ro, 2, &plan, &p), 1);
	assert_refusal(&plan, "Landlock ABI 2 cannot stop truncate(2)");
	rt_ll_plan_free(&plan);
	rt_ll_piece_free(&p);
	/* net none needs 6; below it, the reason names what is missing. */
	assert_int_equal(plan_of(t, "none", ro, 3, &plan, &p), 1);
	assert_refusal(&plan, "L:1:1: net none: Landlock ABI 3 cannot keep TCP and abstract UNIX");
	rt_ll_plan_free(&plan);
	rt_ll_piece_free(&p);
	assert_int_equal(plan_of(t, "none", ro, 5, &plan, &p), 1);
	assert_refusal(&plan, "net none: Landlock ABI 5 cannot keep abstract UNIX sockets");
	rt_ll_plan_free(&plan);
	rt_ll_piece_free(&p);
	/* net host below 6: runs, warning that signals are not scoped. */
	assert_int_equal(plan_of(t, "host", ro, 4, &plan, &p), 0);
	assert_false(plan.deny_tcp);
	assert_int_equal(plan.scoped, 0);
	assert_non_null(strstr(plan.warnings, "Landlock ABI 4 cannot scope signals"));
	rt_ll_plan_free(&plan);
	rt_ll_piece_free(&p);
	/* net host at 6: signals scoped, abstract sockets not (the host's network). */
	assert_int_equal(plan_of(t, "host", ro, 6, &plan, &p), 0);
	assert_int_equal(plan.scoped, RT_LL_SCOPE_SIGNAL);
	rt_ll_plan_free(&plan);
	rt_ll_piece_free(&p);
	/* Every gap is a refusal, each with its own location. */
	assert_int_equal(
	    plan_of(t, "host", "gap G:1:2 tmpfs%20/tmp\ngap G:3:4 proc\n", 7, &plan, &p), 2);
	assert_refusal(&plan, "G:1:2: tmpfs /tmp\nG:3:4: proc\n");
	rt_ll_plan_free(&plan);
	rt_ll_piece_free(&p);
}

/* ---- the environment ---------------------------------------------------------- */

static void test_environ(void **state)
{
	(void)state;
	const char *text = "cell-landlock 1\nnet host -\nenv set A 1\nenv clear\nenv keep K\n"
	                   "env keep MISSING\nenv set S x=y\nenv set K2 v\nenv unset K2\n";
	struct rt_ll_piece p;
	assert_int_equal(rt_ll_piece_parse(text, strlen(text), &p, err, sizeof(err)), 0);
	char *host[] = {"K=kept", "H=host", "A=0", NULL};
	char **env = rt_ll_environ(&p, host);
	assert_string_equal(env[0], "K=kept");
	assert_string_equal(env[1], "S=x=y");
	assert_null(env[2]);
	rt_ll_environ_free(env);
	rt_ll_piece_free(&p);
	/* Without clear the host's variables stay; set replaces, unset removes. */
	const char *keep = "cell-landlock 1\nnet host -\nenv set A 1\nenv unset H\n";
	assert_int_equal(rt_ll_piece_parse(keep, strlen(keep), &p, err, sizeof(err)), 0);
	env = rt_ll_environ(&p, host);
	assert_string_equal(env[0], "K=kept");
	assert_string_equal(env[1], "A=1");
	assert_null(env[2]);
	rt_ll_environ_free(env);
	rt_ll_piece_free(&p);
}

/* ---- the verdict `cell doctor` gives (hostcheck.h's hook) ------------------------- */

static void test_doctor_verdict(void **state)
{
	(void)state;
	static const char piece[] = "cell-landlock 1\nnet host -\nfs ro A:1:1 /usr\n";
	static const char gaps[] = "cell-landlock 1\nnet host -\ngap G:1:1 tmpfs%20/tmp\n"
	                           "gap G:2:1 proc%20/proc\n";
	struct hc_host h = {.landlock_abi = 7};
	struct hc_needs n = {.name = "task",
	                     .landlock = piece,
	                     .landlock_len = strlen(piece),
	                     .fallback_landlock = true};
	struct hc_result r;
	hc_landlock_tier(&h, &n, &r);
	assert_int_equal(r.status, HC_OK);
	assert_string_equal(r.condition, "the Landlock tier (ABI 7) can apply task here");
	n.fallback_landlock = false;
	hc_landlock_tier(&h, &n, &r);
	assert_int_equal(r.status, HC_NOTE);
	assert_non_null(strstr(r.condition, "but its policy says `fallback none`"));
	n.fallback_landlock = true;
	h.landlock_abi = 2;
	hc_landlock_tier(&h, &n, &r);
	assert_int_equal(r.status, HC_FAIL);
	assert_non_null(strstr(r.condition, "cannot apply task here: Landlock ABI 2 cannot stop"));
	h.landlock_abi = 7;
	n.landlock = gaps;
	n.landlock_len = strlen(gaps);
	hc_landlock_tier(&h, &n, &r);
	assert_int_equal(r.status, HC_FAIL);
	assert_string_equal(
	    r.condition,
	    "the Landlock tier cannot apply task here: G:1:1: tmpfs /tmp (and 1 more)");
	h.landlock_abi = -1;
	hc_landlock_tier(&h, &n, &r);
	assert_int_equal(r.status, HC_NOTE);
	h.landlock_abi = 7;
	n.landlock = NULL;
	hc_landlock_tier(&h, &n, &r);
	assert_int_equal(r.status, HC_FAIL);
	assert_non_null(strstr(r.condition, "no Landlock piece (format 1)"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_emit_maps_and_gaps),
	    cmocka_unit_test(test_emit_clean_policy),
	    cmocka_unit_test(test_emit_include_dir_names),
	    cmocka_unit_test(test_gaps_callback_counts),
	    cmocka_unit_test(test_parse_round_trip),
	    cmocka_unit_test(test_parse_refuses),
	    cmocka_unit_test(test_fill),
	    cmocka_unit_test_setup_teardown(test_plan_binds, tree_setup, tree_teardown),
	    cmocka_unit_test_setup_teardown(test_plan_overlaps, tree_setup, tree_teardown),
	    cmocka_unit_test_setup_teardown(test_plan_devices_and_links, tree_setup, tree_teardown),
	    cmocka_unit_test_setup_teardown(test_plan_abi, tree_setup, tree_teardown),
	    cmocka_unit_test(test_environ),
	    cmocka_unit_test(test_doctor_verdict),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}

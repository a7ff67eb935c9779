/* Unit tests for the resolver: inheritance, includes, params, groups,
 * argument conditions, and that errors are all reported. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "names.h"
#include "resolve.h"

struct run {
	struct resolve_result res;
	char *diag;
	int rc;
};

static struct run resolve_with(const char *text, const struct resolve_options *opt)
{
	struct run r = {0};
	size_t len = 0;
	FILE *out = open_memstream(&r.diag, &len);
	struct diag_ctx *d = diag_new(out);
	r.rc = resolve_text(d, "/test/policy.cell", text, strlen(text), opt, &r.res);
	diag_free(d);
	fclose(out);
	return r;
}

static struct run resolve_ok(const char *text)
{
	struct run r = resolve_with(text, NULL);
	if (r.rc != 0)
		fail_msg("unexpected errors:\n%s", r.diag);
	return r;
}

static void run_free(struct run *r)
{
	resolve_result_free(&r->res);
	free(r->diag);
}

static const struct ir_rule *find_rule(const struct ir_policy *p, const char *syscall, size_t from)
{
	for (size_t i = from; i < p->syscalls.n_rules; i++)
		if (strcmp(p->syscalls.rules[i].syscall, syscall) == 0)
			return &p->syscalls.rules[i];
	return NULL;
}

static size_t rule_index(const struct ir_policy *p, const struct ir_rule *r)
{
	return (size_t)(r - p->syscalls.rules);
}

static void test_inheritance_precedence(void **state)
{
	(void)state;
	struct run r = resolve_ok("policy base {\n"
	                          "  net host\n"
	                          "  fs { ro /usr  tmpfs /tmp size 1M }\n"
	                          "  syscalls { default kill  allow read  deny write }\n"
	                          "  limits { memory 1G pids 10 }\n"
	                          "  env { set A=base set B=base }\n"
	                          "}\n"
	                          "policy derived : base {\n"
	                          "  fs { tmpfs /tmp size 2M }\n"
	                          "  syscalls { allow write }\n"
	                          "  limits { memory 512M }\n"
	                          "  env { set A=derived }\n"
	                          "}\n");
	assert_int_equal(r.res.n_policies, 2);
	const struct ir_policy *p = r.res.policies[1];
	assert_string_equal(p->name, "derived");
	assert_int_equal(p->n_lineage, 2);
	assert_string_equal(p->lineage[0], "derived");
	assert_string_equal(p->lineage[1], "base");
	assert_int_equal(p->net, IR_NET_HOST);
	assert_int_equal(p->syscalls.default_action.kind, IR_ACTION_KILL);
	/* First match: the derived allow comes before the base's deny. */
	const struct ir_rule *w = find_rule(p, "write", 0);
	assert_non_null(w);
	assert_int_equal(w->action.kind, IR_ACTION_ALLOW);
	assert_string_equal(w->policy, "derived");
	const struct ir_rule *w2 = find_rule(p, "write", rule_index(p, w) + 1);
	assert_non_null(w2);
	assert_int_equal(w2->action.kind, IR_ACTION_ERRNO);
	assert_int_equal(w2->action.errno_value, EPERM);
	/* Mounts: the base's first, so the derived tmpfs shadows it. */
	assert_int_equal(p->fs.n_ops, 3);
	assert_int_equal(p->fs.ops[0].kind, IR_FS_BIND_RO);
	assert_int_equal(p->fs.ops[1].size_bytes, 1024 * 1024);
	assert_int_equal(p->fs.ops[2].size_bytes, 2 * 1024 * 1024);
	/* Limits: the derived value wins, the base fills the rest. */
	assert_true(p->limits.memory_bytes.value == 512ULL << 20);
	assert_int_equal(p->limits.pids.value, 10);
	assert_false(p->limits.time_ms.set);
	/* Environment: applied in order, derived last. */
	assert_int_equal(p->env.n_ops, 3);
	assert_string_equal(p->env.ops[2].name, "A");
	assert_string_equal(p->env.ops[2].value, "derived");
	run_free(&r);
}

static void test_diamond_lineage(void **state)
{
	(void)state;
	struct run r = resolve_ok("policy root { net none }\n"
	                          "policy a : root { }\n"
	                          "policy b : root { }\n"
	                          "policy c : a, b { }\n");
	const struct ir_policy *c = r.res.policies[3];
	assert_int_equal(c->n_lineage, 4);
	assert_string_equal(c->lineage[0], "c");
	assert_string_equal(c->lineage[1], "a");
	assert_string_equal(c->lineage[2], "b");
	assert_string_equal(c->lineage[3], "root");
	run_free(&r);
}

static void test_defaults_deny(void **state)
{
	(void)state;
	struct run r = resolve_ok("policy p { }\n");
	const struct ir_policy *p = r.res.policies[0];
	assert_int_equal(p->net, IR_NET_NONE);
	assert_int_equal(p->syscalls.default_action.kind, IR_ACTION_ERRNO);
	assert_int_equal(p->syscalls.default_action.errno_value, EPERM);
	assert_int_equal(p->n_arches, 1);
	assert_int_equal(p->arches[0].token, names_arch_token("native"));
	/* net none: the first rule refuses Internet sockets. */
	assert_true(p->syscalls.n_rules >= 1);
	const struct ir_rule *s = &p->syscalls.rules[0];
	assert_string_equal(s->syscall, "socket");
	assert_int_equal(s->origin, IR_ORIGIN_NET);
	assert_int_equal(s->action.errno_value, names_errno_value("EAFNOSUPPORT"));
	uint64_t inet[6] = {2}, unix_[6] = {1}, inet_high[6] = {0xffffffff00000002ULL};
	assert_true(ir_cond_eval(s->cond, inet));
	assert_false(ir_cond_eval(s->cond, unix_));
	assert_true(ir_cond_eval(s->cond, inet_high)); /* only the low 32 bits count */
	assert_int_equal(p->process.uid, -1);
	run_free(&r);
}

static void test_params(void **state)
{
	(void)state;
	const char *text = "policy p {\n"
	                   "  param WORKDIR\n"
	                   "  param NAME\n"
	                   "  fs { rw ${WORKDIR} at /work  cwd /work }\n"
	                   "  env { set WHO=${NAME} }\n"
	                   "}\n";
	struct run r = resolve_ok(text);
	const struct ir_policy *p = r.res.policies[0];
	assert_int_equal(p->n_params, 2);
	assert_string_equal(p->params[0].name, "WORKDIR");
	assert_true(p->params[0].used_as_path);
	assert_string_equal(p->params[1].name, "NAME");
	assert_false(p->params[1].used_as_path);
	assert_string_equal(p->fs.ops[0].src, "${WORKDIR}");
	assert_string_equal(p->fs.ops[0].dst, "/work");
	assert_string_equal(p->fs.cwd, "/work");
	run_free(&r);

	const char *defines[] = {"WORKDIR=/srv/job"};
	struct resolve_options opt = {.defines = defines, .n_defines = 1};
	r = resolve_with(text, &opt);
	assert_int_equal(r.rc, 0);
	p = r.res.policies[0];
	assert_int_equal(p->n_params, 1);
	assert_string_equal(p->fs.ops[0].src, "/srv/job");
	run_free(&r);

	const char *unknown[] = {"NOPE=1"};
	struct resolve_options bad = {.defines = unknown, .n_defines = 1};
	r = resolve_with(text, &bad);
	assert_int_equal(r.rc, -1);
	assert_non_null(strstr(r.diag, "-D NOPE: no compiled policy has a param of that name"));
	run_free(&r);
}

static void test_conditions(void **state)
{
	(void)state;
	struct run r =
	    resolve_ok("const MYCMD = 0x1234\n"
	               "policy p {\n"
	               "  syscalls {\n"
	               "    deny ioctl(cmd) if cmd & 0xffffffff == TIOCSTI\n"
	               "    deny ioctl if MYCMD == cmd\n"
	               "    allow socket(domain) if domain in (AF_UNIX, AF_INET)\n"
	               "    allow openat(dfd) if dfd == AT_FDCWD\n"
	               "    allow mmap if prot & PROT_EXEC == 0 && !(flags & MAP_SHARED != 0)\n"
	               "  }\n"
	               "  net host\n"
	               "}\n");
	const struct ir_policy *p = r.res.policies[0];
	const struct ir_rule *io = find_rule(p, "ioctl", 0);
	assert_non_null(io);
	assert_int_equal(io->cond->kind, IR_COND_CMP);
	assert_int_equal(io->cond->arg, 1);
	assert_int_equal(io->cond->width, 32);
	assert_true(io->cond->value == 0x5412);
	const struct ir_rule *mine = find_rule(p, "ioctl", rule_index(p, io) + 1);
	assert_true(mine->cond->value == 0x1234);
	assert_int_equal(mine->cond->op, IR_CMP_EQ);

	const struct ir_rule *sock = find_rule(p, "socket", 0);
	assert_int_equal(sock->cond->kind, IR_COND_OR);
	uint64_t args[6] = {1};
	assert_true(ir_cond_eval(sock->cond, args));
	args[0] = 2;
	assert_true(ir_cond_eval(sock->cond, args));
	args[0] = 10;
	assert_false(ir_cond_eval(sock->cond, args));

	const struct ir_rule *op = find_rule(p, "openat", 0);
	assert_int_equal(op->cond->width, 32);
	assert_true(op->cond->value == 0xffffff9cULL); /* AT_FDCWD, low half */

	const struct ir_rule *mm = find_rule(p, "mmap", 0);
	uint64_t rw_private[6] = {0, 4096, 3, 2, 0, 0};
	uint64_t exec_private[6] = {0, 4096, 5, 2, 0, 0};
	uint64_t rw_shared[6] = {0, 4096, 3, 1, 0, 0};
	assert_true(ir_cond_eval(mm->cond, rw_private));
	assert_false(ir_cond_eval(mm->cond, exec_private));
	assert_false(ir_cond_eval(mm->cond, rw_shared));
	run_free(&r);
}

static void test_groups(void **state)
{
	(void)state;
	struct run r = resolve_ok("group @mine = { @basic-io, !pwritev2, getpid }\n"
	                          "policy p { syscalls { allow @mine } net host }\n");
	const struct ir_policy *p = r.res.policies[0];
	assert_non_null(find_rule(p, "read", 0));
	assert_non_null(find_rule(p, "getpid", 0));
	assert_null(find_rule(p, "pwritev2", 0));
	const struct ir_rule *rd = find_rule(p, "read", 0);
	assert_string_equal(rd->group, "mine");
	assert_false(rd->explicit_name);
	run_free(&r);

	char **names;
	size_t n;
	struct diag_ctx *d = diag_new(stderr);
	assert_int_equal(resolve_builtin_group_expand(d, "@basic-io", &names, &n), 0);
	bool has_read = false;
	for (size_t i = 0; i < n; i++) {
		has_read |= strcmp(names[i], "read") == 0;
		if (i > 0)
			assert_true(strcmp(names[i - 1], names[i]) < 0);
	}
	assert_true(has_read);
	resolve_names_free(names, n);
	assert_int_equal(resolve_builtin_group_names(d, &names, &n), 0);
	assert_true(n >= 28);
	resolve_names_free(names, n);
	diag_free(d);
}

static void test_all_errors_reported(void **state)
{
	(void)state;
	struct run r = resolve_with("policy p {\n"
	                            "  syscalls { allow opnat  deny x errno EPREM  allow @nope }\n"
	                            "  fs { ro relative }\n"
	                            "  limits { time 30 }\n"
	                            "}\n",
	                            NULL);
	assert_int_equal(r.rc, -1);
	assert_non_null(strstr(r.diag, "policy.cell:2:20: error: unknown syscall 'opnat'; did you "
	                               "mean 'openat'?"));
	assert_non_null(strstr(r.diag, "unknown errno 'EPREM'; did you mean 'EPERM'?"));
	assert_non_null(strstr(r.diag, "unknown group '@nope'"));
	assert_non_null(strstr(r.diag, "a bind source 'relative' is not absolute"));
	assert_null(strstr(r.diag, "a sandbox path 'relative'")); /* reported once */
	assert_non_null(strstr(r.diag, "needs a unit"));
	run_free(&r);
}

static void write_file(const char *path, const char *text)
{
	FILE *f = fopen(path, "w");
	assert_non_null(f);
	fputs(text, f);
	fclose(f);
}

static void test_includes(void **state)
{
	(void)state;
	char dir[] = "/tmp/cell-resolve-XXXXXX";
	assert_non_null(mkdtemp(dir));
	char sub[256], lib[256], lib_inc[256], main_path[256], shared[256];
	snprintf(sub, sizeof(sub), "%s/sub", dir);
	snprintf(lib, sizeof(lib), "%s/lib", dir);
	assert_int_equal(mkdir(sub, 0755), 0);
	assert_int_equal(mkdir(lib, 0755), 0);
	snprintf(shared, sizeof(shared), "%s/sub/shared.cell", dir);
	write_file(shared, "policy shared { net loopback }\n");
	snprintf(lib_inc, sizeof(lib_inc), "%s/lib/fromlib.cell", dir);
	write_file(lib_inc, "include \"../sub/shared.cell\"\npolicy fromlib : shared { }\n");
	snprintf(main_path, sizeof(main_path), "%s/sub/main.cell", dir);
	/* shared.cell is reached twice: relative, and through fromlib.cell. */
	write_file(main_path, "include \"shared.cell\"\ninclude \"fromlib.cell\"\n"
	                      "policy main : fromlib { }\n");
	const char *dirs[] = {lib};
	struct resolve_options opt = {.include_dirs = dirs, .n_include_dirs = 1};
	struct diag_ctx *d = diag_new(stderr);
	struct resolve_result res;
	assert_int_equal(resolve_file(d, main_path, &opt, &res), 0);
	assert_int_equal(res.n_policies, 1); /* only the main file's policies */
	assert_string_equal(res.policies[0]->name, "main");
	assert_int_equal(res.policies[0]->net, IR_NET_LOOPBACK);
	resolve_result_free(&res);

	opt.only_policy = "shared";
	assert_int_equal(resolve_file(d, main_path, &opt, &res), 0);
	assert_int_equal(res.n_policies, 1);
	assert_string_equal(res.policies[0]->name, "shared");
	resolve_result_free(&res);
	diag_free(d);

	unlink(shared);
	unlink(lib_inc);
	unlink(main_path);
	rmdir(sub);
	rmdir(lib);
	rmdir(dir);
}

/* description, untrusted, requires, fallback: the first in the lineage wins
 * (untrusted: any); lint blocks and `# lint:` comments of the whole lineage
 * become suppressions, with their reasons. */
static void test_declarations_and_suppressions(void **state)
{
	(void)state;
	struct run r = resolve_ok("policy base {\n"
	                          "  untrusted\n"
	                          "  fallback landlock\n"
	                          "  lint { ignore CL007 }\n"
	                          "}\n"
	                          "policy t : base {\n"
	                          "  description \"runs \\x1b tests\"\n"
	                          "  requires bwrap \"0.6\"\n"
	                          "  lint { ignore CL001, CL002 because \"why\" }\n"
	                          "  syscalls {\n"
	                          "    allow ptrace because \"debugger\"  # lint: CL003\n"
	                          "    allow bpf  # lint: CL004 CL005 because \"maps\"\n"
	                          "    allow kcmp  # lint: CLbecauseX\n"
	                          "  }\n"
	                          "}\n"
	                          "# lint: CL099 (outside every policy: ignored)\n");
	const struct ir_policy *t = NULL;
	for (size_t i = 0; i < r.res.n_policies; i++)
		if (strcmp(r.res.policies[i]->name, "t") == 0)
			t = r.res.policies[i];
	assert_non_null(t);
	assert_true(t->untrusted);
	assert_int_equal(t->untrusted_loc.line, 2);
	assert_int_equal(t->fallback, IR_FALLBACK_LANDLOCK);
	assert_string_equal(t->description, "runs \x1b tests");
	assert_string_equal(t->bwrap_required, "0.6.0");
	assert_int_equal(t->n_suppressions, 7); /* not CL099: outside every policy */
	const struct {
		const char *id, *reason;
		bool scoped;
		int line;
	} want[] = {
	    {"CL001", "why", false, 9},      {"CL002", "why", false, 9},
	    {"CL003", "debugger", true, 11}, {"CL004", "maps", true, 12},
	    {"CL005", "maps", true, 12},     {"CL007", NULL, false, 4},
	    {"CLbecauseX", NULL, true, 13}, /* `because` inside an id is part of it */
	};
	size_t found = 0;
	for (size_t w = 0; w < sizeof(want) / sizeof(want[0]); w++)
		for (size_t i = 0; i < t->n_suppressions; i++) {
			const struct ir_suppression *s = &t->suppressions[i];
			if (strcmp(s->id, want[w].id) != 0)
				continue;
			found++;
			assert_int_equal(s->scoped, want[w].scoped);
			assert_int_equal(s->loc.line, want[w].line);
			if (want[w].reason)
				assert_string_equal(s->reason, want[w].reason);
			else
				assert_null(s->reason);
		}
	assert_int_equal(found, 7);
	run_free(&r);
}

static void test_declaration_errors(void **state)
{
	(void)state;
	struct run r = resolve_with("policy t {\n"
	                            "  fallback landlok\n"
	                            "  requires bwrp \"1.0\"\n"
	                            "  untrusted untrusted\n"
	                            "}\n"
	                            "policy u { requires bwrap \"1.x\" }\n",
	                            NULL);
	assert_int_not_equal(r.rc, 0);
	assert_non_null(strstr(r.diag, ":2:12: error: unknown fallback 'landlok'"));
	assert_non_null(strstr(r.diag, "did you mean 'landlock'?"));
	assert_non_null(strstr(r.diag, ":3:12: error: unknown tool 'bwrp'"));
	assert_non_null(strstr(r.diag, ":4:13: error: 'untrusted' is set twice"));
	assert_non_null(strstr(r.diag, ":6:27: error: 'requires bwrap' needs a version"));
	run_free(&r);

	/* `param NAME in DIR`: a path param, a plain absolute DIR. */
	r = resolve_with("policy a { param X in /srv  env { set A=${X} } }\n"
	                 "policy b { param Y in ${Y}  fs { ro ${Y} } }\n"
	                 "policy c { param Z in srv  fs { ro ${Z} } }\n",
	                 NULL);
	assert_non_null(strstr(r.diag, ":1:23: error: 'in' constrains a path"));
	assert_non_null(
	    strstr(r.diag, ":2:23: error: the path after 'in' must be a plain absolute"));
	assert_non_null(
	    strstr(r.diag, ":3:23: error: the path after 'in' must be a plain absolute"));
	run_free(&r);
	r = resolve_ok("policy d { param W in /srv/jobs/  fs { rw ${W} at /w } }\n");
	assert_int_equal(r.res.policies[0]->n_params, 1);
	assert_string_equal(r.res.policies[0]->params[0].within, "/srv/jobs");
	run_free(&r);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_inheritance_precedence),
	    cmocka_unit_test(test_diamond_lineage),
	    cmocka_unit_test(test_defaults_deny),
	    cmocka_unit_test(test_params),
	    cmocka_unit_test(test_conditions),
	    cmocka_unit_test(test_groups),
	    cmocka_unit_test(test_all_errors_reported),
	    cmocka_unit_test(test_includes),
	    cmocka_unit_test(test_declarations_and_suppressions),
	    cmocka_unit_test(test_declaration_errors),
	};
	int rc = cmocka_run_group_tests(tests, NULL, NULL);
	names_cleanup();
	return rc;
}

/* Unit tests for the filesystem, network, limits, params, text and bwrap
 * lint rules (lint_fs.c): the path logic (relations, sensitive places,
 * shadowing) directly, and each rule through the engine on resolved
 * policies, with a fixture directory standing for the host. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "lint.h"
#include "lint_fs.h"
#include "resolve.h"
#include "util.h"

/* ---- path relations ---------------------------------------------------------- */

static void test_relation(void **state)
{
	(void)state;
	assert_int_equal(lint_path_relation("/a/b", "/a"), LINT_PATH_INSIDE);
	assert_int_equal(lint_path_relation("/a", "/a/b"), LINT_PATH_COVERS);
	assert_int_equal(lint_path_relation("//a/./b/", "/a/b"), LINT_PATH_SAME);
	assert_int_equal(lint_path_relation("/ab", "/a"), LINT_PATH_UNRELATED);
	assert_int_equal(lint_path_relation("/a", "/ab"), LINT_PATH_UNRELATED);
	assert_int_equal(lint_path_relation("/", "/etc"), LINT_PATH_COVERS);
	assert_int_equal(lint_path_relation("/home/alice", "/home/*"), LINT_PATH_SAME);
	assert_int_equal(lint_path_relation("/home/${U}", "/home/*"), LINT_PATH_SAME);
	assert_int_equal(lint_path_relation("/home", "/home/*/.ssh"), LINT_PATH_COVERS);
	assert_int_equal(lint_path_relation("${W}", "/etc"), LINT_PATH_UNRELATED);
	assert_int_equal(lint_path_relation("/etc/${X}", "/etc"), LINT_PATH_INSIDE);
}

static void test_covers(void **state)
{
	(void)state;
	assert_true(lint_fs_covers("/a", "/a/b"));
	assert_true(lint_fs_covers("/a/", "/a"));
	assert_true(lint_fs_covers("/", "/usr/lib"));
	assert_false(lint_fs_covers("/a/b", "/a"));
	assert_false(lint_fs_covers("/a/b", "/a/c"));
	/* The same param has the same value wherever it appears... */
	assert_true(lint_fs_covers("${W}", "${W}/x"));
	/* ... but nothing is known about how it relates to a literal path. */
	assert_false(lint_fs_covers("/work", "${W}"));
	assert_false(lint_fs_covers("${W}", "/work"));
	/* Mount destinations have no wildcards. */
	assert_false(lint_fs_covers("/home/*", "/home/alice"));
}

/* ---- sensitive places ------------------------------------------------------------ */

struct place_case {
	const char *path;
	enum lint_place_list list;
	const char *place; /* NULL: not sensitive */
	enum lint_path_relation relation;
};

static void test_places(void **state)
{
	(void)state;
	static const struct place_case cases[] = {
	    {"/", LINT_PLACES_RW_SENSITIVE, "/etc", LINT_PATH_COVERS},
	    {"/etc", LINT_PLACES_RW_SENSITIVE, "/etc", LINT_PATH_SAME},
	    {"/etc/passwd", LINT_PLACES_RW_SENSITIVE, "/etc", LINT_PATH_INSIDE},
	    {"/usr/local/bin", LINT_PLACES_RW_SENSITIVE, "/usr", LINT_PATH_INSIDE},
	    {"/var", LINT_PLACES_RW_SENSITIVE, "/var/lib", LINT_PATH_COVERS},
	    {"/var/lib/docker", LINT_PLACES_RW_SENSITIVE, "/var/lib", LINT_PATH_INSIDE},
	    {"/proc/sys/kernel", LINT_PLACES_RW_SENSITIVE, "/proc", LINT_PATH_INSIDE},
	    {"/sys", LINT_PLACES_RW_SENSITIVE, "/sys", LINT_PATH_SAME},
	    {"/dev/kvm", LINT_PLACES_RW_SENSITIVE, "/dev", LINT_PATH_INSIDE},
	    {"/dev/null", LINT_PLACES_RW_SENSITIVE, NULL, 0},
	    {"/dev/urandom", LINT_PLACES_RW_SENSITIVE, NULL, 0},
	    {"/boot/grub", LINT_PLACES_RW_SENSITIVE, "/boot", LINT_PATH_INSIDE},
	    {"/home", LINT_PLACES_RW_SENSITIVE, "/home/*", LINT_PATH_COVERS},
	    {"/home/alice", LINT_PLACES_RW_SENSITIVE, "/home/*", LINT_PATH_SAME},
	    {"/root", LINT_PLACES_RW_SENSITIVE, "/root", LINT_PATH_SAME},
	    {"/home/alice/project", LINT_PLACES_RW_SENSITIVE, NULL, 0},
	    {"/home/alice/.bashrc", LINT_PLACES_RW_SENSITIVE, "/home/*/.bashrc", LINT_PATH_SAME},
	    {"/home/alice/.config", LINT_PLACES_RW_SENSITIVE, "/home/*/.config/autostart",
	     LINT_PATH_COVERS},
	    {"/home/alice/.cache", LINT_PLACES_RW_SENSITIVE, NULL, 0},
	    {"/root/.ssh/authorized_keys", LINT_PLACES_RW_SENSITIVE, "/root/.ssh",
	     LINT_PATH_INSIDE},
	    {"/var/run/docker.sock", LINT_PLACES_RW_SENSITIVE, "/var/run/docker.sock",
	     LINT_PATH_SAME},
	    {"/run", LINT_PLACES_RW_SENSITIVE, "/run/docker.sock", LINT_PATH_COVERS},
	    {"/run/user/1000/bus", LINT_PLACES_RW_SENSITIVE, "/run/user/*", LINT_PATH_INSIDE},
	    {"/tmp", LINT_PLACES_RW_SENSITIVE, "/tmp/.X11-unix", LINT_PATH_COVERS},
	    {"/tmp/build", LINT_PLACES_RW_SENSITIVE, NULL, 0},
	    {"/srv/data", LINT_PLACES_RW_SENSITIVE, NULL, 0},
	    {"/home/alice/.ssh", LINT_PLACES_SECRETS, "/home/*/.ssh", LINT_PATH_SAME},
	    {"/home/alice/.sshx", LINT_PLACES_SECRETS, NULL, 0},
	    {"/home/alice/.config", LINT_PLACES_SECRETS, "/home/*/.config/gcloud",
	     LINT_PATH_COVERS},
	    {"/root/.aws/credentials", LINT_PLACES_SECRETS, "/root/.aws", LINT_PATH_INSIDE},
	    {"/", LINT_PLACES_SECRETS, "/home/*/.ssh", LINT_PATH_COVERS},
	    {"/home/alice/.bashrc", LINT_PLACES_SECRETS, NULL, 0},
	    {"/etc", LINT_PLACES_SECRETS, NULL, 0},
	    {"/usr", LINT_PLACES_SOCKETS, NULL, 0},
	    {"/run/dbus", LINT_PLACES_SOCKETS, "/run/dbus/system_bus_socket", LINT_PATH_COVERS},
	    {"/tmp/.X11-unix/X0", LINT_PLACES_SOCKETS, "/tmp/.X11-unix", LINT_PATH_INSIDE},
	    {"/home/alice/project", LINT_PLACES_HOMES, "/home/*", LINT_PATH_INSIDE},
	    {"/srv", LINT_PLACES_HOMES, NULL, 0},
	};
	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		const struct place_case *c = &cases[i];
		struct lint_place_hit hit;
		bool found = lint_fs_place(c->path, c->list, &hit);
		if (found != (c->place != NULL))
			fail_msg("%s (list %d): expected %s, got %s", c->path, (int)c->list,
			         c->place ? c->place : "nothing", found ? hit.place : "nothing");
		if (!found)
			continue;
		if (strcmp(hit.place, c->place) != 0 || hit.relation != c->relation)
			fail_msg("%s (list %d): expected %s (relation %d), got %s (%d)", c->path,
			         (int)c->list, c->place, (int)c->relation, hit.place,
			         (int)hit.relation);
		assert_non_null(hit.what);
	}
}

/* ---- the rules, through the engine ------------------------------------------------- */

struct linted {
	struct diag_ctx *diag;
	FILE *diag_out;
	char *diag_text;
	size_t diag_len;
	struct resolve_result res;
	struct lint_run *run;
};

/* A fixture host: a directory with /usr, /usr/bin and /etc/hosts. */
static char host_root[] = "/tmp/cell-lint-fs-host-XXXXXX";

static int make_host(void **state)
{
	(void)state;
	if (!mkdtemp(host_root))
		return -1;
	char *usr = xasprintf("%s/usr", host_root), *bin = xasprintf("%s/usr/bin", host_root);
	char *etc = xasprintf("%s/etc", host_root), *hosts = xasprintf("%s/etc/hosts", host_root);
	int rc = mkdir(usr, 0755) | mkdir(bin, 0755) | mkdir(etc, 0755);
	FILE *f = fopen(hosts, "w");
	if (!f || fclose(f) != 0)
		rc = -1;
	free(usr), free(bin), free(etc), free(hosts);
	return rc;
}

static int remove_host(void **state)
{
	(void)state;
	char *cmd = xasprintf("rm -rf '%s'", host_root);
	int rc = system(cmd);
	free(cmd);
	return rc == 0 ? 0 : -1;
}

static void lint_text_with(struct linted *l, const char *text, const char *define)
{
	memset(l, 0, sizeof(*l));
	l->diag_out = open_memstream(&l->diag_text, &l->diag_len);
	l->diag = diag_new(l->diag_out);
	const char *defines[] = {define};
	struct resolve_options opt = {.defines = defines, .n_defines = define ? 1 : 0};
	if (resolve_text(l->diag, "/test/lint.cell", text, strlen(text), &opt, &l->res) != 0) {
		fflush(l->diag_out);
		fail_msg("the policy does not resolve:\n%s", l->diag_text);
	}
	struct lint_options lopt = {.host_root = host_root};
	l->run = lint_run_new(&lopt);
	for (size_t i = 0; i < l->res.n_policies; i++)
		lint_run_policy(l->run, l->res.policies[i]);
	lint_run_finish(l->run);
}

static void lint_text(struct linted *l, const char *text)
{
	lint_text_with(l, text, NULL);
}

static void linted_free(struct linted *l)
{
	lint_run_free(l->run);
	resolve_result_free(&l->res);
	diag_free(l->diag);
	fclose(l->diag_out);
	free(l->diag_text);
}

/* Only this file's rules: the syscall rules have their own tests. */
static bool is_fs_rule(const char *id)
{
	for (size_t i = 0; i < lint_n_fs_checks; i++)
		if (strcmp(lint_fs_checks[i].id, id) == 0)
			return true;
	return false;
}

/* The findings of this file's rules, as "CL020@5:5" separated by spaces,
 * in the engine's order (file, line, column, rule). */
static char *summary(const struct linted *l)
{
	size_t n;
	const struct lint_finding *f = lint_run_findings(l->run, &n);
	struct buf out;
	buf_init(&out);
	for (size_t i = 0; i < n; i++) {
		if (!is_fs_rule(f[i].rule->id) || f[i].suppressed)
			continue;
		buf_printf(&out, "%s%s@%d:%d", out.len ? " " : "", f[i].rule->id, f[i].loc.line,
		           f[i].loc.col);
	}
	return buf_cstr(&out);
}

static void print_findings(const struct linted *l)
{
	size_t n;
	const struct lint_finding *f = lint_run_findings(l->run, &n);
	for (size_t i = 0; i < n; i++)
		if (is_fs_rule(f[i].rule->id))
			print_message("  %s %d:%d %s\n", f[i].rule->id, f[i].loc.line, f[i].loc.col,
			              f[i].message);
}

static void expect_findings(const char *text, const char *define, const char *want)
{
	struct linted l;
	lint_text_with(&l, text, define);
	char *got = summary(&l);
	if (strcmp(got, want) != 0) {
		print_findings(&l);
		fail_msg("policy:\n%s\nexpected [%s]\ngot      [%s]", text, want, got);
	}
	free(got);
	linted_free(&l);
}

/* The message of the only finding of rule `id`. */
static char *message_of(const char *text, const char *id)
{
	struct linted l;
	lint_text(&l, text);
	size_t n;
	const struct lint_finding *f = lint_run_findings(l.run, &n);
	char *msg = NULL;
	for (size_t i = 0; i < n; i++) {
		if (strcmp(f[i].rule->id, id) != 0)
			continue;
		assert_null(msg);
		msg = xstrdup(f[i].message);
	}
	linted_free(&l);
	if (!msg)
		fail_msg("no %s finding", id);
	return msg;
}

static void test_sensitive_rw_bind(void **state)
{
	(void)state;
	expect_findings("policy p {\n"
	                "  fs {\n"
	                "    rw /etc\n"
	                "    rw? /home/alice\n"
	                "    rw? /dev/kvm\n"
	                "    rw? /run/user/1000/bus\n"
	                "  }\n"
	                "}\n",
	                NULL, "CL020@3:5 CL020@4:5 CL020@5:5 CL020@6:5");
	/* Near misses: read-only, inside a home, a harmless device, a param. */
	expect_findings("policy p {\n"
	                "  param W\n"
	                "  fs {\n"
	                "    ro? /etc/hosts\n"
	                "    rw? /home/alice/project\n"
	                "    rw? /dev/null\n"
	                "    rw ${W} at /w\n"
	                "  }\n"
	                "}\n",
	                NULL, "CL026@7:5");
	char *msg = message_of("policy p { fs { rw? / } }", "CL020");
	assert_non_null(strstr(msg, "read-write bind of / "));
	assert_non_null(strstr(msg, "(/etc is under it)"));
	free(msg);
}

static void test_secret_and_socket_ro_bind(void **state)
{
	(void)state;
	expect_findings("policy p {\n"
	                "  fs {\n"
	                "    ro? /home/alice/.ssh\n"
	                "    ro? /home\n"
	                "    ro? /var/run/docker.sock\n"
	                "    ro? /tmp\n"
	                "    ro? /home/alice/src\n"
	                "    ro? /etc/ssl\n"
	                "  }\n"
	                "}\n",
	                NULL, "CL021@3:5 CL021@4:5 CL030@5:5 CL030@6:5");
	/* What a later mount hides is not exposed: each credential of a covered
	 * directory must be hidden, and a mount above a wildcard hides all. */
	char *msg = message_of("policy p { fs { ro? /root/.config  mask? /root/.config/gcloud } }",
	                       "CL021");
	assert_non_null(strstr(msg, "GitHub CLI tokens (/root/.config/gh is under it)"));
	free(msg);
	expect_findings("policy p { fs {\n"
	                "  ro? /root/.config\n"
	                "  mask? /root/.config/gcloud\n"
	                "  tmpfs /root/.config/gh\n"
	                "} }\n",
	                NULL, "");
	expect_findings("policy p {\n"
	                "  fs {\n"
	                "    ro? /\n"
	                "    tmpfs /home\n"
	                "    tmpfs /root\n"
	                "    tmpfs /run\n"
	                "    tmpfs /var/run\n"
	                "    ro /usr/bin at /tmp\n"
	                "  }\n"
	                "}\n",
	                NULL, "");
	/* An optional bind may not happen, so it hides nothing. */
	expect_findings("policy p { fs { ro? /home/alice  ro? /srv at /home/alice } }", NULL,
	                "CL021@1:17");
	/* A read-write bind of a socket is CL020's, not also CL030's. */
	expect_findings("policy p { fs { rw? /run/docker.sock } }", NULL, "CL020@1:17");
}

static void test_shadowed_mount(void **state)
{
	(void)state;
	expect_findings("policy p {\n"
	                "  fs {\n"
	                "    ro /usr/bin at /opt/bin\n"
	                "    tmpfs /opt\n"
	                "    tmpfs /t\n"
	                "    tmpfs /t size 1M\n"
	                "    link /l -> usr/bin\n"
	                "    dir /d\n"
	                "    tmpfs /d\n"
	                "    tmpfs /q\n"
	                "    ro? /usr at /q\n"
	                "  }\n"
	                "}\n",
	                NULL, "CL022@3:5 CL022@5:5");
	/* A mount at a link's own path goes to its target; an ancestor hides it. */
	expect_findings("policy p { fs {\n"
	                "  link /a/l -> usr/bin\n"
	                "  ro /usr at /a/l\n"
	                "  tmpfs /a\n"
	                "} }\n",
	                NULL, "CL022@2:3 CL022@3:3");
	expect_findings("policy p { fs { link /m -> usr/bin  ro /usr at /m } }", NULL, "");
	/* A derived policy overriding what it inherits is not a finding. */
	expect_findings("policy base { fs { tmpfs /tmp } }\n"
	                "policy p : base { fs { tmpfs /tmp size 1G } }\n",
	                NULL, "");
}

static void test_readonly_undone(void **state)
{
	(void)state;
	expect_findings("policy p {\n"
	                "  fs {\n"
	                "    ro /usr at /w/usr\n"
	                "    mask /etc/hosts\n"
	                "    rw? /srv at /w\n"
	                "    rw? /srv at /etc\n"
	                "    file /w2/f \"x\"\n"
	                "    rw? /srv at /w2/f\n"
	                "  }\n"
	                "}\n",
	                NULL, "CL023@5:5 CL023@6:5 CL023@8:5");
	/* Across the lineage, reported at the derived policy's bind. */
	expect_findings("policy base { fs { ro /usr at /data/ref } }\n"
	                "policy p : base { fs { rw? /srv at /data } }\n",
	                NULL, "CL023@2:24");
	/* Read-write first, read-only over it: the intended order. */
	expect_findings("policy p { fs { rw? /srv at /w  ro /usr at /w/usr } }", NULL, "");
	char *msg =
	    message_of("policy p { fs {\n  mask /etc/hosts\n  rw? /srv at /etc\n} }", "CL023");
	assert_string_equal(msg, "read-write bind at /etc undoes the mask at /etc/hosts (line 2): "
	                         "the sandbox can write there");
	free(msg);
}

static void test_missing_bind_source(void **state)
{
	(void)state;
	expect_findings("policy p {\n"
	                "  param P\n"
	                "  fs {\n"
	                "    ro /usr\n"
	                "    ro /etc/hosts\n"
	                "    ro /opt/toolchain\n"
	                "    rw /srv/data at /data\n"
	                "    ro? /opt/other\n"
	                "    ro ${P}/x at /p\n"
	                "    mask /etc/shadow\n"
	                "    mask? /etc/gshadow\n"
	                "  }\n"
	                "}\n",
	                NULL, "CL024@6:5 CL024@7:5 CL024@10:5");
}

static void test_untrusted_limits(void **state)
{
	(void)state;
	expect_findings("policy p {\n  untrusted\n}\n", NULL, "CL025@1:8 CL025@1:8 CL025@1:8");
	expect_findings("policy p {\n"
	                "  untrusted\n"
	                "  limits { pids 64  memory infinity  time 10m }\n"
	                "}\n",
	                NULL, "CL025@3:21");
	expect_findings("policy p {\n"
	                "  untrusted\n"
	                "  limits { pids 64  memory 1G best-effort  time 10m }\n"
	                "}\n",
	                NULL, "");
	/* Limits are not asked of code that is not marked untrusted. */
	expect_findings("policy p { net none }", NULL, "");
	char *msg = message_of("policy p { untrusted limits { pids 1 memory 1G } }", "CL025");
	assert_string_equal(msg, "policy 'p' runs untrusted code but sets no time limit");
	free(msg);
}

static void test_unconstrained_param(void **state)
{
	(void)state;
	const char *text = "policy p {\n"
	                   "  param W\n"
	                   "  fs {\n"
	                   "    rw ${W} at /work\n"
	                   "    ro ${W}/ref at /ref\n"
	                   "  }\n"
	                   "}\n";
	expect_findings(text, NULL, "CL026@4:5");
	/* Filled at compile time, it is a literal path (and /srv exists nowhere
	 * on the fixture host). */
	expect_findings(text, "W=/srv/job", "CL024@4:5 CL024@5:5");
}

static void test_host_net_home(void **state)
{
	(void)state;
	const char *text = "policy p {\n"
	                   "  net %s\n"
	                   "  fs {\n"
	                   "    rw? /home/alice/project\n"
	                   "    ro? /home/alice/docs\n"
	                   "    rw? /srv/data\n"
	                   "  }\n"
	                   "}\n";
	char *host = xasprintf(text, "host"), *none = xasprintf(text, "none");
	expect_findings(host, NULL, "CL027@4:5");
	expect_findings(none, NULL, "");
	free(host), free(none);
}

static void test_control_chars(void **state)
{
	(void)state;
	expect_findings("policy p {\n"
	                "  description \"build \\x1b[8mhidden\"\n"
	                "  syscalls {\n"
	                "    allow @basic-io because \"reads \xe2\x80\xae txet\"\n"
	                "    allow getpid because \"fine\"\n"
	                "    allow read, write because \"\\x1b]0;title\\x07\"\n"
	                "  }\n"
	                "  lint { ignore CL020 because \"x\\ty\" }\n"
	                "}\n",
	                NULL, "CL028@2:3 CL028@4:11 CL028@6:11 CL028@8:10");
	/* Plain UTF-8 is fine. */
	expect_findings("policy p { description \"compile, test — naïve café\" }", NULL, "");
	char *msg = message_of("policy p { description \"a\\x1bb\" }", "CL028");
	assert_string_equal(msg, "the description contains the control character \\x1b (escape), "
	                         "which a terminal would act on rather than show");
	free(msg);
}

static void test_bwrap_version(void **state)
{
	(void)state;
	const char *text = "policy p {\n"
	                   "  requires bwrap \"%s\"\n"
	                   "  fs {\n"
	                   "    tmpfs /tmp size 64M\n"
	                   "    dir /d mode 0700\n"
	                   "  }\n"
	                   "  env { clear }\n"
	                   "}\n";
	struct {
		const char *version, *want;
	} cases[] = {
	    {"0.4.0", "CL029@4:5 CL029@5:5 CL029@7:9"},
	    {"0.5.0", "CL029@4:5"},
	    {"0.7.0", ""},
	    {"0.11", ""},
	    {"0.1.8", "CL029@2:3 CL029@4:5 CL029@5:5 CL029@7:9"},
	};
	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		char *policy = xasprintf(text, cases[i].version);
		expect_findings(policy, NULL, cases[i].want);
		free(policy);
	}
	/* Without a declared minimum there is nothing to compare with. */
	expect_findings("policy p { fs { tmpfs /tmp size 1M } }", NULL, "");
	char *msg =
	    message_of("policy p {\n requires bwrap \"0.6\"\n fs { tmpfs /t size 1M }\n}", "CL029");
	assert_string_equal(msg, "--size needs bwrap 0.7.0, newer than the 0.6.0 the policy "
	                         "requires (`requires bwrap` on line 2)");
	free(msg);
}

static void test_catalogue(void **state)
{
	(void)state;
	for (size_t i = 0; i < lint_n_fs_checks; i++) {
		const struct lint_check *c = &lint_fs_checks[i];
		assert_true(strncmp(c->id, "CL0", 3) == 0 && c->id[3] >= '2' && c->id[3] <= '3');
		assert_non_null(c->run);
		assert_true(c->name[0] && c->summary[0] && c->why[0] && c->example[0] && c->fix[0]);
		assert_ptr_equal(lint_rule_find(c->id), c);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_relation),
	    cmocka_unit_test(test_covers),
	    cmocka_unit_test(test_places),
	    cmocka_unit_test(test_sensitive_rw_bind),
	    cmocka_unit_test(test_secret_and_socket_ro_bind),
	    cmocka_unit_test(test_shadowed_mount),
	    cmocka_unit_test(test_readonly_undone),
	    cmocka_unit_test(test_missing_bind_source),
	    cmocka_unit_test(test_untrusted_limits),
	    cmocka_unit_test(test_unconstrained_param),
	    cmocka_unit_test(test_host_net_home),
	    cmocka_unit_test(test_control_chars),
	    cmocka_unit_test(test_bwrap_version),
	    cmocka_unit_test(test_catalogue),
	};
	return cmocka_run_group_tests(tests, make_host, remove_host);
}

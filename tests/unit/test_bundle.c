/* Unit tests for the limits file, the manifest, and atomic bundle output:
 * success, and failures injected while staging and while committing. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>

#include "bundle.h"
#include "emit_limits.h"
#include "sha256.h"
#include "util.h"

/* ---- policies and diagnostics -------------------------------------------- */

static struct ir_policy *new_policy(const char *name)
{
	struct ir_policy *p = xcalloc(1, sizeof(*p));
	p->name = xstrdup(name);
	p->n_arches = 2;
	p->arches = xcalloc(2, sizeof(*p->arches));
	p->arches[0].name = xstrdup("x86_64");
	p->arches[1].name = xstrdup("x86");
	p->net = IR_NET_NONE;
	p->process.uid = -1;
	p->process.gid = -1;
	return p;
}

static void add_file(struct ir_policy *p, const char *dst, const void *data, size_t len)
{
	struct ir_fs_op op = {.kind = IR_FS_FILE, .dst = xstrdup(dst), .data_len = len};
	op.data = xmalloc(len);
	memcpy(op.data, data, len);
	ir_add_fs_op(p, op);
}

static void add_env(struct ir_policy *p, enum ir_env_kind kind, const char *name, const char *value)
{
	struct ir_env_op op = {.kind = kind,
	                       .name = name ? xstrdup(name) : NULL,
	                       .value = value ? xstrdup(value) : NULL};
	ir_add_env_op(p, op);
}

static void add_param(struct ir_policy *p, const char *name, bool as_path)
{
	struct ir_param param = {.name = xstrdup(name), .used_as_path = as_path};
	ir_add_param(p, param);
}

static void set_limit(struct ir_limit *limit, uint64_t value, bool infinite, bool best_effort)
{
	limit->set = true;
	limit->value = value;
	limit->infinite = infinite;
	limit->best_effort = best_effort;
}

/* Diagnostics go to memory, so that tests can check what was said. */
struct messages {
	char *text;
	size_t len;
	FILE *stream;
	struct diag_ctx *diag;
};

static void messages_open(struct messages *m)
{
	m->text = NULL;
	m->stream = open_memstream(&m->text, &m->len);
	assert_non_null(m->stream);
	m->diag = diag_new(m->stream);
}

/* Closes the stream so that m->text is complete; returns the error count. */
static int messages_close(struct messages *m)
{
	int errors = diag_error_count(m->diag);
	diag_free(m->diag);
	fclose(m->stream);
	return errors;
}

/* ---- the limits file ------------------------------------------------------- */

static void test_limits_every_key_in_order(void **state)
{
	(void)state;
	struct ir_policy *p = new_policy("limits");
	/* Set in an order different from the file's. */
	set_limit(&p->limits.fsize_bytes, 100 << 20, false, false);
	set_limit(&p->limits.nofile, 0, true, false);
	set_limit(&p->limits.time_ms, 30000, false, false);
	set_limit(&p->limits.cpu_millicores, 1500, false, true);
	set_limit(&p->limits.pids, 64, false, false);
	set_limit(&p->limits.memory_bytes, 512 << 20, false, true);
	struct messages m;
	messages_open(&m);
	struct buf out;
	buf_init(&out);
	assert_int_equal(emit_limits(p, m.diag, &out), 0);
	assert_int_equal(messages_close(&m), 0);
	assert_string_equal(buf_cstr(&out), "cell-limits 1\n"
	                                    "memory-bytes 536870912 best-effort\n"
	                                    "pids 64\n"
	                                    "cpu-millicores 1500 best-effort\n"
	                                    "time-ms 30000\n"
	                                    "nofile infinity\n"
	                                    "fsize-bytes 104857600\n");
	buf_free(&out);
	free(m.text);
	ir_policy_free(p);
}

static void test_limits_only_what_is_set(void **state)
{
	(void)state;
	struct ir_policy *p = new_policy("limits");
	struct messages m;
	messages_open(&m);
	struct buf out;
	buf_init(&out);
	assert_int_equal(emit_limits(p, m.diag, &out), 0);
	assert_string_equal(buf_cstr(&out), "cell-limits 1\n");

	buf_reset(&out);
	set_limit(&p->limits.fsize_bytes, 0, false, false); /* "may not write files" */
	set_limit(&p->limits.pids, 10, true, true);
	assert_int_equal(emit_limits(p, m.diag, &out), 0);
	assert_string_equal(buf_cstr(&out), "cell-limits 1\npids infinity best-effort\n"
	                                    "fsize-bytes 0\n");
	assert_int_equal(messages_close(&m), 0);
	buf_free(&out);
	free(m.text);
	ir_policy_free(p);
}

static void test_limits_zero_is_an_error(void **state)
{
	(void)state;
	struct ir_policy *p = new_policy("limits");
	set_limit(&p->limits.pids, 0, false, false);
	set_limit(&p->limits.memory_bytes, 0, false, false);
	struct messages m;
	messages_open(&m);
	struct buf out;
	buf_init(&out);
	assert_int_equal(emit_limits(p, m.diag, &out), -1);
	assert_int_equal(messages_close(&m), 2);
	assert_non_null(strstr(m.text, "limit pids is 0"));
	assert_non_null(strstr(m.text, "limit memory-bytes is 0"));
	buf_free(&out);
	free(m.text);
	ir_policy_free(p);
}

/* ---- the manifest ------------------------------------------------------------ */

static const unsigned char binary_file[] = {0x00, 0x01, 0xfe, 0xff, '\n', 'x'};

/* A policy with params, kept variables and two files; its bundle gets a
 * stand-in filter (the seccomp backend is not ours). */
static struct ir_policy *manifest_policy(const char *name)
{
	struct ir_policy *p = new_policy(name);
	add_param(p, "WORKDIR", true);
	add_param(p, "GREETING", false);
	add_file(p, "/etc/bin", binary_file, sizeof(binary_file));
	add_file(p, "/etc/empty", "", 0);
	add_env(p, IR_ENV_CLEAR, NULL, NULL);
	add_env(p, IR_ENV_KEEP, "PATH", NULL);
	add_env(p, IR_ENV_KEEP, "LANG", NULL);
	add_env(p, IR_ENV_SET, "MSG", "${GREETING}");
	set_limit(&p->limits.pids, 64, false, false);
	return p;
}

static void build_bundle(struct bundle *b, const struct ir_policy *p, size_t bpf_len)
{
	bundle_init(b, p);
	for (size_t i = 0; i < bpf_len; i++) {
		unsigned char c = (unsigned char)(i * 37 + bpf_len);
		buf_append(&b->bpf, &c, 1);
	}
	struct messages m;
	messages_open(&m);
	assert_int_equal(bundle_emit_args_and_limits(b, m.diag), 0);
	assert_int_equal(messages_close(&m), 0);
	free(m.text);
}

static char *piece_line(const char *name, const char *kind, const struct buf *piece)
{
	uint8_t digest[SHA256_DIGEST_SIZE];
	char hex[SHA256_HEX_SIZE];
	sha256(piece->data ? piece->data : "", piece->len, digest);
	sha256_to_hex(digest, hex);
	return xasprintf("piece %s %s.%s %zu sha256:%s", kind, name, kind, piece->len, hex);
}

static void test_manifest_content(void **state)
{
	(void)state;
	struct ir_policy *p = manifest_policy("task");
	struct bundle b;
	build_bundle(&b, p, 96);
	struct buf out;
	buf_init(&out);
	assert_int_equal(bundle_render_manifest(p, &b, &out), 0);

	char *bpf = piece_line("task", "bpf", &b.bpf);
	char *args = piece_line("task", "args", &b.args);
	char *limits = piece_line("task", "limits", &b.limits);
	char *landlock = piece_line("task", "landlock", &b.landlock);
	char *expected = xasprintf("cell-bundle 2\n"
	                           "name task\n"
	                           "compiler cell %s\n"
	                           "arch x86_64\n"
	                           "arch x86\n"
	                           "bwrap-min 0.5.0\n"
	                           "fallback none\n"
	                           "param WORKDIR path\n"
	                           "param GREETING value\n"
	                           "env-keep PATH\n"
	                           "env-keep LANG\n"
	                           "data 10 6 0001feff0a78\n"
	                           "data 11 0 -\n"
	                           "%s\n%s\n%s\n%s\n",
	                           CELL_VERSION, bpf, args, limits, landlock);
	assert_string_equal(buf_cstr(&out), expected);
	/* The digests are of the exact bytes that will be written. */
	assert_true(b.args.len > 0 && b.limits.len > 0 && b.landlock.len > 0);
	/* `fallback landlock` is the one other value. */
	p->fallback = IR_FALLBACK_LANDLOCK;
	buf_reset(&out);
	assert_int_equal(bundle_render_manifest(p, &b, &out), 0);
	assert_non_null(strstr(buf_cstr(&out), "\nbwrap-min 0.5.0\nfallback landlock\nparam "));
	free(bpf);
	free(args);
	free(limits);
	free(landlock);
	free(expected);
	buf_free(&out);
	bundle_free(&b);
	ir_policy_free(p);
}

static void test_manifest_refuses_what_it_cannot_write(void **state)
{
	(void)state;
	struct ir_policy *p = new_policy("two words");
	struct bundle b;
	bundle_init(&b, p);
	struct buf out;
	buf_init(&out);
	assert_int_equal(bundle_render_manifest(p, &b, &out), -EINVAL);
	bundle_free(&b);
	ir_policy_free(p);

	p = new_policy("noarch");
	p->n_arches = 0;
	bundle_init(&b, p);
	buf_reset(&out);
	assert_int_equal(bundle_render_manifest(p, &b, &out), -EINVAL);
	p->n_arches = 2;

	/* Contents over the cap, however they got into the needs. */
	b.needs.n_data_fds = 1;
	b.needs.data_fds = xcalloc(1, sizeof(*b.needs.data_fds));
	b.needs.data_fds[0].fd = BWRAP_FIRST_DATA_FD;
	b.needs.data_fds[0].len = BWRAP_MAX_DATA_SIZE + 1;
	b.needs.data_fds[0].data = xcalloc(1, BWRAP_MAX_DATA_SIZE + 1);
	buf_reset(&out);
	assert_int_equal(bundle_render_manifest(p, &b, &out), -EFBIG);
	buf_free(&out);
	bundle_free(&b);
	ir_policy_free(p);

	assert_true(bundle_name_valid("python-task"));
	assert_false(bundle_name_valid(".hidden"));
	assert_false(bundle_name_valid("a/b"));
	assert_false(bundle_name_valid(""));
	assert_false(bundle_name_valid("tab\there"));
}

/* ---- atomic output -------------------------------------------------------------- */

/* Fixture: a scratch directory, removed with all its contents even when a
 * test fails half-way. Tests write their bundles to SCRATCH/out. */
struct scratch {
	char *root, *out;
};

static int scratch_create(void **state)
{
	struct scratch *s = xcalloc(1, sizeof(*s));
	s->root = xstrdup("/tmp/cell-bundle-XXXXXX");
	assert_non_null(mkdtemp(s->root));
	s->out = xasprintf("%s/out", s->root);
	*state = s;
	return 0;
}

static int scratch_remove(void **state)
{
	struct scratch *s = *state;
	char *cmd = xasprintf("rm -rf '%s'", s->root);
	int rc = system(cmd);
	free(cmd);
	free(s->out);
	free(s->root);
	free(s);
	return rc == 0 ? 0 : -1;
}

/* The directory's entries, sorted, one per line. */
static char *list_dir(const char *dir)
{
	DIR *d = opendir(dir);
	assert_non_null(d);
	char **names = NULL;
	size_t n = 0;
	struct dirent *entry;
	while ((entry = readdir(d))) {
		if (strcmp(entry->d_name, ".") == 0 || strcmp(entry->d_name, "..") == 0)
			continue;
		names = xrealloc(names, (n + 1) * sizeof(*names));
		names[n++] = xstrdup(entry->d_name);
	}
	closedir(d);
	for (size_t i = 1; i < n; i++)
		for (size_t j = i; j > 0 && strcmp(names[j - 1], names[j]) > 0; j--) {
			char *t = names[j];
			names[j] = names[j - 1];
			names[j - 1] = t;
		}
	struct buf out;
	buf_init(&out);
	for (size_t i = 0; i < n; i++) {
		buf_printf(&out, "%s\n", names[i]);
		free(names[i]);
	}
	free(names);
	return buf_cstr(&out);
}

static void write_text(const char *dir, const char *name, const char *text)
{
	char *path = xasprintf("%s/%s", dir, name);
	FILE *f = fopen(path, "w");
	assert_non_null(f);
	fputs(text, f);
	assert_int_equal(fclose(f), 0);
	free(path);
}

static void assert_file_is(const char *dir, const char *name, const void *data, size_t len)
{
	char *path = xasprintf("%s/%s", dir, name);
	char *got = NULL;
	size_t got_len = 0;
	int err = read_file(path, &got, &got_len);
	if (err < 0)
		fail_msg("cannot read %s: %s", path, strerror(-err));
	assert_int_equal(got_len, len);
	assert_memory_equal(got, data, len);
	struct stat st;
	assert_int_equal(lstat(path, &st), 0);
	assert_true(S_ISREG(st.st_mode));
	assert_int_equal(st.st_mode & 07777, 0644);
	free(got);
	free(path);
}

/* Two bundles, "alpha" and "beta", ready to write. */
struct pair {
	struct ir_policy *policies[2];
	struct bundle bundles[2];
	struct bundle *list[2];
};

static void pair_init(struct pair *pr, size_t beta_bpf_len)
{
	pr->policies[0] = manifest_policy("alpha");
	pr->policies[1] = manifest_policy("beta");
	build_bundle(&pr->bundles[0], pr->policies[0], 64);
	build_bundle(&pr->bundles[1], pr->policies[1], beta_bpf_len);
	pr->list[0] = &pr->bundles[0];
	pr->list[1] = &pr->bundles[1];
}

static void pair_free(struct pair *pr)
{
	for (int i = 0; i < 2; i++) {
		bundle_free(&pr->bundles[i]);
		ir_policy_free(pr->policies[i]);
	}
}

static void assert_bundle_written(const char *dir, const struct bundle *b)
{
	struct buf manifest;
	buf_init(&manifest);
	assert_int_equal(bundle_render_manifest(b->policy, b, &manifest), 0);
	char *name = xasprintf("%s.bpf", b->name);
	assert_file_is(dir, name, b->bpf.data, b->bpf.len);
	free(name);
	name = xasprintf("%s.args", b->name);
	assert_file_is(dir, name, b->args.data, b->args.len);
	free(name);
	name = xasprintf("%s.limits", b->name);
	assert_file_is(dir, name, b->limits.data, b->limits.len);
	free(name);
	name = xasprintf("%s.landlock", b->name);
	assert_file_is(dir, name, b->landlock.data, b->landlock.len);
	free(name);
	name = xasprintf("%s.manifest", b->name);
	assert_file_is(dir, name, manifest.data, manifest.len);
	free(name);
	buf_free(&manifest);
}

static void test_write_all_writes_everything(void **state)
{
	const char *dir = ((struct scratch *)*state)->out; /* missing: write_all creates it */
	struct pair pr;
	pair_init(&pr, 128);
	struct messages m;
	messages_open(&m);
	assert_int_equal(bundle_write_all(m.diag, dir, pr.list, 2), 0);
	assert_int_equal(messages_close(&m), 0);

	struct stat st;
	assert_int_equal(stat(dir, &st), 0);
	assert_true(S_ISDIR(st.st_mode));
	assert_int_equal(st.st_mode & 07777, 0755);
	char *listing = list_dir(dir);
	assert_string_equal(listing,
	                    "alpha.args\nalpha.bpf\nalpha.landlock\nalpha.limits\nalpha.manifest\n"
	                    "beta.args\nbeta.bpf\nbeta.landlock\nbeta.limits\nbeta.manifest\n");
	assert_bundle_written(dir, &pr.bundles[0]);
	assert_bundle_written(dir, &pr.bundles[1]);

	free(listing);
	free(m.text);
	pair_free(&pr);
}

static const char *const old_alpha[][2] = {
    {"alpha.bpf", "old filter\n"},
    {"alpha.args", "old args\n"},
    {"alpha.limits", "cell-limits 1\npids 1\n"},
    {"alpha.manifest", "cell-bundle 1\nname alpha\n"},
};

static void write_old_alpha(const char *dir)
{
	for (size_t i = 0; i < ARRAY_SIZE(old_alpha); i++)
		write_text(dir, old_alpha[i][0], old_alpha[i][1]);
}

static void assert_old_alpha_untouched(const char *dir)
{
	for (size_t i = 0; i < ARRAY_SIZE(old_alpha); i++) {
		char *path = xasprintf("%s/%s", dir, old_alpha[i][0]);
		char *got = NULL;
		size_t len = 0;
		assert_int_equal(read_file(path, &got, &len), 0);
		assert_int_equal(len, strlen(old_alpha[i][1]));
		assert_memory_equal(got, old_alpha[i][1], len);
		free(got);
		free(path);
	}
}

static void test_write_all_replaces_earlier_artifacts(void **state)
{
	const char *dir = ((struct scratch *)*state)->out;
	assert_int_equal(mkdir(dir, 0755), 0);
	write_old_alpha(dir);
	/* A planted symlink is replaced, never written through. */
	char *outside = xasprintf("%s/outside", ((struct scratch *)*state)->root);
	FILE *f = fopen(outside, "w");
	assert_non_null(f);
	fputs("keep me\n", f);
	assert_int_equal(fclose(f), 0);
	char *link = xasprintf("%s/beta.args", dir);
	assert_int_equal(symlink(outside, link), 0);

	struct pair pr;
	pair_init(&pr, 128);
	struct messages m;
	messages_open(&m);
	assert_int_equal(bundle_write_all(m.diag, dir, pr.list, 2), 0);
	assert_int_equal(messages_close(&m), 0);
	assert_bundle_written(dir, &pr.bundles[0]);
	assert_bundle_written(dir, &pr.bundles[1]);
	char *listing = list_dir(dir);
	assert_string_equal(listing,
	                    "alpha.args\nalpha.bpf\nalpha.landlock\nalpha.limits\nalpha.manifest\n"
	                    "beta.args\nbeta.bpf\nbeta.landlock\nbeta.limits\nbeta.manifest\n");
	char *kept = NULL;
	size_t kept_len = 0;
	assert_int_equal(read_file(outside, &kept, &kept_len), 0);
	assert_string_equal(kept, "keep me\n");

	free(kept);
	free(listing);
	free(link);
	free(outside);
	free(m.text);
	pair_free(&pr);
}

/* Every alpha piece is moved into place before beta.manifest is reached,
 * and a directory there makes the move fail: alpha must be rolled back. */
static void test_failure_while_committing_rolls_back(void **state)
{
	const char *dir = ((struct scratch *)*state)->out;
	assert_int_equal(mkdir(dir, 0755), 0);
	write_old_alpha(dir);
	char *blocker = xasprintf("%s/beta.manifest", dir);
	assert_int_equal(mkdir(blocker, 0755), 0);

	struct pair pr;
	pair_init(&pr, 128);
	struct messages m;
	messages_open(&m);
	assert_int_equal(bundle_write_all(m.diag, dir, pr.list, 2), -1);
	assert_true(messages_close(&m) >= 1);
	char *expected =
	    xasprintf("cannot replace %s/beta.manifest: it exists and is not a file", dir);
	if (!strstr(m.text, expected))
		fail_msg("expected '%s' in:\n%s", expected, m.text);

	assert_old_alpha_untouched(dir);
	/* No temp file, and none of beta's pieces under a final name. */
	char *listing = list_dir(dir);
	assert_string_equal(listing, "alpha.args\nalpha.bpf\nalpha.limits\nalpha.manifest\n"
	                             "beta.manifest\n");

	free(listing);
	free(expected);
	free(m.text);
	pair_free(&pr);
	free(blocker);
}

/* A file size limit makes writing beta's (larger) filter fail half-way
 * through staging, after all of alpha's temp files were written. */
static void test_failure_while_staging_leaves_nothing(void **state)
{
	const char *dir = ((struct scratch *)*state)->out;
	assert_int_equal(mkdir(dir, 0755), 0);
	write_old_alpha(dir);
	struct pair pr;
	pair_init(&pr, 16384);

	struct rlimit saved, small = {.rlim_cur = 8192};
	assert_int_equal(getrlimit(RLIMIT_FSIZE, &saved), 0);
	small.rlim_max = saved.rlim_max;
	void (*old_handler)(int) = signal(SIGXFSZ, SIG_IGN);
	assert_int_equal(setrlimit(RLIMIT_FSIZE, &small), 0);
	struct messages m;
	messages_open(&m);
	int rc = bundle_write_all(m.diag, dir, pr.list, 2);
	assert_int_equal(setrlimit(RLIMIT_FSIZE, &saved), 0);
	signal(SIGXFSZ, old_handler);

	assert_int_equal(rc, -1);
	assert_true(messages_close(&m) >= 1);
	if (!strstr(m.text, "File too large") || !strstr(m.text, "beta.bpf"))
		fail_msg("expected the failing path and reason in:\n%s", m.text);
	assert_old_alpha_untouched(dir);
	char *listing = list_dir(dir);
	assert_string_equal(listing, "alpha.args\nalpha.bpf\nalpha.limits\nalpha.manifest\n");

	free(listing);
	free(m.text);
	pair_free(&pr);
}

static void test_write_all_refuses_bad_names_and_dirs(void **state)
{
	const char *dir = ((struct scratch *)*state)->out;
	assert_int_equal(mkdir(dir, 0755), 0);
	struct pair pr;
	pair_init(&pr, 8);
	struct messages m;
	messages_open(&m);

	/* Two bundles with one name would overwrite each other. */
	free(pr.bundles[1].name);
	pr.bundles[1].name = xstrdup("alpha");
	assert_int_equal(bundle_write_all(m.diag, dir, pr.list, 2), -1);
	free(pr.bundles[1].name);
	pr.bundles[1].name = xstrdup("../escape");
	assert_int_equal(bundle_write_all(m.diag, dir, pr.list, 2), -1);
	free(pr.bundles[1].name);
	pr.bundles[1].name = xstrdup("beta");

	/* The output directory's parent must exist. */
	char *deep = xasprintf("%s/missing/out", dir);
	assert_int_equal(bundle_write_all(m.diag, deep, pr.list, 2), -1);
	/* A file where the directory should be. */
	write_text(dir, "file", "x");
	char *file = xasprintf("%s/file", dir);
	assert_int_equal(bundle_write_all(m.diag, file, pr.list, 2), -1);

	assert_int_equal(messages_close(&m), 4);
	assert_non_null(strstr(m.text, "two bundles are both named 'alpha'"));
	assert_non_null(strstr(m.text, "'../escape' cannot name a bundle"));
	char *missing = xasprintf("cannot create output directory %s: No such file", deep);
	assert_non_null(strstr(m.text, missing));
	char *not_dir = xasprintf("cannot open output directory %s: Not a directory", file);
	assert_non_null(strstr(m.text, not_dir));
	char *listing = list_dir(dir);
	assert_string_equal(listing, "file\n");

	free(listing);
	free(missing);
	free(not_dir);
	free(deep);
	free(file);
	free(m.text);
	pair_free(&pr);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_limits_every_key_in_order),
	    cmocka_unit_test(test_limits_only_what_is_set),
	    cmocka_unit_test(test_limits_zero_is_an_error),
	    cmocka_unit_test(test_manifest_content),
	    cmocka_unit_test(test_manifest_refuses_what_it_cannot_write),
	    cmocka_unit_test_setup_teardown(test_write_all_writes_everything, scratch_create,
	                                    scratch_remove),
	    cmocka_unit_test_setup_teardown(test_write_all_replaces_earlier_artifacts,
	                                    scratch_create, scratch_remove),
	    cmocka_unit_test_setup_teardown(test_failure_while_committing_rolls_back,
	                                    scratch_create, scratch_remove),
	    cmocka_unit_test_setup_teardown(test_failure_while_staging_leaves_nothing,
	                                    scratch_create, scratch_remove),
	    cmocka_unit_test_setup_teardown(test_write_all_refuses_bad_names_and_dirs,
	                                    scratch_create, scratch_remove),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}

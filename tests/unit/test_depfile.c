/* Unit tests for dependency files: the rule's shape and escaping, refused
 * paths, atomic writing, and `cell compile --depfile` end to end (the files
 * an include chain read, nothing written on an error). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "compile.h"
#include "depfile.h"
#include "util.h"

static char *render(const char *const *targets, size_t nt, const char *const *deps, size_t nd,
                    int expect_rc, const char **bad)
{
	struct buf b;
	buf_init(&b);
	assert_int_equal(depfile_render(&b, targets, nt, deps, nd, bad), expect_rc);
	char *s = xstrdup(buf_cstr(&b));
	buf_free(&b);
	return s;
}

static void test_rule_lists_targets_then_deps(void **state)
{
	(void)state;
	const char *targets[] = {"out/p.bpf", "out/p.manifest"};
	const char *deps[] = {"p.cell", "/lib/a.cell"};
	const char *bad = NULL;
	char *s = render(targets, 2, deps, 2, 0, &bad);
	assert_string_equal(s, "out/p.bpf out/p.manifest: \\\n  p.cell \\\n  /lib/a.cell\n");
	free(s);
}

static void test_special_characters_are_escaped(void **state)
{
	(void)state;
	const char *targets[] = {"out dir/p.bpf"};
	const char *deps[] = {"a b#c$d.cell"};
	const char *bad = NULL;
	char *s = render(targets, 1, deps, 1, 0, &bad);
	assert_string_equal(s, "out\\ dir/p.bpf: \\\n  a\\ b\\#c$$d.cell\n");
	free(s);
}

static void test_unwritable_paths_are_refused(void **state)
{
	(void)state;
	const char *targets[] = {"out/p.bpf"};
	const char *cases[] = {"a\\b.cell", "a\nb.cell", "tab\there", ""};
	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		const char *deps[] = {"ok.cell", cases[i]};
		const char *bad = NULL;
		free(render(targets, 1, deps, 2, -1, &bad));
		assert_ptr_equal(bad, cases[i]);
	}
	const char *bad_target[] = {"out/\x7fp.bpf"};
	const char *bad = NULL;
	free(render(bad_target, 1, NULL, 0, -1, &bad));
	assert_ptr_equal(bad, bad_target[0]);
}

/* ---- writing, and the compiler's use of it -------------------------------- */

static int scratch_create(void **state)
{
	char *dir = xstrdup("/tmp/cell-test-depfile-XXXXXX");
	if (!mkdtemp(dir))
		return -1;
	*state = dir;
	return 0;
}

static int scratch_remove(void **state)
{
	char *cmd = xasprintf("rm -rf '%s'", (char *)*state);
	int rc = system(cmd);
	free(cmd);
	free(*state);
	return rc == 0 ? 0 : -1;
}

static void put(const char *dir, const char *name, const char *text)
{
	char *path = xasprintf("%s/%s", dir, name);
	FILE *f = fopen(path, "w");
	assert_non_null(f);
	fputs(text, f);
	fclose(f);
	free(path);
}

static char *slurp(const char *dir, const char *name)
{
	char *path = xasprintf("%s/%s", dir, name);
	char *data = NULL;
	size_t len = 0;
	int rc = read_file(path, &data, &len);
	free(path);
	if (rc < 0)
		return NULL;
	char *s = xstrndup(data, len);
	free(data);
	return s;
}

/* Only `keep` (and the policy sources) may be left in dir/out. */
static size_t count_entries(const char *path)
{
	DIR *d = opendir(path);
	if (!d)
		return 0;
	size_t n = 0;
	for (struct dirent *e; (e = readdir(d));)
		n += e->d_name[0] != '.';
	closedir(d);
	return n;
}

static void test_write_replaces_atomically_with_mode_0644(void **state)
{
	const char *dir = *state;
	put(dir, "x.d", "old\n");
	char *path = xasprintf("%s/x.d", dir);
	struct buf b;
	buf_init(&b);
	buf_puts(&b, "new: dep\n");
	assert_int_equal(depfile_write(path, &b), 0);
	char *text = slurp(dir, "x.d");
	assert_string_equal(text, "new: dep\n");
	struct stat st;
	assert_int_equal(stat(path, &st), 0);
	assert_int_equal(st.st_mode & 07777, 0644);
	assert_int_equal(count_entries(dir), 1); /* no temp file left behind */
	free(text);
	buf_free(&b);
	free(path);
}

static void test_write_into_missing_directory_fails(void **state)
{
	char *path = xasprintf("%s/missing/x.d", (char *)*state);
	struct buf b;
	buf_init(&b);
	buf_puts(&b, "a: b\n");
	assert_int_equal(depfile_write(path, &b), -ENOENT);
	buf_free(&b);
	free(path);
}

static int compile_with_depfile(const char *dir, const char *depfile_name)
{
	char *policy = xasprintf("%s/p.cell", dir);
	char *out = xasprintf("%s/out", dir);
	char *depfile = xasprintf("%s/%s", dir, depfile_name);
	struct compile_options co = {.out_dir = out, .quiet = true, .depfile = depfile};
	FILE *sink = fopen("/dev/null", "w");
	int rc = compile_policy_file(policy, &co, sink);
	fclose(sink);
	free(policy);
	free(out);
	free(depfile);
	return rc;
}

static void test_compile_lists_every_included_file(void **state)
{
	const char *dir = *state;
	char *lib = xasprintf("%s/lib", dir);
	assert_int_equal(mkdir(lib, 0755), 0);
	free(lib);
	put(dir, "lib/a.cell", "include \"b.cell\"\nconst A = 1\n");
	put(dir, "lib/b.cell", "const B = 2\n");
	put(dir, "p.cell", "include \"lib/a.cell\"\npolicy p { syscalls { allow read } }\n");
	assert_int_equal(compile_with_depfile(dir, "p.d"), 0);
	char *text = slurp(dir, "p.d");
	char *expect = xasprintf(
	    "%s/out/p.manifest %s/out/p.bpf %s/out/p.args %s/out/p.limits %s/out/p.landlock: "
	    "\\\n  %s/p.cell \\\n  %s/lib/a.cell \\\n  %s/lib/b.cell\n",
	    dir, dir, dir, dir, dir, dir, dir, dir);
	assert_string_equal(text, expect);
	free(text);
	free(expect);
}

/* The natural place for the depfile is inside -o's directory, which the
 * compile creates. */
static void test_depfile_inside_a_new_output_directory(void **state)
{
	const char *dir = *state;
	put(dir, "p.cell", "policy p { syscalls { allow read } }\n");
	assert_int_equal(compile_with_depfile(dir, "out/p.d"), 0);
	char *text = slurp(dir, "out/p.d");
	assert_non_null(text);
	assert_non_null(strstr(text, "/out/p.manifest "));
	free(text);
}

static void test_compile_error_writes_no_depfile(void **state)
{
	const char *dir = *state;
	put(dir, "p.cell", "policy p { syscalls { allow opnat } }\n");
	assert_int_equal(compile_with_depfile(dir, "p.d"), 1);
	assert_null(slurp(dir, "p.d"));
	assert_int_equal(count_entries(dir), 1); /* p.cell alone */
}

static void test_unwritable_depfile_writes_no_bundle(void **state)
{
	const char *dir = *state;
	put(dir, "p.cell", "policy p { syscalls { allow read } }\n");
	assert_int_equal(compile_with_depfile(dir, "missing/p.d"), 1);
	char *out = xasprintf("%s/out", dir);
	assert_int_equal(count_entries(out), 0);
	free(out);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_rule_lists_targets_then_deps),
	    cmocka_unit_test(test_special_characters_are_escaped),
	    cmocka_unit_test(test_unwritable_paths_are_refused),
	    cmocka_unit_test_setup_teardown(test_write_replaces_atomically_with_mode_0644,
	                                    scratch_create, scratch_remove),
	    cmocka_unit_test_setup_teardown(test_write_into_missing_directory_fails, scratch_create,
	                                    scratch_remove),
	    cmocka_unit_test_setup_teardown(test_compile_lists_every_included_file, scratch_create,
	                                    scratch_remove),
	    cmocka_unit_test_setup_teardown(test_depfile_inside_a_new_output_directory,
	                                    scratch_create, scratch_remove),
	    cmocka_unit_test_setup_teardown(test_compile_error_writes_no_depfile, scratch_create,
	                                    scratch_remove),
	    cmocka_unit_test_setup_teardown(test_unwritable_depfile_writes_no_bundle,
	                                    scratch_create, scratch_remove),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}

/* Unit tests for the OCI seccomp export (compiler/emit_oci.h): the profile
 * is well-formed JSON with the runtime spec's fields, each lowered piece
 * becomes an entry with the spec's argument order, what the profile cannot
 * carry is reported by name, and what would weaken it is refused. The real
 * runtime test (crun) is tests/integration/export_oci.sh. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <seccomp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "diag.h"
#include "emit_oci.h"
#include "names.h"
#include "resolve.h"
#include "util.h"

/* ---- a strict JSON syntax check: enough to prove the writer's output parses */

static bool json_value(const char **s, int depth);

static void skip_ws(const char **s)
{
	while (**s == ' ' || **s == '\n' || **s == '\t' || **s == '\r')
		(*s)++;
}

static bool json_string(const char **s)
{
	if (*(*s)++ != '"')
		return false;
	for (;;) {
		unsigned char c = (unsigned char)*(*s)++;
		if (c == '"')
			return true;
		if (c < 0x20)
			return false;
		if (c == '\\') {
			c = (unsigned char)*(*s)++;
			if (c == 'u') {
				for (int i = 0; i < 4; i++)
					if (!strchr("0123456789abcdefABCDEF", *(*s)++) || !(*s)[-1])
						return false;
			} else if (!c || !strchr("\"\\/bfnrt", c)) {
				return false;
			}
		}
	}
}

static bool json_list(const char **s, char close, int depth, bool members)
{
	(*s)++;
	skip_ws(s);
	if (**s == close) {
		(*s)++;
		return true;
	}
	for (;;) {
		skip_ws(s);
		if (members) {
			if (!json_string(s))
				return false;
			skip_ws(s);
			if (*(*s)++ != ':')
				return false;
		}
		if (!json_value(s, depth + 1))
			return false;
		skip_ws(s);
		char c = *(*s)++;
		if (c == close)
			return true;
		if (c != ',')
			return false;
	}
}

static bool json_value(const char **s, int depth)
{
	skip_ws(s);
	if (depth > 32)
		return false;
	if (**s == '{')
		return json_list(s, '}', depth, true);
	if (**s == '[')
		return json_list(s, ']', depth, false);
	if (**s == '"')
		return json_string(s);
	if (**s >= '0' && **s <= '9') {
		while (**s >= '0' && **s <= '9')
			(*s)++;
		return true;
	}
	return false;
}

static bool json_valid(const char *text)
{
	const char *s = text;
	if (!json_value(&s, 0))
		return false;
	skip_ws(&s);
	return *s == '\0';
}

/* ---- exporting a policy text -------------------------------------------------- */

struct exported {
	int rc;
	int errors, warnings;
	char *json;     /* NUL-terminated */
	char *messages; /* diagnostics */
	size_t messages_len;
};

/* Exports the one policy of `text`; with extra_arch, that architecture is
 * added to the resolved policy first, for IR the resolver itself refuses to
 * build (the exporter must not rely on the resolver for its guarantees). */
static void export_with_arch(const char *text, uint32_t extra_arch, struct exported *e)
{
	memset(e, 0, sizeof(*e));
	FILE *stream = open_memstream(&e->messages, &e->messages_len);
	assert_non_null(stream);
	struct diag_ctx *d = diag_new(stream);
	struct resolve_options opt = {0};
	struct resolve_result res;
	int rc = resolve_text(d, CELL_SOURCE_DIR "/tests/policies/oci-unit.cell", text,
	                      strlen(text), &opt, &res);
	assert_int_equal(rc, 0);
	assert_int_equal(res.n_policies, 1);
	struct ir_policy *p = res.policies[0];
	if (extra_arch) {
		p->arches = xrealloc(p->arches, (p->n_arches + 1) * sizeof(*p->arches));
		p->arches[p->n_arches].token = extra_arch;
		p->arches[p->n_arches].name = xstrdup(names_arch_name(extra_arch));
		p->n_arches++;
	}
	struct buf out;
	buf_init(&out);
	e->rc = emit_oci_json(p, d, &out);
	e->json = xstrdup(out.len ? buf_cstr(&out) : "");
	e->errors = diag_error_count(d);
	e->warnings = diag_warning_count(d);
	buf_free(&out);
	resolve_result_free(&res);
	diag_free(d);
	fclose(stream);
}

static void export_text(const char *text, struct exported *e)
{
	export_with_arch(text, 0, e);
}

static void exported_free(struct exported *e)
{
	free(e->json);
	free(e->messages);
}

static bool contains(const char *haystack, const char *needle)
{
	return strstr(haystack, needle) != NULL;
}

static char *entry_of(const char *json, const char *syscall)
{
	char *quoted = xasprintf("\"%s\"", syscall);
	const char *at = strstr(json, quoted);
	free(quoted);
	if (!at)
		return NULL;
	const char *end = strstr(at, "\n    }");
	return end ? xstrndup(at, (size_t)(end - at)) : NULL;
}

/* ---- tests -------------------------------------------------------------------- */

static void test_profile_fields(void **state)
{
	(void)state;
	struct exported e;
	export_text("policy p {\n"
	            "  syscalls {\n"
	            "    default errno EPERM\n"
	            "    deny uname errno ENOSYS\n"
	            "    kill chdir\n"
	            "    trap ptrace\n"
	            "    log getppid\n"
	            "    allow read, write, getpid\n"
	            "  }\n"
	            "}\n",
	            &e);
	assert_int_equal(e.rc, 0);
	assert_int_equal(e.errors, 0);
	assert_true(json_valid(e.json));
	assert_true(contains(e.json, "\"defaultAction\": \"SCMP_ACT_ERRNO\""));
	char *want = xasprintf("\"defaultErrnoRet\": %d", names_errno_value("EPERM"));
	assert_true(contains(e.json, want));
	free(want);
	want = xasprintf("\"%s\"", oci_arch_name(seccomp_arch_native()));
	assert_true(contains(e.json, want));
	free(want);

	char *uname = entry_of(e.json, "uname");
	assert_non_null(uname);
	assert_true(contains(uname, "\"action\": \"SCMP_ACT_ERRNO\""));
	want = xasprintf("\"errnoRet\": %d", names_errno_value("ENOSYS"));
	assert_true(contains(uname, want));
	assert_false(contains(uname, "\"args\""));
	free(want);
	free(uname);

	char *chdir_entry = entry_of(e.json, "chdir");
	assert_non_null(chdir_entry);
	assert_true(contains(chdir_entry, "SCMP_ACT_KILL_PROCESS"));
	free(chdir_entry);
	char *ptrace = entry_of(e.json, "ptrace");
	assert_true(ptrace && contains(ptrace, "SCMP_ACT_TRAP"));
	free(ptrace);
	char *log = entry_of(e.json, "getppid");
	assert_true(log && contains(log, "SCMP_ACT_LOG"));
	free(log);
	/* Unconditional rules of one action share one names list. */
	assert_non_null(strstr(e.json, "\"read\",\n        \"write\",\n        \"getpid\""));
	exported_free(&e);
}

static void test_no_default_errno_for_kill_default(void **state)
{
	(void)state;
	struct exported e;
	export_text("policy p { syscalls { default kill  allow read } }\n", &e);
	assert_int_equal(e.rc, 0);
	assert_true(json_valid(e.json));
	assert_true(contains(e.json, "\"defaultAction\": \"SCMP_ACT_KILL_PROCESS\""));
	assert_false(contains(e.json, "defaultErrnoRet"));
	exported_free(&e);
}

static void test_masked_and_full_comparisons(void **state)
{
	(void)state;
	struct exported e;
	export_text("policy p {\n"
	            "  syscalls {\n"
	            "    deny ioctl(cmd) errno EXDEV if cmd == TIOCSTI\n"
	            "    deny lseek(offset) errno EXDEV if offset == 0xfffffffffffffff0\n"
	            "    allow ioctl, lseek\n"
	            "  }\n"
	            "}\n",
	            &e);
	assert_int_equal(e.rc, 0);
	assert_true(json_valid(e.json));
	uint64_t tiocsti = 0;
	assert_true(names_const_value("TIOCSTI", &tiocsti));
	/* A 32-bit argument: MASKED_EQ, value the mask, valueTwo the value. */
	char *want = xasprintf("{\"index\": 1, \"value\": 4294967295, \"valueTwo\": %llu, \"op\": "
	                       "\"SCMP_CMP_MASKED_EQ\"}",
	                       (unsigned long long)tiocsti);
	char *ioctl_entry = entry_of(e.json, "ioctl");
	assert_non_null(ioctl_entry);
	assert_true(contains(ioctl_entry, want));
	free(want);
	free(ioctl_entry);
	/* A full 64-bit comparison: EQ, the top bit written as an unsigned number. */
	assert_true(contains(e.json, "{\"index\": 1, \"value\": 18446744073709551600, "
	                             "\"valueTwo\": 0, \"op\": \"SCMP_CMP_EQ\"}"));
	exported_free(&e);
}

static void test_left_out_parts_reported(void **state)
{
	(void)state;
	struct exported e;
	export_text("policy p {\n"
	            "  fs { ro /usr  tmpfs /tmp }\n"
	            "  net none\n"
	            "  limits { memory 64M  pids 16 }\n"
	            "  env { clear set A=b }\n"
	            "  process { hostname box }\n"
	            "  syscalls { allow @basic-io }\n"
	            "}\n",
	            &e);
	assert_int_equal(e.rc, 0);
	assert_int_equal(e.warnings, 1);
	assert_true(contains(e.messages, "left out: fs (2 mount operations)"));
	assert_true(contains(e.messages, "left out: net none"));
	assert_true(contains(e.messages, "left out: limits memory, pids"));
	assert_true(contains(e.messages, "left out: env (2 operations)"));
	assert_true(contains(e.messages, "left out: process hostname"));
	assert_true(contains(e.messages, "foreign ABIs and x32"));
	/* net none's socket rule is a seccomp rule, so it is in the profile. */
	assert_non_null(strstr(e.json, "\"socket\""));
	exported_free(&e);
}

static void test_uncompilable_policy_refused(void **state)
{
	(void)state;
	struct exported e;
	/* open(2) does not exist on aarch64: the seccomp backend refuses the
	 * policy, and so no profile is written either. */
	export_with_arch(
	    "policy p { arch x86_64  syscalls { deny open errno EXDEV  allow read } }\n",
	    SCMP_ARCH_AARCH64, &e);
	assert_int_equal(e.rc, -1);
	assert_true(e.errors >= 2);
	assert_string_equal(e.json, "");
	assert_true(contains(e.messages, "does not exist on aarch64"));
	assert_true(contains(e.messages, "no OCI profile for policy 'p'"));
	exported_free(&e);
}

static void test_upper_bits_on_32bit_abi_refused(void **state)
{
	(void)state;
	struct exported e;
	/* The bpf backend drops the piece on x86; one profile for both ABIs
	 * would let x86's libseccomp cut the test away. */
	export_with_arch("policy p {\n"
	                 "  arch x86_64  net host\n"
	                 "  syscalls { deny lseek(offset) if offset == 0x100000000  allow lseek }\n"
	                 "}\n",
	                 SCMP_ARCH_X86, &e);
	assert_int_equal(e.rc, -1);
	assert_true(contains(e.messages, "upper half of argument 1"));
	assert_string_equal(e.json, "");
	exported_free(&e);

	/* The same rule with only 64-bit ABIs exports. */
	export_with_arch("policy p {\n"
	                 "  arch x86_64  net host\n"
	                 "  syscalls { deny lseek(offset) if offset == 0x100000000  allow lseek }\n"
	                 "}\n",
	                 SCMP_ARCH_AARCH64, &e);
	assert_int_equal(e.rc, 0);
	assert_true(json_valid(e.json));
	assert_true(contains(e.json, "\"SCMP_ARCH_AARCH64\""));
	exported_free(&e);
}

static void test_json_string_escaping(void **state)
{
	(void)state;
	struct buf b;
	buf_init(&b);
	buf_put_json_string(&b, "a\"b\\c\nd\te\x01"
	                        "f\x7f");
	assert_string_equal(buf_cstr(&b), "\"a\\\"b\\\\c\\nd\\te\\u0001f\\u007f\"");
	assert_true(json_valid(buf_cstr(&b)));
	buf_free(&b);
}

static void test_arch_names(void **state)
{
	(void)state;
	assert_string_equal(oci_arch_name(SCMP_ARCH_X86_64), "SCMP_ARCH_X86_64");
	assert_string_equal(oci_arch_name(SCMP_ARCH_AARCH64), "SCMP_ARCH_AARCH64");
	assert_null(oci_arch_name(0));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_profile_fields),
	    cmocka_unit_test(test_no_default_errno_for_kill_default),
	    cmocka_unit_test(test_masked_and_full_comparisons),
	    cmocka_unit_test(test_left_out_parts_reported),
	    cmocka_unit_test(test_uncompilable_policy_refused),
	    cmocka_unit_test(test_upper_bits_on_32bit_abi_refused),
	    cmocka_unit_test(test_json_string_escaping),
	    cmocka_unit_test(test_arch_names),
	};
	int rc = cmocka_run_group_tests(tests, NULL, NULL);
	names_cleanup();
	return rc;
}

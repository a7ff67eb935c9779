/*
 * test_lint.c - the lint engine and the syscall rules.
 *
 *  - the catalogue: IDs unique and well formed, every field filled, each
 *    table in its range; docs/lint.md has an entry (heading and severity)
 *    for every rule and none for a rule that does not exist; the
 *    --list-rules text lists exactly the catalogue;
 *  - the engine: scoped and unscoped suppressions, CL090-CL092, a
 *    suppression in a base judged over every policy of the run, the
 *    inheritance chain through a lookup (and without one), repeated findings
 *    kept once, counts by severity;
 *  - the exact semantics of the syscall rules where they are easy to get
 *    wrong: argument overlap (CL004), the family list bound (CL006), group
 *    rules half shadowed (CL007), narrowing by the baseline (CL001), the
 *    32-bit comparison of int arguments.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lint.h"
#include "names.h"
#include "resolve.h"
#include "util.h"

/* ---- running lint on a text --------------------------------------------------- */

struct linted {
	struct diag_ctx *d;
	FILE *log;
	char *log_text;
	size_t log_len;
	struct resolve_result res;
	struct resolve_result bases; /* every policy of the text */
	struct lint_run *run;
};

/* Resolves `text` (includes from policies/lib) and lints its policies named
 * in `names` (NULL-terminated; NULL: all). */
static void lint_text(struct linted *l, const char *text, const char *const *names)
{
	memset(l, 0, sizeof(*l));
	l->log = open_memstream(&l->log_text, &l->log_len);
	l->d = diag_new(l->log);
	const char *dirs[] = {CELL_SOURCE_DIR "/policies/lib"};
	struct resolve_options opt = {.include_dirs = dirs, .n_include_dirs = 1};
	int rc = resolve_text(l->d, CELL_SOURCE_DIR "/tests/unit/lint.cell", text, strlen(text),
	                      &opt, &l->bases);
	fflush(l->log);
	if (rc != 0)
		fail_msg("does not resolve:\n%s", l->log_text);
	l->run = lint_run_new(NULL);
	for (size_t i = 0; i < l->bases.n_policies; i++) {
		const struct ir_policy *p = l->bases.policies[i];
		bool wanted = !names;
		for (size_t j = 0; names && names[j]; j++)
			wanted |= strcmp(names[j], p->name) == 0;
		if (wanted)
			lint_run_policy(l->run, p);
	}
	lint_run_finish(l->run);
}

static void linted_free(struct linted *l)
{
	lint_run_free(l->run);
	resolve_result_free(&l->bases);
	diag_free(l->d);
	fclose(l->log);
	free(l->log_text);
}

/* The findings as "CL004@12 " (suppressed ones as "CL004@12s "), in order. */
static char *summary(const struct linted *l)
{
	size_t n;
	const struct lint_finding *f = lint_run_findings(l->run, &n);
	struct buf b;
	buf_init(&b);
	for (size_t i = 0; i < n; i++)
		buf_printf(&b, "%s@%d%s ", f[i].rule->id, f[i].loc.line,
		           f[i].suppressed ? "s" : "");
	char *out = xstrdup(buf_cstr(&b) ? buf_cstr(&b) : "");
	buf_free(&b);
	return out;
}

#define assert_findings(l, want)                                                                   \
	do {                                                                                       \
		char *got_ = summary(l);                                                           \
		if (strcmp(got_, want) != 0) {                                                     \
			print_error("findings: '%s', expected '%s'\n", got_, want);                \
			free(got_);                                                                \
			fail();                                                                    \
		}                                                                                  \
		free(got_);                                                                        \
	} while (0)

static const struct lint_finding *first_of(const struct linted *l, const char *id)
{
	size_t n;
	const struct lint_finding *f = lint_run_findings(l->run, &n);
	for (size_t i = 0; i < n; i++)
		if (strcmp(f[i].rule->id, id) == 0)
			return &f[i];
	return NULL;
}

#define HARDENED "include \"hardening.cell\"\n"

/* ---- the catalogue ------------------------------------------------------------------ */

static void test_catalogue_well_formed(void **state)
{
	(void)state;
	size_t n = lint_rule_count();
	assert_true(n >= 11);
	for (size_t i = 0; i < n; i++) {
		const struct lint_check *c = lint_rule_at(i);
		assert_int_equal(strlen(c->id), 5);
		assert_memory_equal(c->id, "CL", 2);
		for (int k = 2; k < 5; k++)
			assert_true(isdigit((unsigned char)c->id[k]));
		if (i > 0)
			assert_true(strcmp(lint_rule_at(i - 1)->id, c->id) < 0);
		for (const char *s = c->name; *s; s++)
			assert_true(islower((unsigned char)*s) || isdigit((unsigned char)*s) ||
			            *s == '-');
		assert_true(c->summary[0] && c->why[0] && c->example[0] && c->fix[0]);
		assert_true(c->severity <= LINT_ERROR);
		assert_ptr_equal(lint_rule_find(c->id), c);
	}
	for (size_t i = 0; i < lint_n_syscall_checks; i++) {
		assert_true(strcmp(lint_syscall_checks[i].id, "CL001") >= 0);
		assert_true(strcmp(lint_syscall_checks[i].id, "CL019") <= 0);
		assert_non_null(lint_syscall_checks[i].run);
	}
	for (size_t i = 0; i < lint_n_fs_checks; i++) {
		assert_true(strcmp(lint_fs_checks[i].id, "CL020") >= 0);
		assert_true(strcmp(lint_fs_checks[i].id, "CL039") <= 0);
	}
	assert_null(lint_rule_find("CL999"));
	assert_string_equal(lint_severity_name(LINT_ERROR), "error");
}

/* docs/lint.md: "### CL001 dangerous-syscall", then "**Severity:** warning. ..." */
static void test_docs_match_catalogue(void **state)
{
	(void)state;
	char *text;
	size_t len;
	assert_int_equal(read_file(CELL_SOURCE_DIR "/docs/lint.md", &text, &len), 0);
	size_t n = lint_rule_count();
	bool *seen = calloc(n, sizeof(*seen));
	for (char *line = text; line && *line;) {
		char *eol = strchr(line, '\n');
		if (eol)
			*eol = '\0';
		char id[16], name[64];
		if (sscanf(line, "### %15s %63s", id, name) == 2 && strncmp(id, "CL", 2) == 0) {
			const struct lint_check *c = lint_rule_find(id);
			if (!c)
				fail_msg("docs/lint.md has an entry for %s, which is no rule", id);
			size_t k;
			for (k = 0; lint_rule_at(k) != c; k++)
				;
			if (seen[k])
				fail_msg("docs/lint.md has two entries for %s", id);
			seen[k] = true;
			if (strcmp(name, c->name) != 0)
				fail_msg("docs/lint.md names %s '%s'; the rule is '%s'", id, name,
				         c->name);
			char *next = eol ? eol + 1 : NULL;
			while (next && *next == '\n')
				next++;
			char want[64];
			snprintf(want, sizeof(want), "**Severity:** %s.",
			         lint_severity_name(c->severity));
			if (!next || strncmp(next, want, strlen(want)) != 0)
				fail_msg("docs/lint.md: %s's entry must start with '%s'", id, want);
		}
		line = eol ? eol + 1 : NULL;
	}
	for (size_t i = 0; i < n; i++)
		if (!seen[i])
			fail_msg("docs/lint.md has no entry '### %s %s'", lint_rule_at(i)->id,
			         lint_rule_at(i)->name);
	free(seen);
	free(text);
}

static void test_list_rules(void **state)
{
	(void)state;
	char *text = NULL;
	size_t len = 0;
	FILE *out = open_memstream(&text, &len);
	lint_output_rules(out);
	fclose(out);
	size_t lines = 0;
	for (char *line = text; *line; line = strchr(line, '\n') + 1, lines++) {
		const struct lint_check *c = lint_rule_at(lines);
		assert_non_null(c);
		assert_memory_equal(line, c->id, 5);
		char *eol = strchr(line, '\n');
		*eol = '\0';
		assert_non_null(strstr(line, c->name));
		assert_non_null(strstr(line, lint_severity_name(c->severity)));
		*eol = '\n';
	}
	assert_int_equal(lines, lint_rule_count());
	free(text);
}

/* ---- suppressions ----------------------------------------------------------------------- */

static void test_unscoped_and_scoped(void **state)
{
	(void)state;
	struct linted l;
	lint_text(&l,
	          HARDENED "policy p : hardening {\n"                          /* 2 */
	                   "  lint { ignore CL002 because \"a self-test\" }\n" /* 3 */
	                   "  syscalls {\n"                                    /* 4 */
	                   "    default allow\n"                               /* 5 */
	                   "    allow swapon  # lint: CL001 because \"x\"\n"   /* 6 */
	                   "    allow swapoff\n"                               /* 7 */
	                   "  }\n"
	                   "}\n",
	          NULL);
	assert_findings(&l, "CL002@5s CL001@6s CL001@7 ");
	const struct lint_finding *f = first_of(&l, "CL002");
	assert_string_equal(f->justification, "a self-test");
	assert_int_equal(f->suppression_loc.line, 3);
	assert_int_equal(lint_run_count(l.run, LINT_WARNING), 1);
	assert_int_equal(lint_run_count(l.run, LINT_ERROR), 0);
	assert_int_equal(lint_run_policies(l.run), 1);
	linted_free(&l);
}

/* Many suppressions in one policy: the run's records of them grow while
 * they are collected (a use after free once, found by the fuzzer). The first
 * suppression, recorded before all the growth, must still silence. */
static void test_many_suppressions(void **state)
{
	(void)state;
	struct buf text;
	buf_init(&text);
	buf_puts(&text, HARDENED "policy p : hardening {\n"
	                         "  lint { ignore CL002 because \"a self-test\" }\n");
	for (int i = 0; i < 64; i++)
		buf_printf(&text, "  lint { ignore CL%03d because \"x\" }\n", 100 + i);
	buf_puts(&text, "  syscalls { default allow }\n}\n");
	struct linted l;
	lint_text(&l, buf_cstr(&text), NULL);
	const struct lint_finding *f = first_of(&l, "CL002");
	assert_non_null(f);
	assert_true(f->suppressed);
	assert_string_equal(f->justification, "a self-test");
	linted_free(&l);
	buf_free(&text);
}

static void test_reasons_and_unknown_ids(void **state)
{
	(void)state;
	struct linted l;
	lint_text(&l,
	          HARDENED "policy p : hardening {\n"
	                   "  lint { ignore CL002 }\n" /* 3 */
	                   "  lint { ignore cl005, CL0001, hardening-missing because \"x\" }\n"
	                   "  syscalls {\n"
	                   "    default allow  # lint: CL090 because \"no\"\n" /* 6 */
	                   "    allow swapon because \"swap file tests\"  # lint: CL001\n"
	                   "  }\n"
	                   "}\n",
	          NULL);
	/* CL001 on line 7 is not reported (a reason); the comment silences
	 * nothing, so CL091; ignore CL002 lacks a reason (CL090) but silences. */
	assert_findings(&l, "CL090@3 CL092@4 CL092@4 CL092@4 CL002@6s CL092@6 CL091@7 ");
	size_t n;
	const struct lint_finding *f = lint_run_findings(l.run, &n);
	assert_non_null(strstr(f[1].message, "did you mean 'CL005'"));
	assert_non_null(strstr(f[2].message, "did you mean 'CL001'"));
	assert_non_null(strstr(f[3].message, "did you mean 'CL003'"));
	assert_non_null(strstr(f[5].message, "cannot be suppressed"));
	linted_free(&l);
}

/* A base's suppression is used when it silences a finding of any linted
 * policy; it is judged (once) only when the base itself is linted. */
static void test_suppression_in_base(void **state)
{
	(void)state;
	const char *text = HARDENED "policy base : hardening {\n"
	                            "  lint { ignore CL002 because \"children are self-tests\" }\n"
	                            "  lint { ignore CL0002 }\n"
	                            "}\n"
	                            "policy a : base { syscalls { default allow } }\n"
	                            "policy b : base { syscalls { default errno EPERM } }\n";
	struct linted l;
	const char *only_b[] = {"b", NULL};
	lint_text(&l, text, only_b);
	assert_findings(&l, "");
	linted_free(&l);
	const char *base_b[] = {"base", "b", NULL};
	lint_text(&l, text, base_b);
	assert_findings(&l, "CL091@3 CL092@4 ");
	linted_free(&l);
	lint_text(&l, text, NULL);
	assert_findings(&l, "CL092@4 CL002@6s ");
	linted_free(&l);
}

/* ---- chains and repeats --------------------------------------------------------------- */

static void test_chain(void **state)
{
	(void)state;
	const char *text = "policy base {\n" /* 1 */
	                   "  syscalls {\n"
	                   "    default errno EPERM\n"
	                   "    allow ptrace\n" /* 4 */
	                   "  }\n"
	                   "}\n"
	                   "policy side { net none }\n"    /* 7 */
	                   "policy mid : side, base { }\n" /* 8 */
	                   "policy leaf : mid { }\n";      /* 9 */
	const char *leaf[] = {"leaf", NULL};
	struct linted l;
	lint_text(&l, text, leaf);
	const struct lint_finding *f = first_of(&l, "CL001");
	assert_non_null(f);
	assert_int_equal(f->loc.line, 4);
	assert_string_equal(f->policy, "leaf");
	assert_int_equal(f->n_chain, 3);
	assert_string_equal(f->chain[0].policy, "leaf");
	assert_int_equal(f->chain[0].loc.line, 9);
	assert_string_equal(f->chain[1].policy, "mid");
	assert_int_equal(f->chain[1].loc.line, 8);
	assert_string_equal(f->chain[2].policy, "base");
	assert_int_equal(f->chain[2].loc.line, 1);
	f = first_of(&l, "CL003"); /* at leaf's own name: no chain */
	assert_int_equal(f->loc.line, 9);
	assert_int_equal(f->n_chain, 0);
	linted_free(&l);

	/* Linting all: base's finding is reported once, for base (first). */
	lint_text(&l, text, NULL);
	assert_findings(&l, "CL003@1 CL001@4 CL003@8 CL003@9 ");
	assert_int_equal(first_of(&l, "CL001")->n_chain, 0);
	linted_free(&l);
}

/* ---- the syscall rules' semantics ------------------------------------------------------ */

static void assert_text_findings(const char *text, const char *policy, const char *want)
{
	const char *names[] = {policy, NULL};
	struct linted l;
	lint_text(&l, text, policy ? names : NULL);
	assert_findings(&l, want);
	linted_free(&l);
}

static void test_dangerous_narrowed(void **state)
{
	(void)state;
	/* After the baseline, personality and unshare are narrowed by its
	 * conditions: the group's allow is not flagged. Before it, it is. */
	assert_text_findings(HARDENED "include \"base-syscalls.cell\"\n"
	                              "policy t : hardening, base-syscalls { }\n",
	                     "t", "");
	assert_text_findings(HARDENED "policy t : hardening {\n"
	                              "  syscalls { allow personality }\n"
	                              "}\n",
	                     "t", "CL001@3 CL004@3 ");
	/* An earlier conditional rule with a reason narrows too. */
	assert_text_findings(
	    HARDENED "policy t : hardening {\n"
	             "  syscalls {\n"
	             "    deny swapon(swap_flags) if swap_flags == 0 because \"only prio\"\n"
	             "    allow swapon\n"
	             "  }\n"
	             "}\n",
	    "t", "");
}

static void test_overridden_exact(void **state)
{
	(void)state;
	/* The baseline denies clone with CLONE_NEWUSER set: an allow of the
	 * other flags leaves it alone, one requiring CLONE_NEWNS overlaps it
	 * (CLONE_NEWNS | CLONE_NEWUSER). */
	assert_text_findings(HARDENED
	                     "policy t : hardening {\n"
	                     "  syscalls {\n"
	                     "    allow clone(flags) if flags & CLONE_NEWUSER == 0\n"
	                     "    allow clone(flags) if flags & CLONE_NEWNS == CLONE_NEWNS\n"
	                     "  }\n"
	                     "}\n",
	                     "t", "CL004@5 ");
	/* ioctl's cmd is an int: TIOCSTI with garbage in the upper half is
	 * still TIOCSTI, and the allow of that value overrides. */
	assert_text_findings(HARDENED "policy t : hardening {\n"
	                              "  syscalls {\n"
	                              "    allow ioctl(cmd) if cmd == FIONREAD\n"
	                              "    allow ioctl(cmd) if cmd & 0xffff == TIOCSTI\n"
	                              "  }\n"
	                              "}\n",
	                     "t", "CL004@5 ");
}

static void test_socket_family_bound(void **state)
{
	(void)state;
	char sixteen[256], seventeen[512];
	strcpy(sixteen, "0");
	for (int i = 1; i < 16; i++)
		snprintf(sixteen + strlen(sixteen), sizeof(sixteen) - strlen(sixteen), ", %d",
		         i * 3);
	snprintf(seventeen, sizeof(seventeen), "%s, 100", sixteen);
	char text[2048];
	const char *fmt = HARDENED "include \"base-syscalls.cell\"\n"
	                           "policy t : hardening, base-syscalls {\n"
	                           "  net host\n"
	                           "  syscalls { deny socket(domain) if !(domain in (%s)) }\n"
	                           "}\n";
	snprintf(text, sizeof(text), fmt, sixteen);
	assert_text_findings(text, "t", "");
	snprintf(text, sizeof(text), fmt, seventeen);
	struct linted l;
	const char *t[] = {"t", NULL};
	lint_text(&l, text, t);
	const struct lint_finding *f = first_of(&l, "CL006");
	assert_non_null(f);
	assert_int_equal(f->n_chain, 2); /* at base-syscalls' allow */
	linted_free(&l);
}

static void test_unreachable_groups(void **state)
{
	(void)state;
	/* A group half decided earlier is fine; one whole decided is not. */
	assert_text_findings(HARDENED "policy t : hardening {\n"
	                              "  syscalls {\n"
	                              "    default errno EPERM\n"
	                              "    deny read, write\n"
	                              "    allow @basic-io\n"
	                              "    allow @keyring because \"x\"\n"
	                              "    deny @keyring\n"
	                              "  }\n"
	                              "}\n",
	                     "t", "CL004@7 CL007@8 ");
}

static void test_group_reallow(void **state)
{
	(void)state;
	const char *text = HARDENED "policy base { syscalls { deny unshare } }\n"
	                            "policy t : hardening, base {\n"
	                            "  syscalls { allow @process }\n"
	                            "}\n";
	/* t's own group comes before the baseline: CL004 for setns, clone3;
	 * and before base's deny: CL008 for unshare. */
	struct linted l;
	const char *t[] = {"t", NULL};
	lint_text(&l, text, t);
	assert_findings(&l, "CL001@4 CL004@4 CL008@4 ");
	assert_non_null(strstr(first_of(&l, "CL008")->message, "unshare"));
	linted_free(&l);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_catalogue_well_formed),
	    cmocka_unit_test(test_docs_match_catalogue),
	    cmocka_unit_test(test_list_rules),
	    cmocka_unit_test(test_unscoped_and_scoped),
	    cmocka_unit_test(test_reasons_and_unknown_ids),
	    cmocka_unit_test(test_many_suppressions),
	    cmocka_unit_test(test_suppression_in_base),
	    cmocka_unit_test(test_chain),
	    cmocka_unit_test(test_dangerous_narrowed),
	    cmocka_unit_test(test_overridden_exact),
	    cmocka_unit_test(test_socket_family_bound),
	    cmocka_unit_test(test_unreachable_groups),
	    cmocka_unit_test(test_group_reallow),
	};
	int rc = cmocka_run_group_tests(tests, NULL, NULL);
	names_cleanup();
	return rc;
}

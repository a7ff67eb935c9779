/* Unit tests for the C header export (compiler/emit_cheader.h) and the
 * disassembly it shares with `--emit asm` (compiler/emit_asm.h): the header
 * is compiled by gcc into a program that installs the filter with prctl, a
 * denied call is denied and an allowed one passes; the listing names
 * syscalls, spells out actions, and gives absolute jump targets; corrupt
 * programs are refused. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <linux/filter.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "diag.h"
#include "emit_asm.h"
#include "emit_cheader.h"
#include "emit_seccomp.h"
#include "names.h"
#include "resolve.h"
#include "util.h"

struct compiled {
	struct diag_ctx *d;
	FILE *stream;
	char *messages;
	size_t messages_len;
	struct resolve_result res;
	struct ir_policy *p;
	struct buf bpf;
};

static void compile_text(const char *text, struct compiled *c)
{
	memset(c, 0, sizeof(*c));
	c->stream = open_memstream(&c->messages, &c->messages_len);
	assert_non_null(c->stream);
	c->d = diag_new(c->stream);
	struct resolve_options opt = {0};
	assert_int_equal(resolve_text(c->d, CELL_SOURCE_DIR "/tests/policies/cheader-unit.cell",
	                              text, strlen(text), &opt, &c->res),
	                 0);
	assert_int_equal(c->res.n_policies, 1);
	c->p = c->res.policies[0];
	buf_init(&c->bpf);
	assert_int_equal(emit_seccomp_bpf(c->p, c->d, &c->bpf), 0);
}

static void compiled_free(struct compiled *c)
{
	buf_free(&c->bpf);
	resolve_result_free(&c->res);
	diag_free(c->d);
	fclose(c->stream);
	free(c->messages);
}

static const char self_policy[] = "policy self-test.v2 {\n"
                                  "  syscalls {\n"
                                  "    default errno EPERM\n"
                                  "    deny uname errno ENOSYS\n"
                                  "    kill chdir\n"
                                  "    allow @system-service\n"
                                  "  }\n"
                                  "}\n";

static void write_file(const char *path, const char *data, size_t len)
{
	FILE *f = fopen(path, "w");
	assert_non_null(f);
	assert_int_equal(fwrite(data, 1, len, f), len);
	assert_int_equal(fclose(f), 0);
}

/* The program prints one verdict per call, after installing the filter. */
static const char program[] =
    "#define _GNU_SOURCE\n"
    "#include <errno.h>\n"
    "#include <linux/seccomp.h>\n"
    "#include <stdio.h>\n"
    "#include <string.h>\n"
    "#include <sys/prctl.h>\n"
    "#include <sys/utsname.h>\n"
    "#include <sys/wait.h>\n"
    "#include <unistd.h>\n"
    "#include \"self-test.v2.h\"\n"
    "static void report(const char *name, long rc)\n"
    "{\n"
    "\tprintf(\"%s %s\\n\", name, rc < 0 ? strerrorname_np(errno) : \"ok\");\n"
    "}\n"
    "int main(void)\n"
    "{\n"
    "\tstruct utsname u;\n"
    "\tif (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) ||\n"
    "\t    prctl(PR_SET_SECCOMP, SECCOMP_MODE_FILTER, &self_test_v2_prog))\n"
    "\t\treturn 2;\n"
    "\treport(\"getpid\", getpid());\n"
    "\treport(\"uname\", uname(&u));\n"
    "\tfflush(stdout);\n"
    "\tpid_t pid = fork();\n"
    "\tif (pid == 0)\n"
    "\t\t_exit(chdir(\"/\") == 0 ? 0 : 1);\n"
    "\tint status = 0;\n"
    "\twaitpid(pid, &status, 0);\n"
    "\tprintf(\"chdir %s\\n\", WIFSIGNALED(status) && WTERMSIG(status) == 31 ? \"SIGSYS\" : "
    "\"survived\");\n"
    "\treturn 0;\n"
    "}\n";

static void test_header_compiles_and_filters(void **state)
{
	(void)state;
	struct compiled c;
	compile_text(self_policy, &c);
	struct buf header;
	buf_init(&header);
	assert_int_equal(emit_c_header(c.p, &c.bpf, c.d, &header), 0);
	const char *text = buf_cstr(&header);
	assert_non_null(strstr(text, "static const struct sock_filter self_test_v2_filter["));
	assert_non_null(strstr(text, "static const struct sock_fprog self_test_v2_prog"));
	assert_non_null(strstr(text, "; uname */"));

	char dir[] = "/tmp/cell-cheader-XXXXXX";
	assert_non_null(mkdtemp(dir));
	char *h = xasprintf("%s/self-test.v2.h", dir);
	char *src = xasprintf("%s/prog.c", dir);
	char *exe = xasprintf("%s/prog", dir);
	char *out = xasprintf("%s/out.txt", dir);
	write_file(h, header.data, header.len);
	write_file(src, program, strlen(program));
	char *cmd = xasprintf("gcc -std=gnu11 -Wall -Wextra -Werror -I%s -o %s %s", dir, exe, src);
	assert_int_equal(system(cmd), 0);
	free(cmd);
	cmd = xasprintf("%s > %s", exe, out);
	assert_int_equal(system(cmd), 0);
	free(cmd);

	char *result = NULL;
	size_t len = 0;
	assert_int_equal(read_file(out, &result, &len), 0);
	result = xrealloc(result, len + 1);
	result[len] = '\0';
	assert_string_equal(result, "getpid ok\nuname ENOSYS\nchdir SIGSYS\n");
	free(result);

	cmd = xasprintf("rm -rf %s", dir);
	assert_int_equal(system(cmd), 0);
	free(cmd);
	free(h);
	free(src);
	free(exe);
	free(out);
	buf_free(&header);
	compiled_free(&c);
}

static void test_identifier(void **state)
{
	(void)state;
	char *id = cheader_identifier("python-task.v1");
	assert_string_equal(id, "python_task_v1");
	free(id);
	id = cheader_identifier("9lives");
	assert_string_equal(id, "policy_9lives");
	free(id);
	assert_null(cheader_identifier(""));
}

static const char *line_with(const struct asm_listing *l, const char *needle, size_t *index)
{
	for (size_t i = 0; i < l->n; i++) {
		if (strstr(l->lines[i], needle)) {
			if (index)
				*index = i;
			return l->lines[i];
		}
	}
	return NULL;
}

static void test_listing(void **state)
{
	(void)state;
	struct compiled c;
	compile_text(self_policy, &c);
	struct asm_listing l;
	assert_int_equal(asm_disassemble(c.p, &c.bpf, c.d, &l), 0);
	assert_int_equal(l.n, c.bpf.len / sizeof(struct sock_filter));
	assert_non_null(strstr(l.lines[0], "ld   [4]"));
	assert_non_null(strstr(l.lines[0], "A = arch"));
	assert_non_null(line_with(&l, "kill process", NULL));
	assert_non_null(line_with(&l, "errno ENOSYS (", NULL));
	assert_non_null(line_with(&l, "; allow", NULL));

	/* The comparison naming uname jumps (jt, absolute) to errno ENOSYS. */
	size_t at = 0;
	const char *uname_line = line_with(&l, "; uname", &at);
	assert_non_null(uname_line);
	char buf[32];
	snprintf(buf, sizeof(buf), "#0x%x",
	         (unsigned)names_syscall_nr("uname", c.p->arches[0].token));
	assert_non_null(strstr(uname_line, buf));
	const char *jt = strstr(uname_line, "jt ");
	assert_non_null(jt);
	size_t target = strtoul(jt + 3, NULL, 10);
	assert_true(target > at && target < l.n);
	struct sock_filter f;
	memcpy(&f, c.bpf.data + at * sizeof(f), sizeof(f));
	assert_int_equal(target, at + 1 + f.jt);

	struct buf listing;
	buf_init(&listing);
	assert_int_equal(emit_asm(c.p, &c.bpf, c.d, &listing), 0);
	assert_non_null(strstr(buf_cstr(&listing), "   0: ld   [4]"));
	buf_free(&listing);
	asm_listing_free(&l);
	compiled_free(&c);
}

static void test_corrupt_programs_refused(void **state)
{
	(void)state;
	struct compiled c;
	compile_text(self_policy, &c);
	struct asm_listing l;
	struct buf bad;
	buf_init(&bad);
	/* Not a whole number of instructions. */
	buf_append(&bad, c.bpf.data, 12);
	assert_int_equal(asm_disassemble(c.p, &bad, c.d, &l), -1);
	/* A jump past the end. */
	buf_reset(&bad);
	struct sock_filter jump = BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, 1, 0, 200);
	struct sock_filter ret = BPF_STMT(BPF_RET | BPF_K, 0);
	buf_append(&bad, &jump, sizeof(jump));
	buf_append(&bad, &ret, sizeof(ret));
	assert_int_equal(asm_disassemble(c.p, &bad, c.d, &l), -1);
	struct buf header;
	buf_init(&header);
	assert_int_equal(emit_c_header(c.p, &bad, c.d, &header), -1);
	assert_int_equal(header.len, 0);
	fflush(c.stream);
	assert_non_null(strstr(c.messages, "past the end"));
	buf_free(&header);
	buf_free(&bad);
	compiled_free(&c);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_header_compiles_and_filters),
	    cmocka_unit_test(test_identifier),
	    cmocka_unit_test(test_listing),
	    cmocka_unit_test(test_corrupt_programs_refused),
	};
	int rc = cmocka_run_group_tests(tests, NULL, NULL);
	names_cleanup();
	return rc;
}

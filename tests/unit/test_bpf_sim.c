/*
 * test_bpf_sim.c - the seccomp BPF validator, simulator, action-cache
 * emulator and disassembler, on hand-assembled programs and on programs the
 * seccomp backend emits for real policies.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <seccomp.h>

#include "bpf_disasm.h"
#include "bpf_sim.h"
#include "emit_seccomp.h"
#include "names.h"
#include "resolve.h"

#define X86_64   0xc000003eu /* AUDIT_ARCH_X86_64 */
#define ALLOW    SECCOMP_RET_ALLOW
#define ERRNO(e) (SECCOMP_RET_ERRNO | (e))

static const struct sock_filter allow_read_only[] = {
    BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, nr)),
    BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, 0, 0, 1), /* read */
    BPF_STMT(BPF_RET | BPF_K, ALLOW),
    BPF_STMT(BPF_RET | BPF_K, ERRNO(EPERM)),
};

static struct bpf_sim_problem expect_invalid(const struct sock_filter *insns, size_t len)
{
	struct bpf_sim_problem problem = {0};
	assert_int_equal(bpf_sim_validate(insns, len, &problem), -1);
	assert_true(problem.message[0] != '\0');
	return problem;
}

static void test_valid_program_runs(void **state)
{
	(void)state;
	assert_int_equal(bpf_sim_validate(allow_read_only, 4, NULL), 0);
	struct seccomp_data sd = {.nr = 0, .arch = X86_64};
	struct bpf_sim_result r;
	assert_int_equal(bpf_sim_run(allow_read_only, 4, &sd, &r, NULL), 0);
	assert_int_equal(r.ret, ALLOW);
	assert_int_equal(r.executed, 3);
	sd.nr = 1;
	assert_int_equal(bpf_sim_run(allow_read_only, 4, &sd, &r, NULL), 0);
	assert_int_equal(r.action, SECCOMP_RET_ERRNO);
	assert_int_equal(r.data, EPERM);
	assert_int_equal(r.executed, 3);
	char text[64];
	assert_string_equal(bpf_sim_describe(r.ret, text, sizeof(text)), "errno EPERM");
}

static void test_bad_jump_is_refused(void **state)
{
	(void)state;
	struct sock_filter prog[] = {
	    BPF_STMT(BPF_LD | BPF_W | BPF_ABS, 0),
	    BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, 0, 5, 0), /* true branch: 7, past the end */
	    BPF_STMT(BPF_RET | BPF_K, ALLOW),
	};
	struct bpf_sim_problem p = expect_invalid(prog, 3);
	assert_int_equal(p.pc, 1);
	assert_non_null(strstr(p.message, "past the end"));
	struct sock_filter ja[] = {
	    BPF_STMT(BPF_JMP | BPF_JA, 1), /* to 2, which does not exist */
	    BPF_STMT(BPF_RET | BPF_K, ALLOW),
	};
	assert_int_equal(expect_invalid(ja, 2).pc, 0);
	/* The simulator refuses to run what the kernel would refuse to load. */
	struct seccomp_data sd = {0};
	struct bpf_sim_result r;
	assert_int_equal(bpf_sim_run(prog, 3, &sd, &r, NULL), -1);
}

static void test_bad_loads_are_refused(void **state)
{
	(void)state;
	struct sock_filter past_end[] = {
	    BPF_STMT(BPF_LD | BPF_W | BPF_ABS, 64),
	    BPF_STMT(BPF_RET | BPF_K, ALLOW),
	};
	assert_non_null(strstr(expect_invalid(past_end, 2).message, "outside seccomp_data"));
	struct sock_filter misaligned[] = {
	    BPF_STMT(BPF_LD | BPF_W | BPF_ABS, 2),
	    BPF_STMT(BPF_RET | BPF_K, ALLOW),
	};
	assert_int_equal(expect_invalid(misaligned, 2).pc, 0);
	struct sock_filter byte_load[] = {
	    BPF_STMT(BPF_LD | BPF_B | BPF_ABS, 0),
	    BPF_STMT(BPF_RET | BPF_K, ALLOW),
	};
	assert_non_null(strstr(expect_invalid(byte_load, 2).message, "not allowed"));
	struct sock_filter indirect[] = {
	    BPF_STMT(BPF_LD | BPF_W | BPF_IND, 0),
	    BPF_STMT(BPF_RET | BPF_K, ALLOW),
	};
	expect_invalid(indirect, 2);
	struct sock_filter mod[] = {
	    BPF_STMT(BPF_ALU | BPF_MOD | BPF_K, 3),
	    BPF_STMT(BPF_RET | BPF_K, ALLOW),
	};
	expect_invalid(mod, 2);
	struct sock_filter unwritten[] = {
	    BPF_STMT(BPF_LD | BPF_MEM, 3),
	    BPF_STMT(BPF_RET | BPF_K, ALLOW),
	};
	assert_non_null(strstr(expect_invalid(unwritten, 2).message, "before it is written"));
	/* Written on one path only: still refused at the join. */
	struct sock_filter one_path[] = {
	    BPF_STMT(BPF_LD | BPF_W | BPF_ABS, 0),
	    BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, 0, 0, 1),
	    BPF_STMT(BPF_ST, 2),
	    BPF_STMT(BPF_LDX | BPF_MEM, 2),
	    BPF_STMT(BPF_RET | BPF_K, ALLOW),
	};
	assert_int_equal(expect_invalid(one_path, 5).pc, 3);
}

static void test_missing_ret_and_length(void **state)
{
	(void)state;
	struct sock_filter no_ret[] = {
	    BPF_STMT(BPF_LD | BPF_W | BPF_ABS, 0),
	    BPF_STMT(BPF_ALU | BPF_AND | BPF_K, 1),
	};
	assert_non_null(strstr(expect_invalid(no_ret, 2).message, "not a RET"));
	expect_invalid(allow_read_only, 0);
	size_t n = BPF_SIM_MAX_INSNS + 1;
	struct sock_filter *big = calloc(n, sizeof(*big));
	for (size_t i = 0; i < n; i++)
		big[i] = (struct sock_filter)BPF_STMT(BPF_RET | BPF_K, ALLOW);
	assert_int_equal(bpf_sim_validate(big, BPF_SIM_MAX_INSNS, NULL), 0);
	assert_non_null(strstr(expect_invalid(big, n).message, "at most 4096"));
	free(big);
}

static void test_alu_and_args(void **state)
{
	(void)state;
	/* A = args[1] low half; A = (A & 0xff) + 1; ret errno A-ish via RET A
	 * after OR with SECCOMP_RET_ERRNO. Division by a zero X returns 0. */
	struct sock_filter prog[] = {
	    BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, args[1])),
	    BPF_STMT(BPF_ALU | BPF_AND | BPF_K, 0xff),
	    BPF_STMT(BPF_ALU | BPF_ADD | BPF_K, 1),
	    BPF_STMT(BPF_ST, 0),
	    BPF_STMT(BPF_LDX | BPF_MEM, 0),
	    BPF_STMT(BPF_MISC | BPF_TXA, 0),
	    BPF_STMT(BPF_ALU | BPF_OR | BPF_K, SECCOMP_RET_ERRNO),
	    BPF_STMT(BPF_RET | BPF_A, 0),
	};
	struct seccomp_data sd = {.args = {0, 0x1234500000000 | 0x41}};
	struct bpf_sim_result r;
	assert_int_equal(bpf_sim_run(prog, ARRAY_SIZE(prog), &sd, &r, NULL), 0);
	assert_int_equal(r.action, SECCOMP_RET_ERRNO);
	assert_int_equal(r.data, 0x42);
	assert_int_equal(r.executed, ARRAY_SIZE(prog));
	struct sock_filter div[] = {
	    BPF_STMT(BPF_LDX | BPF_IMM, 0),
	    BPF_STMT(BPF_ALU | BPF_DIV | BPF_X, 0),
	    BPF_STMT(BPF_RET | BPF_K, ALLOW),
	};
	assert_int_equal(bpf_sim_run(div, 3, &sd, &r, NULL), 0);
	assert_int_equal(r.ret, SECCOMP_RET_KILL_THREAD);
}

static void test_cache_emulation(void **state)
{
	(void)state;
	assert_true(bpf_sim_cacheable(allow_read_only, 4, 0, X86_64));
	assert_false(bpf_sim_cacheable(allow_read_only, 4, 1, X86_64)); /* errno, not allow */
	/* Looking at an argument makes the answer depend on it. */
	struct sock_filter arg[] = {
	    BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, nr)),
	    BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, 16, 0, 3),
	    BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, args[1])),
	    BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, 0x5412, 1, 0),
	    BPF_STMT(BPF_RET | BPF_K, ALLOW),
	    BPF_STMT(BPF_RET | BPF_K, ERRNO(EPERM)),
	};
	assert_int_equal(bpf_sim_validate(arg, 6, NULL), 0);
	assert_false(bpf_sim_cacheable(arg, 6, 16, X86_64));
	assert_false(bpf_sim_cacheable(arg, 6, 0, X86_64)); /* errno */
	/* The arch check is constant too. */
	struct sock_filter arch[] = {
	    BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, arch)),
	    BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, X86_64, 1, 0),
	    BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_KILL_PROCESS),
	    BPF_STMT(BPF_RET | BPF_K, ALLOW),
	};
	assert_true(bpf_sim_cacheable(arch, 4, 5, X86_64));
	assert_false(bpf_sim_cacheable(arch, 4, 5, 0x40000003u));
}

/* ---- emitted programs --------------------------------------------------------- */

struct compiled {
	struct resolve_result res;
	struct buf bpf;
	struct diag_ctx *d;
	char *log;
	size_t log_len;
	FILE *out;
};

static void compile(struct compiled *c, const char *text)
{
	c->out = open_memstream(&c->log, &c->log_len);
	c->d = diag_new(c->out);
	const char *dirs[] = {CELL_SOURCE_DIR "/policies/lib"};
	struct resolve_options opt = {.include_dirs = dirs, .n_include_dirs = 1};
	buf_init(&c->bpf);
	int rc = resolve_text(c->d, CELL_SOURCE_DIR "/tests/unit/inline.cell", text, strlen(text),
	                      &opt, &c->res);
	if (rc == 0)
		rc = emit_seccomp_bpf(c->res.policies[0], c->d, &c->bpf);
	fflush(c->out);
	if (rc != 0)
		fail_msg("policy did not compile:\n%s", c->log);
}

static void compiled_free(struct compiled *c)
{
	buf_free(&c->bpf);
	resolve_result_free(&c->res);
	diag_free(c->d);
	fclose(c->out);
	free(c->log);
}

static const char *const stock =
    "include \"system.cell\"\n"
    "include \"base-syscalls.cell\"\n"
    "policy t : system, base-syscalls {\n"
    "  arch x86_64 aarch64\n"
    "  net none\n"
    "  syscalls { allow socket(domain) if domain == AF_UNIX  kill ptrace }\n"
    "}\n";

static void test_emitted_program_is_valid(void **state)
{
	(void)state;
	struct compiled c;
	compile(&c, stock);
	size_t len;
	const struct sock_filter *insns = bpf_sim_program(c.bpf.data, c.bpf.len, &len);
	assert_non_null(insns);
	struct bpf_sim_problem problem = {0};
	if (bpf_sim_validate(insns, len, &problem) != 0)
		fail_msg("emitted program refused: %s", problem.message);
	/* Foreign architectures are killed, whatever the call. */
	struct seccomp_data sd = {.nr = names_syscall_nr("getpid", SCMP_ARCH_X86),
	                          .arch = SCMP_ARCH_X86};
	struct bpf_sim_result r;
	assert_int_equal(bpf_sim_run(insns, len, &sd, &r, NULL), 0);
	assert_int_equal(r.action, SECCOMP_RET_KILL_PROCESS);
	/* x32 numbers on x86_64 too. */
	sd = (struct seccomp_data){.nr = 0x40000000 | 39, .arch = SCMP_ARCH_X86_64};
	assert_int_equal(bpf_sim_run(insns, len, &sd, &r, NULL), 0);
	assert_int_equal(r.action, SECCOMP_RET_KILL_PROCESS);
	/* ptrace is killed on both target architectures. */
	for (uint32_t arch = SCMP_ARCH_X86_64;; arch = SCMP_ARCH_AARCH64) {
		sd = (struct seccomp_data){.nr = names_syscall_nr("ptrace", arch), .arch = arch};
		assert_int_equal(bpf_sim_run(insns, len, &sd, &r, NULL), 0);
		assert_int_equal(r.action, SECCOMP_RET_KILL_PROCESS);
		if (arch == SCMP_ARCH_AARCH64)
			break;
	}
	compiled_free(&c);
}

/* Every syscall whose first rule is an unconditional allow must be served by
 * the kernel's action cache, on every target architecture. */
static void test_unconditional_allows_are_cacheable(void **state)
{
	(void)state;
	struct compiled c;
	compile(&c, stock);
	const struct ir_policy *p = c.res.policies[0];
	size_t len;
	const struct sock_filter *insns = bpf_sim_program(c.bpf.data, c.bpf.len, &len);
	size_t checked = 0;
	for (size_t i = 0; i < p->syscalls.n_rules; i++) {
		const struct ir_rule *r = &p->syscalls.rules[i];
		bool first = true;
		for (size_t j = 0; j < i && first; j++)
			first = strcmp(p->syscalls.rules[j].syscall, r->syscall) != 0;
		if (!first || r->cond || r->action.kind != IR_ACTION_ALLOW)
			continue;
		for (size_t a = 0; a < p->n_arches; a++) {
			int nr = names_syscall_nr(r->syscall, p->arches[a].token);
			if (nr < 0)
				continue;
			if (!bpf_sim_cacheable(insns, len, nr, p->arches[a].token))
				fail_msg("allow %s on %s is not cacheable", r->syscall,
				         p->arches[a].name);
			checked++;
		}
	}
	assert_true(checked > 100);
	/* And a conditional one is not: socket looks at its domain. */
	assert_false(bpf_sim_cacheable(insns, len, names_syscall_nr("socket", SCMP_ARCH_X86_64),
	                               SCMP_ARCH_X86_64));
	compiled_free(&c);
}

static void test_disassembly_names_things(void **state)
{
	(void)state;
	struct compiled c;
	compile(&c, stock);
	size_t len;
	const struct sock_filter *insns = bpf_sim_program(c.bpf.data, c.bpf.len, &len);
	struct buf out;
	buf_init(&out);
	bpf_disasm(insns, len, &out);
	const char *text = buf_cstr(&out);
	assert_non_null(strstr(text, "; arch"));
	assert_non_null(strstr(text, "; x86_64"));
	assert_non_null(strstr(text, "; aarch64"));
	assert_non_null(strstr(text, "; ptrace"));
	assert_non_null(strstr(text, "; kill"));
	assert_non_null(strstr(text, "; allow"));
	assert_non_null(strstr(text, "args[0] (low half)"));
	/* One line per instruction. */
	size_t lines = 0;
	for (const char *s = text; *s; s++)
		lines += *s == '\n';
	assert_int_equal(lines, len);
	buf_free(&out);
	compiled_free(&c);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_valid_program_runs),
	    cmocka_unit_test(test_bad_jump_is_refused),
	    cmocka_unit_test(test_bad_loads_are_refused),
	    cmocka_unit_test(test_missing_ret_and_length),
	    cmocka_unit_test(test_alu_and_args),
	    cmocka_unit_test(test_cache_emulation),
	    cmocka_unit_test(test_emitted_program_is_valid),
	    cmocka_unit_test(test_unconditional_allows_are_cacheable),
	    cmocka_unit_test(test_disassembly_names_things),
	};
	int rc = cmocka_run_group_tests(tests, NULL, NULL);
	names_cleanup();
	return rc;
}

/* bpf_sim.c - validator, interpreter and action-cache emulator (see bpf_sim.h). */
#include "bpf_sim.h"
#include "names.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

/* BPF_MEMWORDS: the scratch memory M[0..15]. */
#define SCRATCH_WORDS 16

static int problem_at(struct bpf_sim_problem *problem, size_t pc, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static int problem_at(struct bpf_sim_problem *problem, size_t pc, const char *fmt, ...)
{
	if (problem) {
		va_list ap;
		va_start(ap, fmt);
		problem->pc = pc;
		vsnprintf(problem->message, sizeof(problem->message), fmt, ap);
		va_end(ap);
	}
	return -1;
}

/* The opcodes seccomp_check_filter() lets through, loads of seccomp_data
 * included (they are checked further below). Everything else is refused. */
static bool opcode_allowed(uint16_t code)
{
	switch (code) {
	case BPF_LD | BPF_W | BPF_ABS:
	case BPF_LD | BPF_W | BPF_LEN:
	case BPF_LDX | BPF_W | BPF_LEN:
	case BPF_RET | BPF_K:
	case BPF_RET | BPF_A:
	case BPF_ALU | BPF_ADD | BPF_K:
	case BPF_ALU | BPF_ADD | BPF_X:
	case BPF_ALU | BPF_SUB | BPF_K:
	case BPF_ALU | BPF_SUB | BPF_X:
	case BPF_ALU | BPF_MUL | BPF_K:
	case BPF_ALU | BPF_MUL | BPF_X:
	case BPF_ALU | BPF_DIV | BPF_K:
	case BPF_ALU | BPF_DIV | BPF_X:
	case BPF_ALU | BPF_AND | BPF_K:
	case BPF_ALU | BPF_AND | BPF_X:
	case BPF_ALU | BPF_OR | BPF_K:
	case BPF_ALU | BPF_OR | BPF_X:
	case BPF_ALU | BPF_XOR | BPF_K:
	case BPF_ALU | BPF_XOR | BPF_X:
	case BPF_ALU | BPF_LSH | BPF_K:
	case BPF_ALU | BPF_LSH | BPF_X:
	case BPF_ALU | BPF_RSH | BPF_K:
	case BPF_ALU | BPF_RSH | BPF_X:
	case BPF_ALU | BPF_NEG:
	case BPF_LD | BPF_IMM:
	case BPF_LDX | BPF_IMM:
	case BPF_MISC | BPF_TAX:
	case BPF_MISC | BPF_TXA:
	case BPF_LD | BPF_MEM:
	case BPF_LDX | BPF_MEM:
	case BPF_ST:
	case BPF_STX:
	case BPF_JMP | BPF_JA:
	case BPF_JMP | BPF_JEQ | BPF_K:
	case BPF_JMP | BPF_JEQ | BPF_X:
	case BPF_JMP | BPF_JGE | BPF_K:
	case BPF_JMP | BPF_JGE | BPF_X:
	case BPF_JMP | BPF_JGT | BPF_K:
	case BPF_JMP | BPF_JGT | BPF_X:
	case BPF_JMP | BPF_JSET | BPF_K:
	case BPF_JMP | BPF_JSET | BPF_X:
		return true;
	default:
		return false;
	}
}

static bool is_conditional_jump(uint16_t code)
{
	return BPF_CLASS(code) == BPF_JMP && BPF_OP(code) != BPF_JA;
}

/* One instruction on its own: operands the kernel would refuse. */
static int check_operands(const struct sock_filter *in, size_t pc, size_t len,
                          struct bpf_sim_problem *problem)
{
	if (!opcode_allowed(in->code))
		return problem_at(
		    problem, pc,
		    "instruction %zu: opcode 0x%04x is not allowed in a seccomp filter", pc,
		    in->code);
	switch (in->code) {
	case BPF_LD | BPF_W | BPF_ABS:
		if (in->k >= sizeof(struct seccomp_data) || (in->k & 3))
			return problem_at(
			    problem, pc,
			    "instruction %zu: load at offset %u is outside seccomp_data "
			    "or not a whole 32-bit word (offsets 0..%zu, multiples of 4)",
			    pc, in->k, sizeof(struct seccomp_data) - 4);
		break;
	case BPF_ALU | BPF_DIV | BPF_K:
		if (in->k == 0)
			return problem_at(problem, pc, "instruction %zu: division by constant 0",
			                  pc);
		break;
	case BPF_ALU | BPF_LSH | BPF_K:
	case BPF_ALU | BPF_RSH | BPF_K:
		if (in->k >= 32)
			return problem_at(problem, pc, "instruction %zu: shift by %u (at most 31)",
			                  pc, in->k);
		break;
	case BPF_LD | BPF_MEM:
	case BPF_LDX | BPF_MEM:
	case BPF_ST:
	case BPF_STX:
		if (in->k >= SCRATCH_WORDS)
			return problem_at(
			    problem, pc,
			    "instruction %zu: scratch word M[%u] does not exist (M[0..%d])", pc,
			    in->k, SCRATCH_WORDS - 1);
		break;
	case BPF_JMP | BPF_JA:
		if (in->k >= len - pc - 1)
			return problem_at(problem, pc,
			                  "instruction %zu: jump target %llu is past the end (the "
			                  "program has %zu instructions)",
			                  pc, (unsigned long long)pc + 1 + in->k, len);
		break;
	default:
		if (is_conditional_jump(in->code) &&
		    (pc + 1 + in->jt >= len || pc + 1 + in->jf >= len))
			return problem_at(
			    problem, pc,
			    "instruction %zu: jump target %zu is past the end (the program "
			    "has %zu instructions)",
			    pc, pc + 1 + (in->jt > in->jf ? in->jt : in->jf), len);
		break;
	}
	return 0;
}

/* Scratch words must be written before they are read on every path to the
 * read: the kernel's check_load_and_stores(). Jumps only go forward, so one
 * pass in order sees every predecessor of an instruction before it. */
static int check_scratch(const struct sock_filter *insns, size_t len,
                         struct bpf_sim_problem *problem)
{
	uint16_t masks[BPF_SIM_MAX_INSNS];
	for (size_t i = 0; i < len; i++)
		masks[i] = 0xffff;
	masks[0] = 0;
	uint16_t written = 0xffff; /* fall-through state; unreachable code has all */
	for (size_t pc = 0; pc < len; pc++) {
		const struct sock_filter *in = &insns[pc];
		written &= masks[pc];
		switch (in->code) {
		case BPF_ST:
		case BPF_STX:
			written |= (uint16_t)(1u << in->k);
			break;
		case BPF_LD | BPF_MEM:
		case BPF_LDX | BPF_MEM:
			if (!(written & (1u << in->k)))
				return problem_at(
				    problem, pc,
				    "instruction %zu: M[%u] is read before it is written", pc,
				    in->k);
			break;
		case BPF_JMP | BPF_JA:
			masks[pc + 1 + in->k] &= written;
			written = 0xffff;
			break;
		case BPF_RET | BPF_K:
		case BPF_RET | BPF_A:
			written = 0xffff;
			break;
		default:
			if (is_conditional_jump(in->code)) {
				masks[pc + 1 + in->jt] &= written;
				masks[pc + 1 + in->jf] &= written;
				written = 0xffff;
			}
			break;
		}
	}
	return 0;
}

int bpf_sim_validate(const struct sock_filter *insns, size_t len, struct bpf_sim_problem *problem)
{
	if (len == 0 || !insns)
		return problem_at(problem, 0, "the program is empty");
	if (len > BPF_SIM_MAX_INSNS)
		return problem_at(problem, len,
		                  "the program has %zu instructions; the kernel takes at most %d",
		                  len, BPF_SIM_MAX_INSNS);
	for (size_t pc = 0; pc < len; pc++)
		if (check_operands(&insns[pc], pc, len, problem) < 0)
			return -1;
	uint16_t last = insns[len - 1].code;
	if (last != (BPF_RET | BPF_K) && last != (BPF_RET | BPF_A))
		return problem_at(
		    problem, len - 1,
		    "instruction %zu: the last instruction is not a RET, so a path can "
		    "run off the end",
		    len - 1);
	return check_scratch(insns, len, problem);
}

/* A 32-bit word of seccomp_data, in the host's byte order as the kernel
 * loads it. */
static uint32_t load_word(const struct seccomp_data *sd, uint32_t offset)
{
	uint32_t w;
	memcpy(&w, (const unsigned char *)sd + offset, sizeof(w));
	return w;
}

static uint32_t alu(uint16_t op, uint32_t a, uint32_t operand)
{
	switch (op) {
	case BPF_ADD:
		return a + operand;
	case BPF_SUB:
		return a - operand;
	case BPF_MUL:
		return a * operand;
	case BPF_DIV:
		return a / operand; /* the caller handles 0 */
	case BPF_AND:
		return a & operand;
	case BPF_OR:
		return a | operand;
	case BPF_XOR:
		return a ^ operand;
	case BPF_LSH:
		return a << (operand & 31);
	case BPF_RSH:
		return a >> (operand & 31);
	case BPF_NEG:
		return -a;
	}
	return a;
}

static bool jump_taken(uint16_t op, uint32_t a, uint32_t operand)
{
	switch (op) {
	case BPF_JEQ:
		return a == operand;
	case BPF_JGE:
		return a >= operand;
	case BPF_JGT:
		return a > operand;
	case BPF_JSET:
		return (a & operand) != 0;
	}
	return false;
}

static void finish(struct bpf_sim_result *out, uint32_t ret, size_t executed)
{
	out->ret = ret;
	out->action = ret & SECCOMP_RET_ACTION_FULL;
	out->data = (uint16_t)(ret & SECCOMP_RET_DATA);
	out->executed = executed;
}

int bpf_sim_run(const struct sock_filter *insns, size_t len, const struct seccomp_data *sd,
                struct bpf_sim_result *out, struct bpf_sim_problem *problem)
{
	if (bpf_sim_validate(insns, len, problem) < 0)
		return -1;
	uint32_t a = 0, x = 0, mem[SCRATCH_WORDS] = {0};
	size_t executed = 0;
	for (size_t pc = 0; pc < len; pc++) {
		const struct sock_filter *in = &insns[pc];
		uint16_t code = in->code;
		executed++;
		switch (BPF_CLASS(code)) {
		case BPF_LD:
			if (BPF_MODE(code) == BPF_ABS)
				a = load_word(sd, in->k);
			else if (BPF_MODE(code) == BPF_LEN)
				a = sizeof(*sd);
			else if (BPF_MODE(code) == BPF_IMM)
				a = in->k;
			else
				a = mem[in->k];
			break;
		case BPF_LDX:
			if (BPF_MODE(code) == BPF_LEN)
				x = sizeof(*sd);
			else if (BPF_MODE(code) == BPF_IMM)
				x = in->k;
			else
				x = mem[in->k];
			break;
		case BPF_ST:
			mem[in->k] = a;
			break;
		case BPF_STX:
			mem[in->k] = x;
			break;
		case BPF_ALU: {
			uint32_t operand = BPF_SRC(code) == BPF_X ? x : in->k;
			if (BPF_OP(code) == BPF_DIV && operand == 0) {
				finish(out, 0, executed);
				return 0;
			}
			a = alu(BPF_OP(code), a, operand);
			break;
		}
		case BPF_JMP:
			if (BPF_OP(code) == BPF_JA)
				pc += in->k;
			else
				pc +=
				    jump_taken(BPF_OP(code), a, BPF_SRC(code) == BPF_X ? x : in->k)
				        ? in->jt
				        : in->jf;
			break;
		case BPF_RET:
			finish(out, BPF_RVAL(code) == BPF_A ? a : in->k, executed);
			return 0;
		case BPF_MISC:
			if (BPF_MISCOP(code) == BPF_TAX)
				x = a;
			else
				a = x;
			break;
		}
	}
	/* Unreachable for a valid program: its last instruction is a RET. */
	return problem_at(problem, len, "the program ran off its end");
}

bool bpf_sim_cacheable(const struct sock_filter *insns, size_t len, int nr, uint32_t arch)
{
	uint32_t a = 0;
	for (size_t pc = 0; pc < len; pc++) {
		const struct sock_filter *in = &insns[pc];
		switch (in->code) {
		case BPF_LD | BPF_W | BPF_ABS:
			if (in->k == offsetof(struct seccomp_data, nr))
				a = (uint32_t)nr;
			else if (in->k == offsetof(struct seccomp_data, arch))
				a = arch;
			else
				return false; /* an argument or the instruction pointer */
			break;
		case BPF_RET | BPF_K:
			return in->k == SECCOMP_RET_ALLOW;
		case BPF_JMP | BPF_JA:
			pc += in->k;
			break;
		case BPF_JMP | BPF_JEQ | BPF_K:
		case BPF_JMP | BPF_JGE | BPF_K:
		case BPF_JMP | BPF_JGT | BPF_K:
		case BPF_JMP | BPF_JSET | BPF_K:
			pc += jump_taken(BPF_OP(in->code), a, in->k) ? in->jt : in->jf;
			break;
		case BPF_ALU | BPF_AND | BPF_K:
			a &= in->k;
			break;
		default:
			return false; /* the kernel gives up on anything else */
		}
	}
	return false;
}

const char *bpf_sim_describe(uint32_t ret, char *buf, size_t size)
{
	uint32_t data = ret & SECCOMP_RET_DATA;
	switch (ret & SECCOMP_RET_ACTION_FULL) {
	case SECCOMP_RET_KILL_PROCESS:
		snprintf(buf, size, "kill");
		break;
	case SECCOMP_RET_KILL_THREAD:
		snprintf(buf, size, "kill-thread");
		break;
	case SECCOMP_RET_TRAP:
		snprintf(buf, size, "trap");
		break;
	case SECCOMP_RET_ERRNO: {
		const char *name = names_errno_name((int)(data > 4095 ? 4095 : data));
		if (name)
			snprintf(buf, size, "errno %s", name);
		else
			snprintf(buf, size, "errno %u", data);
		break;
	}
	case SECCOMP_RET_USER_NOTIF:
		snprintf(buf, size, "user-notify");
		break;
	case SECCOMP_RET_TRACE:
		snprintf(buf, size, "trace %u", data);
		break;
	case SECCOMP_RET_LOG:
		snprintf(buf, size, "log");
		break;
	case SECCOMP_RET_ALLOW:
		snprintf(buf, size, "allow");
		break;
	default:
		snprintf(buf, size, "unknown action 0x%08x", ret);
		break;
	}
	return buf;
}

bool bpf_sim_ir_action(uint32_t ret, struct ir_action *out)
{
	uint32_t data = ret & SECCOMP_RET_DATA;
	switch (ret & SECCOMP_RET_ACTION_FULL) {
	case SECCOMP_RET_KILL_PROCESS:
		*out = (struct ir_action){IR_ACTION_KILL, 0};
		return true;
	case SECCOMP_RET_TRAP:
		*out = (struct ir_action){IR_ACTION_TRAP, 0};
		return true;
	case SECCOMP_RET_ERRNO:
		*out = (struct ir_action){IR_ACTION_ERRNO, (uint16_t)(data > 4095 ? 4095 : data)};
		return true;
	case SECCOMP_RET_LOG:
		*out = (struct ir_action){IR_ACTION_LOG, 0};
		return true;
	case SECCOMP_RET_ALLOW:
		*out = (struct ir_action){IR_ACTION_ALLOW, 0};
		return true;
	default:
		return false;
	}
}

const struct sock_filter *bpf_sim_program(const void *data, size_t size, size_t *len)
{
	if (!data || size == 0 || size % sizeof(struct sock_filter) != 0) {
		*len = 0;
		return NULL;
	}
	*len = size / sizeof(struct sock_filter);
	return data;
}

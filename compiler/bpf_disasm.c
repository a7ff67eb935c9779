/* bpf_disasm.c - seccomp BPF listing with names (see bpf_disasm.h). */
#include "bpf_disasm.h"
#include "bpf_sim.h"
#include "names.h"

#include <endian.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>

/* What is known about the accumulator and the architecture at an
 * instruction, merged over every path that reaches it. */
enum acc_kind { ACC_UNKNOWN, ACC_NR, ACC_ARCH };

struct knowledge {
	bool reached;
	enum acc_kind acc;
	bool arch_known;
	uint32_t arch;
};

static void merge(struct knowledge *into, struct knowledge from)
{
	if (!into->reached) {
		*into = from;
		return;
	}
	if (into->acc != from.acc)
		into->acc = ACC_UNKNOWN;
	if (!from.arch_known || into->arch != from.arch)
		into->arch_known = false;
}

/* Sends the state after instruction `pc` to its successors. */
static void propagate(const struct sock_filter *in, size_t pc, size_t len, struct knowledge *k,
                      struct knowledge after)
{
	uint16_t code = in->code;
	if (BPF_CLASS(code) == BPF_RET)
		return;
	if (BPF_CLASS(code) != BPF_JMP) {
		if (pc + 1 < len)
			merge(&k[pc + 1], after);
		return;
	}
	if (BPF_OP(code) == BPF_JA) {
		if ((uint64_t)pc + 1 + in->k < len)
			merge(&k[pc + 1 + in->k], after);
		return;
	}
	struct knowledge taken = after, not_taken = after;
	/* `jeq #ARCH` on the arch word: the true branch knows the architecture. */
	if (after.acc == ACC_ARCH && BPF_OP(code) == BPF_JEQ && BPF_SRC(code) == BPF_K) {
		taken.arch_known = true;
		taken.arch = in->k;
	}
	if (pc + 1 + in->jt < len)
		merge(&k[pc + 1 + in->jt], taken);
	if (pc + 1 + in->jf < len)
		merge(&k[pc + 1 + in->jf], not_taken);
}

static void describe_field(struct buf *out, uint32_t offset)
{
	if (offset == 0) {
		buf_puts(out, "nr");
		return;
	}
	if (offset == 4) {
		buf_puts(out, "arch");
		return;
	}
	bool first_half = offset % 8 == 0;
#if __BYTE_ORDER == __LITTLE_ENDIAN
	const char *half = first_half ? "low" : "high";
#else
	const char *half = first_half ? "high" : "low";
#endif
	if (offset < 16)
		buf_printf(out, "instruction_pointer (%s half)", half);
	else if (offset < 64)
		buf_printf(out, "args[%u] (%s half)", (offset - 16) / 8, half);
	else
		buf_puts(out, "outside seccomp_data");
}

static const char *jump_mnemonic(uint16_t op)
{
	switch (op) {
	case BPF_JEQ:
		return "jeq";
	case BPF_JGE:
		return "jge";
	case BPF_JGT:
		return "jgt";
	case BPF_JSET:
		return "jset";
	}
	return "j?";
}

static const char *alu_mnemonic(uint16_t op)
{
	static const char *const names[] = {
	    [BPF_ADD >> 4] = "add", [BPF_SUB >> 4] = "sub", [BPF_MUL >> 4] = "mul",
	    [BPF_DIV >> 4] = "div", [BPF_OR >> 4] = "or",   [BPF_AND >> 4] = "and",
	    [BPF_LSH >> 4] = "lsh", [BPF_RSH >> 4] = "rsh", [BPF_NEG >> 4] = "neg",
	    [BPF_MOD >> 4] = "mod", [BPF_XOR >> 4] = "xor",
	};
	size_t i = op >> 4;
	return i < ARRAY_SIZE(names) && names[i] ? names[i] : "alu?";
}

static void target(struct buf *out, size_t pc, uint32_t offset, size_t len)
{
	uint64_t t = (uint64_t)pc + 1 + offset;
	if (t < len)
		buf_printf(out, "%llu", (unsigned long long)t);
	else
		buf_printf(out, "%llu(past the end)", (unsigned long long)t);
}

/* The comment for a comparison of the accumulator with a constant. */
static void describe_constant(struct buf *comment, const struct knowledge *k, uint32_t value)
{
	if (k->acc == ACC_ARCH) {
		const char *name = names_arch_name(value);
		if (name)
			buf_puts(comment, name);
	} else if (k->acc == ACC_NR && k->arch_known) {
		const char *name = names_syscall_name((int)value, k->arch);
		if (name)
			buf_puts(comment, name);
	}
}

static void disasm_one(const struct sock_filter *in, size_t pc, size_t len,
                       const struct knowledge *k, struct buf *line, struct buf *comment)
{
	uint16_t code = in->code;
	char action[64];
	switch (BPF_CLASS(code)) {
	case BPF_LD:
	case BPF_LDX: {
		const char *reg = BPF_CLASS(code) == BPF_LD ? "ld " : "ldx";
		if (BPF_MODE(code) == BPF_ABS && BPF_SIZE(code) == BPF_W) {
			buf_printf(line, "%s  [%u]", reg, in->k);
			describe_field(comment, in->k);
		} else if (BPF_MODE(code) == BPF_IMM) {
			buf_printf(line, "%s  #0x%x", reg, in->k);
		} else if (BPF_MODE(code) == BPF_MEM) {
			buf_printf(line, "%s  M[%u]", reg, in->k);
		} else if (BPF_MODE(code) == BPF_LEN) {
			buf_printf(line, "%s  #len", reg);
		} else {
			buf_printf(line, "%s  ?code=0x%04x k=0x%x", reg, code, in->k);
			buf_puts(comment, "not allowed in seccomp");
		}
		break;
	}
	case BPF_ST:
		buf_printf(line, "st   M[%u]", in->k);
		break;
	case BPF_STX:
		buf_printf(line, "stx  M[%u]", in->k);
		break;
	case BPF_ALU:
		if (BPF_OP(code) == BPF_NEG)
			buf_puts(line, "neg");
		else if (BPF_SRC(code) == BPF_X)
			buf_printf(line, "%-4s x", alu_mnemonic(BPF_OP(code)));
		else
			buf_printf(line, "%-4s #0x%x", alu_mnemonic(BPF_OP(code)), in->k);
		break;
	case BPF_JMP:
		if (BPF_OP(code) == BPF_JA) {
			buf_puts(line, "ja   ");
			target(line, pc, in->k, len);
			break;
		}
		if (BPF_SRC(code) == BPF_X)
			buf_printf(line, "%-4s x", jump_mnemonic(BPF_OP(code)));
		else
			buf_printf(line, "%-4s #0x%x", jump_mnemonic(BPF_OP(code)), in->k);
		buf_puts(line, " -> ");
		target(line, pc, in->jt, len);
		buf_puts(line, " else ");
		target(line, pc, in->jf, len);
		if (BPF_SRC(code) == BPF_K)
			describe_constant(comment, k, in->k);
		break;
	case BPF_RET:
		if (BPF_RVAL(code) == BPF_A) {
			buf_puts(line, "ret  a");
		} else {
			buf_printf(line, "ret  #0x%08x", in->k);
			buf_puts(comment, bpf_sim_describe(in->k, action, sizeof(action)));
		}
		break;
	case BPF_MISC:
		buf_puts(line, BPF_MISCOP(code) == BPF_TAX ? "tax" : "txa");
		break;
	}
}

void bpf_disasm(const struct sock_filter *insns, size_t len, struct buf *out)
{
	if (len == 0)
		return;
	struct knowledge *k = xcalloc(len, sizeof(*k));
	k[0].reached = true;
	struct buf line, comment;
	buf_init(&line);
	buf_init(&comment);
	int width = len > 999 ? 4 : 3;
	for (size_t pc = 0; pc < len; pc++) {
		const struct sock_filter *in = &insns[pc];
		struct knowledge after = k[pc];
		if (in->code == (BPF_LD | BPF_W | BPF_ABS))
			after.acc = in->k == 0 ? ACC_NR : in->k == 4 ? ACC_ARCH : ACC_UNKNOWN;
		else if (BPF_CLASS(in->code) == BPF_LD || BPF_CLASS(in->code) == BPF_ALU ||
		         in->code == (BPF_MISC | BPF_TXA))
			after.acc = ACC_UNKNOWN;
		buf_reset(&line);
		buf_reset(&comment);
		disasm_one(in, pc, len, &k[pc], &line, &comment);
		if (!k[pc].reached && comment.len == 0)
			buf_puts(&comment, "unreachable");
		if (comment.len)
			buf_printf(out, "%*zu: %-36s ; %s\n", width, pc, buf_cstr(&line),
			           buf_cstr(&comment));
		else
			buf_printf(out, "%*zu: %s\n", width, pc, buf_cstr(&line));
		if (k[pc].reached)
			propagate(in, pc, len, k, after);
	}
	buf_free(&line);
	buf_free(&comment);
	free(k);
}

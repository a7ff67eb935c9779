/* emit_asm.c - seccomp BPF to a reviewable listing; see emit_asm.h. */
#include "emit_asm.h"
#include "names.h"

#include <linux/audit.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

/* struct seccomp_data: int nr, u32 arch, u64 instruction_pointer, u64 args[6]. */
#define DATA_NR         0
#define DATA_ARCH       4
#define DATA_IP         8
#define DATA_ARGS       16
#define DATA_END        64
#define X32_SYSCALL_BIT 0x40000000u

/* What the accumulator holds on entry to an instruction, as far as the
 * forward pass can tell, and which architecture every path to it matched. */
enum acc_kind { ACC_UNKNOWN, ACC_NR, ACC_ARCH, ACC_IP, ACC_ARG };

struct insn_state {
	bool reached;
	enum acc_kind acc;
	unsigned arg;     /* ACC_ARG: which argument */
	bool arg_high;    /* ACC_ARG: its upper 32 bits */
	bool arch_known;  /* every path so far matched the same architecture */
	uint32_t arch;    /* AUDIT_ARCH_* (libseccomp's SCMP_ARCH_* value) */
	bool arch_varies; /* paths with different architectures meet here */
};

struct disasm {
	const struct ir_policy *p;
	struct diag_ctx *d;
	struct sock_filter *insns;
	size_t n;
	struct insn_state *states;
	bool little_endian; /* of the policy's architectures: where an argument's low half is */
};

static void flow_into(struct disasm *ds, size_t target, const struct insn_state *s)
{
	struct insn_state *t = &ds->states[target];
	if (!t->reached) {
		*t = *s;
		t->reached = true;
		return;
	}
	if (t->acc != s->acc || t->arg != s->arg || t->arg_high != s->arg_high)
		t->acc = ACC_UNKNOWN;
	if (t->arch_known != s->arch_known || t->arch != s->arch) {
		t->arch_varies = t->arch_varies || s->arch_varies || t->arch_known || s->arch_known;
		t->arch_known = false;
	}
}

static void load_absolute(const struct disasm *ds, uint32_t offset, struct insn_state *s)
{
	s->acc = ACC_UNKNOWN;
	if (offset == DATA_NR)
		s->acc = ACC_NR;
	else if (offset == DATA_ARCH)
		s->acc = ACC_ARCH;
	else if (offset == DATA_IP || offset == DATA_IP + 4)
		s->acc = ACC_IP;
	else if (offset >= DATA_ARGS && offset < DATA_END && offset % 4 == 0) {
		unsigned word = (offset - DATA_ARGS) / 4;
		s->acc = ACC_ARG;
		s->arg = word / 2;
		/* On a little-endian ABI the low half comes first. */
		s->arg_high = (word % 2 == 1) == ds->little_endian;
	}
}

static int jump_target(struct disasm *ds, size_t i, uint32_t offset, size_t *target)
{
	if ((uint64_t)i + 1 + offset >= ds->n) {
		diag_error(ds->d, ds->p->loc,
		           "BPF instruction %zu jumps to %llu, past the end of the %zu-instruction "
		           "program; the program is corrupt",
		           i, (unsigned long long)i + 1 + offset, ds->n);
		return -1;
	}
	*target = i + 1 + offset;
	return 0;
}

/* Propagates the state of instruction i to its successors. */
static int step(struct disasm *ds, size_t i)
{
	const struct sock_filter *f = &ds->insns[i];
	struct insn_state s = ds->states[i];
	size_t jt, jf;

	switch (BPF_CLASS(f->code)) {
	case BPF_RET:
		return 0;
	case BPF_JMP:
		if (BPF_OP(f->code) == BPF_JA) {
			if (jump_target(ds, i, f->k, &jt) < 0)
				return -1;
			flow_into(ds, jt, &s);
			return 0;
		}
		if (jump_target(ds, i, f->jt, &jt) < 0 || jump_target(ds, i, f->jf, &jf) < 0)
			return -1;
		flow_into(ds, jf, &s);
		if (s.acc == ACC_ARCH && BPF_OP(f->code) == BPF_JEQ && BPF_SRC(f->code) == BPF_K) {
			s.arch_known = true;
			s.arch = f->k;
		}
		flow_into(ds, jt, &s);
		return 0;
	case BPF_LD:
		if (BPF_MODE(f->code) == BPF_ABS && BPF_SIZE(f->code) == BPF_W)
			load_absolute(ds, f->k, &s);
		else
			s.acc = ACC_UNKNOWN;
		break;
	case BPF_ALU:
		s.acc = ACC_UNKNOWN;
		break;
	case BPF_MISC:
		if (BPF_MISCOP(f->code) == BPF_TXA)
			s.acc = ACC_UNKNOWN;
		break;
	default: /* LDX, ST, STX leave the accumulator alone */
		break;
	}
	if (i + 1 >= ds->n) {
		diag_error(ds->d, ds->p->loc,
		           "the BPF program ends with instruction %zu, which does not return; the "
		           "program is corrupt",
		           i);
		return -1;
	}
	flow_into(ds, i + 1, &s);
	return 0;
}

/* ---- mnemonics ------------------------------------------------------------ */

static const char *size_suffix(uint16_t code)
{
	switch (BPF_SIZE(code)) {
	case BPF_H:
		return "h";
	case BPF_B:
		return "b";
	default:
		return "";
	}
}

static void format_load(struct buf *b, const struct sock_filter *f)
{
	bool to_x = BPF_CLASS(f->code) == BPF_LDX;
	char op[8];
	snprintf(op, sizeof(op), "%s%s", to_x ? "ldx" : "ld", size_suffix(f->code));
	switch (BPF_MODE(f->code)) {
	case BPF_IMM:
		buf_printf(b, "%-4s #0x%x", op, f->k);
		break;
	case BPF_ABS:
		buf_printf(b, "%-4s [%u]", op, f->k);
		break;
	case BPF_IND:
		buf_printf(b, "%-4s [x + %u]", op, f->k);
		break;
	case BPF_MEM:
		buf_printf(b, "%-4s M[%u]", op, f->k);
		break;
	case BPF_LEN:
		buf_printf(b, "%-4s len", op);
		break;
	case BPF_MSH:
		buf_printf(b, "%-4s 4*([%u]&0xf)", op, f->k);
		break;
	default:
		buf_printf(b, "%-4s ?mode 0x%x", op, BPF_MODE(f->code));
	}
}

static const char *alu_name(uint16_t code)
{
	static const struct {
		uint16_t op;
		const char *name;
	} ops[] = {
	    {BPF_ADD, "add"}, {BPF_SUB, "sub"}, {BPF_MUL, "mul"}, {BPF_DIV, "div"},
	    {BPF_OR, "or"},   {BPF_AND, "and"}, {BPF_LSH, "lsh"}, {BPF_RSH, "rsh"},
	    {BPF_NEG, "neg"}, {BPF_MOD, "mod"}, {BPF_XOR, "xor"},
	};
	for (size_t i = 0; i < ARRAY_SIZE(ops); i++)
		if (BPF_OP(code) == ops[i].op)
			return ops[i].name;
	return NULL;
}

static const char *jump_name(uint16_t code)
{
	switch (BPF_OP(code)) {
	case BPF_JEQ:
		return "jeq";
	case BPF_JGT:
		return "jgt";
	case BPF_JGE:
		return "jge";
	case BPF_JSET:
		return "jset";
	default:
		return NULL;
	}
}

/* Instruction i in mnemonic form; returns false for an opcode it does not know. */
static bool format_insn(struct buf *b, const struct sock_filter *f, size_t i)
{
	const char *name;
	switch (BPF_CLASS(f->code)) {
	case BPF_LD:
	case BPF_LDX:
		format_load(b, f);
		return true;
	case BPF_ST:
		buf_printf(b, "st   M[%u]", f->k);
		return true;
	case BPF_STX:
		buf_printf(b, "stx  M[%u]", f->k);
		return true;
	case BPF_ALU:
		if (!(name = alu_name(f->code)))
			return false;
		if (BPF_OP(f->code) == BPF_NEG)
			buf_printf(b, "%s", name);
		else if (BPF_SRC(f->code) == BPF_X)
			buf_printf(b, "%-4s x", name);
		else
			buf_printf(b, "%-4s #0x%x", name, f->k);
		return true;
	case BPF_JMP:
		if (BPF_OP(f->code) == BPF_JA) {
			buf_printf(b, "ja   %llu", (unsigned long long)i + 1 + f->k);
			return true;
		}
		if (!(name = jump_name(f->code)))
			return false;
		char operand[16];
		if (BPF_SRC(f->code) == BPF_X)
			snprintf(operand, sizeof(operand), "x");
		else
			snprintf(operand, sizeof(operand), "#0x%x", f->k);
		buf_printf(b, "%-4s %-15s jt %-4zu jf %zu", name, operand, i + 1 + f->jt,
		           i + 1 + f->jf);
		return true;
	case BPF_RET:
		if (BPF_RVAL(f->code) == BPF_A)
			buf_printf(b, "ret  a");
		else
			buf_printf(b, "ret  #0x%08x", f->k);
		return true;
	case BPF_MISC:
		if (BPF_MISCOP(f->code) == BPF_TAX)
			buf_printf(b, "tax");
		else
			buf_printf(b, "txa");
		return true;
	}
	return false;
}

/* ---- meanings -------------------------------------------------------------- */

static void describe_return(struct buf *b, uint32_t k)
{
	uint32_t data = k & SECCOMP_RET_DATA;
	switch (k & SECCOMP_RET_ACTION_FULL) {
	case SECCOMP_RET_KILL_PROCESS:
		buf_puts(b, "kill process");
		return;
	case SECCOMP_RET_KILL_THREAD:
		buf_puts(b, "kill thread");
		return;
	case SECCOMP_RET_TRAP:
		buf_printf(b, "trap (SIGSYS, data %u)", data);
		return;
	case SECCOMP_RET_ERRNO: {
		const char *name = names_errno_name((int)data);
		buf_printf(b, "errno %s (%u)", name ? name : "?", data);
		return;
	}
	case SECCOMP_RET_USER_NOTIF:
		buf_puts(b, "user notification");
		return;
	case SECCOMP_RET_TRACE:
		buf_printf(b, "trace (data %u)", data);
		return;
	case SECCOMP_RET_LOG:
		buf_puts(b, "log, then allow");
		return;
	case SECCOMP_RET_ALLOW:
		buf_puts(b, "allow");
		return;
	}
	buf_printf(b, "unknown action 0x%08x (the kernel treats it as kill process)", k);
}

/* The architecture whose numbers a comparison on nr uses, if one can tell. */
static bool arch_for_nr(const struct disasm *ds, const struct insn_state *s, uint32_t *arch)
{
	if (s->arch_known) {
		*arch = s->arch;
		return true;
	}
	if (!s->arch_varies && ds->p->n_arches == 1) {
		*arch = ds->p->arches[0].token;
		return true;
	}
	return false;
}

static void describe_nr_compare(struct buf *b, const struct disasm *ds, const struct insn_state *s,
                                const struct sock_filter *f)
{
	uint32_t arch;
	bool known = arch_for_nr(ds, s, &arch);
	if (known && arch == AUDIT_ARCH_X86_64 && f->k == X32_SYSCALL_BIT &&
	    (BPF_OP(f->code) == BPF_JGE || BPF_OP(f->code) == BPF_JSET)) {
		buf_puts(b, "x32 ABI (nr bit 30)");
		return;
	}
	if (f->k == UINT32_MAX && BPF_OP(f->code) == BPF_JEQ) {
		/* A tracer cancelled the call: no syscall runs, nothing to filter. */
		buf_puts(b, "nr -1 (a call a tracer skipped)");
		return;
	}
	const char *name = known ? names_syscall_name((int)f->k, arch) : NULL;
	const char *prefix = BPF_OP(f->code) == BPF_JGE   ? "nr >= "
	                     : BPF_OP(f->code) == BPF_JGT ? "nr > "
	                     : BPF_OP(f->code) == BPF_JEQ ? ""
	                                                  : "nr & ";
	if (name)
		buf_printf(b, "%s%s", prefix, name);
	else if (known)
		buf_printf(b, "%snr %u (no syscall on %s)", prefix, f->k,
		           names_arch_name(arch) ? names_arch_name(arch) : "this architecture");
	else
		buf_printf(b, "%snr %u (architecture not known here)", prefix, f->k);
}

static void describe_acc(struct buf *b, const struct insn_state *s)
{
	switch (s->acc) {
	case ACC_NR:
		buf_puts(b, "nr");
		break;
	case ACC_ARCH:
		buf_puts(b, "arch");
		break;
	case ACC_IP:
		buf_puts(b, "instruction pointer");
		break;
	case ACC_ARG:
		buf_printf(b, "args[%u] %s half", s->arg, s->arg_high ? "upper" : "lower");
		break;
	case ACC_UNKNOWN:
		break;
	}
}

static void describe(struct buf *b, const struct disasm *ds, size_t i)
{
	const struct sock_filter *f = &ds->insns[i];
	const struct insn_state *s = &ds->states[i];
	struct insn_state after = *s;

	if (BPF_CLASS(f->code) == BPF_RET) {
		if (BPF_RVAL(f->code) == BPF_K)
			describe_return(b, f->k);
		else
			buf_puts(b, "the action in A");
		if (!s->reached)
			buf_puts(b, " (unreachable)");
		return;
	}
	if (!s->reached) {
		buf_puts(b, "unreachable");
		return;
	}
	switch (BPF_CLASS(f->code)) {
	case BPF_LD:
		if (BPF_MODE(f->code) != BPF_ABS || BPF_SIZE(f->code) != BPF_W)
			return;
		load_absolute(ds, f->k, &after);
		if (after.acc != ACC_UNKNOWN) {
			buf_puts(b, "A = ");
			describe_acc(b, &after);
		}
		return;
	case BPF_JMP:
		if (BPF_OP(f->code) == BPF_JA || BPF_SRC(f->code) != BPF_K)
			return;
		if (s->acc == ACC_NR) {
			describe_nr_compare(b, ds, s, f);
		} else if (s->acc == ACC_ARCH) {
			const char *name = names_arch_name(f->k);
			buf_puts(b, name ? name : "an architecture libseccomp does not name");
		} else if (s->acc != ACC_UNKNOWN) {
			describe_acc(b, s);
		}
		return;
	}
}

/* ---- the listing ------------------------------------------------------------ */

static int load_program(struct disasm *ds, const struct buf *bpf)
{
	if (bpf->len == 0 || bpf->len % sizeof(struct sock_filter) != 0) {
		diag_error(
		    ds->d, ds->p->loc,
		    "cannot disassemble the filter of policy '%s': %zu bytes is not a whole, "
		    "non-zero number of %zu-byte BPF instructions",
		    ds->p->name ? ds->p->name : "?", bpf->len, sizeof(struct sock_filter));
		return -1;
	}
	ds->n = bpf->len / sizeof(struct sock_filter);
	ds->insns = xcalloc(ds->n, sizeof(*ds->insns));
	memcpy(ds->insns, bpf->data, bpf->len);
	ds->states = xcalloc(ds->n, sizeof(*ds->states));
	ds->states[0].reached = true;
	ds->little_endian = ds->p->n_arches == 0 || (ds->p->arches[0].token & __AUDIT_ARCH_LE);
	return 0;
}

int asm_disassemble(const struct ir_policy *p, const struct buf *bpf, struct diag_ctx *d,
                    struct asm_listing *out)
{
	struct disasm ds = {.p = p, .d = d};
	int rc = load_program(&ds, bpf);
	for (size_t i = 0; rc == 0 && i < ds.n; i++)
		if (ds.states[i].reached && step(&ds, i) < 0)
			rc = -1;
	memset(out, 0, sizeof(*out));
	if (rc == 0) {
		out->lines = xcalloc(ds.n, sizeof(*out->lines));
		out->n = ds.n;
		for (size_t i = 0; i < ds.n; i++) {
			struct buf line, meaning;
			buf_init(&line);
			buf_init(&meaning);
			const struct sock_filter *f = &ds.insns[i];
			if (!format_insn(&line, f, i))
				buf_printf(&line, ".insn code=0x%04x jt=%u jf=%u k=0x%x", f->code,
				           f->jt, f->jf, f->k);
			describe(&meaning, &ds, i);
			if (meaning.len)
				buf_printf(&line, "%*s; %s",
				           line.len < 36 ? (int)(36 - line.len) : 1, "",
				           buf_cstr(&meaning));
			out->lines[i] = xstrdup(buf_cstr(&line));
			buf_free(&line);
			buf_free(&meaning);
		}
	}
	free(ds.insns);
	free(ds.states);
	return rc;
}

void asm_listing_free(struct asm_listing *l)
{
	for (size_t i = 0; i < l->n; i++)
		free(l->lines[i]);
	free(l->lines);
	memset(l, 0, sizeof(*l));
}

int emit_asm(const struct ir_policy *p, const struct buf *bpf, struct diag_ctx *d, struct buf *out)
{
	struct asm_listing listing;
	if (asm_disassemble(p, bpf, d, &listing) < 0)
		return -1;
	buf_printf(out, "; seccomp BPF of policy '%s': %zu instructions, for",
	           p->name ? p->name : "?", listing.n);
	for (size_t i = 0; i < p->n_arches; i++)
		buf_printf(out, "%s %s", i ? "," : "", p->arches[i].name ? p->arches[i].name : "?");
	buf_puts(out, "\n; jump targets (jt, jf, ja) are absolute instruction indexes\n");
	for (size_t i = 0; i < listing.n; i++)
		buf_printf(out, "%4zu: %s\n", i, listing.lines[i]);
	asm_listing_free(&listing);
	return 0;
}

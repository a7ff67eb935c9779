/* emit_seccomp.c - lowered rules to a libseccomp filter and its BPF; see emit_seccomp.h. */
#include "emit_seccomp.h"
#include "lower.h"

#include <errno.h>
#include <linux/audit.h>
#include <seccomp.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

/* struct sock_filter: u16 code, u8 jt, u8 jf, u32 k. */
#define BPF_INSN_SIZE 8

struct emitter {
	const struct ir_policy *p;
	struct diag_ctx *d;
	struct lower_result lowered;
	bool lowered_ok;
	int errors;
	bool any_rule;
};

static void emit_error(struct emitter *em, struct src_loc loc, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static void emit_error(struct emitter *em, struct src_loc loc, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	diag_report(em->d, DIAG_ERROR, loc, fmt, ap);
	va_end(ap);
	em->errors++;
}

/* ---- actions ------------------------------------------------------------------ */

static bool action_valid(struct ir_action a)
{
	return a.kind != IR_ACTION_ERRNO || (a.errno_value >= 1 && a.errno_value <= 4095);
}

static uint32_t scmp_action(struct ir_action a)
{
	switch (a.kind) {
	case IR_ACTION_ALLOW:
		return SCMP_ACT_ALLOW;
	case IR_ACTION_ERRNO:
		return SCMP_ACT_ERRNO(a.errno_value);
	case IR_ACTION_KILL:
		return SCMP_ACT_KILL_PROCESS;
	case IR_ACTION_TRAP:
		return SCMP_ACT_TRAP;
	case IR_ACTION_LOG:
		return SCMP_ACT_LOG;
	}
	return SCMP_ACT_KILL_PROCESS;
}

/* ---- architectures -------------------------------------------------------------- */

/* An ABI without __AUDIT_ARCH_64BIT passes 32-bit registers: the kernel and
 * libseccomp both see only the low half of each argument. */
static bool arch_has_32bit_args(uint32_t token)
{
	return !(token & __AUDIT_ARCH_64BIT);
}

/* MIPS n32 passes 64-bit registers, but libseccomp compares only their low
 * halves there: a test on an upper half would silently vanish. */
static bool arch_hides_upper_halves(uint32_t token)
{
	return token == SCMP_ARCH_MIPS64N32 || token == SCMP_ARCH_MIPSEL64N32;
}

static bool arch_listed_before(const struct ir_policy *p, size_t i)
{
	for (size_t j = 0; j < i; j++)
		if (p->arches[j].token == p->arches[i].token)
			return true;
	return false;
}

static const char *arch_name(const struct ir_arch *arch)
{
	return arch->name ? arch->name : "an unnamed architecture";
}

static void check_arches(struct emitter *em)
{
	if (em->p->n_arches == 0)
		emit_error(em, em->p->loc,
		           "policy '%s' lists no architecture to build a filter for",
		           em->p->name ? em->p->name : "?");
	for (size_t i = 0; i < em->p->n_arches; i++) {
		if (em->p->arches[i].token == SCMP_ARCH_X32)
			emit_error(em, em->p->loc,
			           "the x32 ABI is never allowed: every filter kills x32 system "
			           "calls; remove '%s' from the arches of policy '%s'",
			           arch_name(&em->p->arches[i]), em->p->name ? em->p->name : "?");
	}
}

enum presence {
	SYSCALL_ABSENT,
	SYSCALL_DIRECT,      /* its own syscall number */
	SYSCALL_MULTIPLEXED, /* (also) a subcall of socketcall(2) or ipc(2) */
};

/* libseccomp numbers the socketcall(2) subcalls __PNR_socket..__PNR_sendmmsg
 * and the ipc(2) subcalls __PNR_semop..__PNR_shmctl, on every architecture;
 * on one with the multiplexer it adds its rules for both entry points. */
static enum presence syscall_presence(uint32_t arch, const char *name, const char **multiplexer)
{
	int nr = seccomp_syscall_resolve_name_arch(arch, name);
	const char *via = NULL;
	if (nr >= 0)
		return SYSCALL_DIRECT;
	if (nr <= __PNR_socket && nr >= __PNR_sendmmsg)
		via = "socketcall";
	else if (nr <= __PNR_semop && nr >= __PNR_shmctl)
		via = "ipc";
	if (!via || seccomp_syscall_resolve_name_arch(arch, via) < 0)
		return SYSCALL_ABSENT;
	if (multiplexer)
		*multiplexer = via;
	return SYSCALL_MULTIPLEXED;
}

/* Groups list syscalls of every architecture and `net` rules are synthesised:
 * only a name the policy wrote itself must exist everywhere. */
static bool rule_names_syscall(const struct ir_rule *r)
{
	return r->explicit_name && r->origin == IR_ORIGIN_POLICY;
}

static void check_presence_on(struct emitter *em, const struct ir_arch *arch)
{
	struct buf skipped;
	buf_init(&skipped);
	for (size_t i = 0; i < em->lowered.n_syscalls; i++) {
		const struct lower_syscall *s = &em->lowered.syscalls[i];
		if (syscall_presence(arch->token, s->name, NULL) != SYSCALL_ABSENT)
			continue;
		const struct ir_rule *required = NULL;
		bool optional = false;
		for (size_t k = 0; k < s->n_rules && !required; k++) {
			if (!rule_names_syscall(s->rules[k]))
				continue;
			if (s->rules[k]->optional)
				optional = true;
			else
				required = s->rules[k];
		}
		if (required)
			emit_error(em, required->loc,
			           "syscall '%s' does not exist on %s; write 'optional %s' if the "
			           "policy may go without it there",
			           s->name, arch_name(arch), s->name);
		else if (optional)
			buf_printf(&skipped, "%s%s", skipped.len ? ", " : "", s->name);
	}
	if (skipped.len)
		diag_note(em->d, em->p->loc,
		          "on %s, these optional syscalls do not exist and get no rule: %s",
		          arch_name(arch), buf_cstr(&skipped));
	buf_free(&skipped);
}

/* ---- rules ------------------------------------------------------------------------- */

static const struct lower_syscall *find_lowered(const struct emitter *em, const char *name)
{
	for (size_t i = 0; i < em->lowered.n_syscalls; i++)
		if (strcmp(em->lowered.syscalls[i].name, name) == 0)
			return &em->lowered.syscalls[i];
	return NULL;
}

static bool pieces_share_one_action(const struct lower_syscall *a, const struct lower_syscall *b)
{
	if (a->n_pieces == 0)
		return true;
	struct ir_action action = a->pieces[0].action;
	for (size_t i = 0; i < a->n_pieces; i++)
		if (!ir_action_equal(a->pieces[i].action, action))
			return false;
	for (size_t i = 0; i < b->n_pieces; i++)
		if (!ir_action_equal(b->pieces[i].action, action))
			return false;
	return true;
}

/* A subcall of socketcall(2) or ipc(2) reaches the kernel two ways. With an
 * unconditional action libseccomp covers both (the multiplexer's first
 * argument names the subcall); anything finer it cannot do exactly. */
static bool multiplexed_rules_ok(struct emitter *em, const struct ir_arch *arch,
                                 const struct lower_syscall *s, const char *multiplexer)
{
	for (size_t i = 0; i < s->n_pieces; i++) {
		if (lower_conjunct_atoms(&s->pieces[i].c) == 0)
			continue;
		emit_error(em, s->pieces[i].rule->loc,
		           "on %s, '%s' can also be called through %s(2), which passes the "
		           "arguments behind a pointer seccomp cannot read, so a condition on "
		           "'%s' cannot be enforced there; make the rule unconditional or "
		           "remove %s from the policy's arches",
		           arch_name(arch), s->name, multiplexer, s->name, arch_name(arch));
		return false;
	}
	const struct lower_syscall *mux = find_lowered(em, multiplexer);
	if (s->n_pieces > 0 && mux && mux->n_pieces > 0 && !pieces_share_one_action(s, mux)) {
		emit_error(em, s->pieces[0].rule->loc,
		           "on %s, libseccomp filters '%s' inside %s(2) as well, and the policy "
		           "gives %s(2) a different action: give both the same action or remove "
		           "%s from the policy's arches",
		           arch_name(arch), s->name, multiplexer, multiplexer, arch_name(arch));
		return false;
	}
	return true;
}

static bool upper_halves_ok(struct emitter *em, const struct ir_arch *arch,
                            const struct lower_syscall *s)
{
	for (size_t i = 0; i < s->n_pieces; i++) {
		for (unsigned a = 0; a < LOWER_MAX_ARGS; a++) {
			if (!(s->pieces[i].c.mask[a] >> 32))
				continue;
			emit_error(em, s->pieces[i].rule->loc,
			           "the rule for '%s' tests the upper half of argument %u, which "
			           "libseccomp cannot check on %s; compare only the low 32 bits or "
			           "remove %s from the policy's arches",
			           s->name, a, arch_name(arch), arch_name(arch));
			return false;
		}
	}
	return true;
}

static void add_piece(struct emitter *em, scmp_filter_ctx ctx, const struct ir_arch *arch,
                      const char *syscall, int nr, const struct lower_piece *piece)
{
	struct scmp_arg_cmp cmps[LOWER_MAX_ARGS];
	unsigned n = 0;
	for (unsigned a = 0; a < LOWER_MAX_ARGS; a++) {
		uint64_t mask = piece->c.mask[a], value = piece->c.value[a];
		if (!mask)
			continue;
		if (mask == UINT64_MAX)
			cmps[n++] = (struct scmp_arg_cmp){a, SCMP_CMP_EQ, value, 0};
		else
			cmps[n++] = (struct scmp_arg_cmp){a, SCMP_CMP_MASKED_EQ, mask, value};
	}
	if (!action_valid(piece->action)) {
		emit_error(em, piece->rule->loc, "errno %u for '%s' is out of range (1 to 4095)",
		           piece->action.errno_value, syscall);
		return;
	}
	int rc = seccomp_rule_add_array(ctx, scmp_action(piece->action), nr, n, cmps);
	if (rc < 0) {
		emit_error(em, piece->rule->loc, "libseccomp refused the rule for '%s' on %s: %s",
		           syscall, arch_name(arch), strerror(-rc));
		return;
	}
	em->any_rule = true;
}

/* The syscall's pieces as this architecture sees them: on a 32-bit ABI an
 * argument is its low half (see lower_pieces_narrow32()). `view` borrows from
 * `s` or from *owned, which the caller frees. */
static void pieces_for_arch(const struct lower_syscall *s, const struct ir_arch *arch,
                            struct lower_syscall *view, struct lower_piece **owned)
{
	*view = *s;
	*owned = NULL;
	if (arch_has_32bit_args(arch->token)) {
		view->n_pieces = lower_pieces_narrow32(s->pieces, s->n_pieces, owned);
		view->pieces = *owned;
	}
}

static void add_syscall(struct emitter *em, scmp_filter_ctx ctx, const struct ir_arch *arch,
                        const struct lower_syscall *s)
{
	const char *multiplexer = NULL;
	enum presence presence = syscall_presence(arch->token, s->name, &multiplexer);
	if (s->n_pieces == 0 || presence == SYSCALL_ABSENT)
		return; /* absent: reported, or allowed, by check_presence_on() */

	struct lower_syscall view;
	struct lower_piece *owned;
	pieces_for_arch(s, arch, &view, &owned);
	bool ok = true;
	if (presence == SYSCALL_MULTIPLEXED)
		ok = multiplexed_rules_ok(em, arch, &view, multiplexer);
	if (ok && arch_hides_upper_halves(arch->token))
		ok = upper_halves_ok(em, arch, &view);
	/* libseccomp takes the number on the native architecture (or one of its
	 * pseudo numbers) and translates it by name for the filter's own. */
	int nr = seccomp_syscall_resolve_name(s->name);
	for (size_t i = 0; ok && i < view.n_pieces; i++)
		add_piece(em, ctx, arch, s->name, nr, &view.pieces[i]);
	free(owned);
}

/* ---- filters ---------------------------------------------------------------------- */

static bool set_attr(struct emitter *em, scmp_filter_ctx ctx, enum scmp_filter_attr attr,
                     uint32_t value, const char *what)
{
	int rc = seccomp_attr_set(ctx, attr, value);
	if (rc < 0)
		emit_error(em, em->p->loc, "libseccomp could not set %s: %s", what, strerror(-rc));
	return rc >= 0;
}

/* A filter that holds only `arch`, with the policy's default and attributes. */
static scmp_filter_ctx new_arch_filter(struct emitter *em, const struct ir_arch *arch)
{
	struct ir_action def = em->p->syscalls.default_action;
	struct src_loc def_loc = em->p->syscalls.default_loc;
	if (!action_valid(def)) {
		emit_error(em, def_loc, "default errno %u is out of range (1 to 4095)",
		           def.errno_value);
		return NULL;
	}
	scmp_filter_ctx ctx = seccomp_init(scmp_action(def));
	if (!ctx) {
		emit_error(em, def_loc,
		           "libseccomp could not create a filter (out of memory, or the default "
		           "action is not supported by this kernel)");
		return NULL;
	}
	bool ok = set_attr(em, ctx, SCMP_FLTATR_CTL_NNP, 0, "NO_NEW_PRIVS off") &&
	          set_attr(em, ctx, SCMP_FLTATR_ACT_BADARCH, SCMP_ACT_KILL_PROCESS,
	                   "the foreign-architecture action to kill");
	if (ok && arch->token != seccomp_arch_native()) {
		int rc = seccomp_arch_add(ctx, arch->token);
		if (rc == 0)
			rc = seccomp_arch_remove(ctx, SCMP_ARCH_NATIVE);
		if (rc < 0) {
			emit_error(em, em->p->loc, "libseccomp cannot build a filter for %s: %s",
			           arch_name(arch), strerror(-rc));
			ok = false;
		}
	}
	if (!ok) {
		seccomp_release(ctx);
		return NULL;
	}
	return ctx;
}

static scmp_filter_ctx arch_filter(struct emitter *em, const struct ir_arch *arch)
{
	int errors_before = em->errors;
	scmp_filter_ctx ctx = new_arch_filter(em, arch);
	if (!ctx)
		return NULL;
	for (size_t i = 0; i < em->lowered.n_syscalls; i++)
		add_syscall(em, ctx, arch, &em->lowered.syscalls[i]);
	if (em->errors != errors_before) {
		seccomp_release(ctx);
		return NULL;
	}
	return ctx;
}

/* Builds the whole filter, every listed architecture merged into one, or
 * returns NULL after reporting every problem found on the way. */
static scmp_filter_ctx build_filter(struct emitter *em)
{
	check_arches(em);
	if (em->errors)
		return NULL;
	if (lower_policy(em->p, em->d, &em->lowered) < 0) {
		em->errors++;
		return NULL;
	}
	em->lowered_ok = true;
	for (size_t i = 0; i < em->p->n_arches; i++)
		if (!arch_listed_before(em->p, i))
			check_presence_on(em, &em->p->arches[i]);
	if (em->errors)
		return NULL;

	scmp_filter_ctx merged = NULL;
	for (size_t i = 0; i < em->p->n_arches; i++) {
		const struct ir_arch *arch = &em->p->arches[i];
		if (arch_listed_before(em->p, i))
			continue;
		scmp_filter_ctx ctx = arch_filter(em, arch);
		if (!ctx)
			continue;
		if (!merged) {
			merged = ctx;
			continue;
		}
		int rc = seccomp_merge(merged, ctx);
		if (rc < 0) {
			emit_error(em, em->p->loc,
			           "libseccomp cannot put %s into the same filter as %s (%s); "
			           "architectures of one filter must share their byte order",
			           arch_name(arch), arch_name(&em->p->arches[0]), strerror(-rc));
			seccomp_release(ctx);
		}
	}
	if (merged && !em->errors && em->any_rule)
		set_attr(em, merged, SCMP_FLTATR_CTL_OPTIMIZE, 2, "binary-tree optimisation");
	if (merged && em->errors) {
		seccomp_release(merged);
		merged = NULL;
	}
	return merged;
}

static void emitter_finish(struct emitter *em)
{
	if (em->lowered_ok)
		lower_result_free(&em->lowered);
}

/* ---- export ------------------------------------------------------------------------- */

static int read_back(struct emitter *em, int fd, struct buf *out)
{
	if (lseek(fd, 0, SEEK_SET) < 0) {
		emit_error(em, em->p->loc, "cannot rewind the memfd holding the filter: %s",
		           strerror(errno));
		return -1;
	}
	char chunk[4096];
	for (;;) {
		ssize_t n = read(fd, chunk, sizeof(chunk));
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			emit_error(em, em->p->loc, "cannot read the exported filter back: %s",
			           strerror(errno));
			return -1;
		}
		if (n == 0)
			return 0;
		buf_append(out, chunk, (size_t)n);
	}
}

/* libseccomp exports only to a file descriptor: a memfd keeps the program off
 * the file system, so no half-written artifact can ever appear there. */
static int export_filter(struct emitter *em, scmp_filter_ctx ctx, bool pfc, struct buf *out)
{
	int fd = memfd_create("cell-seccomp", MFD_CLOEXEC);
	if (fd < 0) {
		emit_error(em, em->p->loc, "cannot create a memfd to export the filter into: %s",
		           strerror(errno));
		return -1;
	}
	int rc = pfc ? seccomp_export_pfc(ctx, fd) : seccomp_export_bpf(ctx, fd);
	if (rc < 0) {
		emit_error(em, em->p->loc,
		           "libseccomp could not export the filter of policy '%s': %s",
		           em->p->name ? em->p->name : "?", strerror(-rc));
		close(fd);
		return -1;
	}
	rc = read_back(em, fd, out);
	close(fd);
	return rc;
}

static int check_program(struct emitter *em, const struct buf *program)
{
	if (program->len == 0 || program->len % BPF_INSN_SIZE != 0) {
		emit_error(em, em->p->loc,
		           "libseccomp exported %zu bytes, not a whole number of BPF instructions",
		           program->len);
		return -1;
	}
	size_t insns = program->len / BPF_INSN_SIZE;
	if (insns > EMIT_SECCOMP_MAX_INSNS) {
		emit_error(em, em->p->loc,
		           "the seccomp filter of policy '%s' is %zu BPF instructions long; the "
		           "kernel loads at most %d. Fewer conditions (each != or range becomes up "
		           "to 64 comparisons) or fewer architectures would shorten it",
		           em->p->name ? em->p->name : "?", insns, EMIT_SECCOMP_MAX_INSNS);
		return -1;
	}
	return 0;
}

static int emit(const struct ir_policy *p, struct diag_ctx *d, bool pfc, struct buf *out)
{
	struct emitter em = {.p = p, .d = d};
	struct buf program;
	buf_init(&program);
	int rc = -1;
	scmp_filter_ctx ctx = build_filter(&em);
	if (ctx && export_filter(&em, ctx, pfc, &program) == 0 &&
	    (pfc || check_program(&em, &program) == 0)) {
		if (program.len)
			buf_append(out, program.data, program.len);
		rc = 0;
	}
	if (ctx)
		seccomp_release(ctx);
	emitter_finish(&em);
	buf_free(&program);
	return rc;
}

int emit_seccomp_bpf(const struct ir_policy *p, struct diag_ctx *d, struct buf *bpf)
{
	return emit(p, d, false, bpf);
}

int emit_seccomp_pfc(const struct ir_policy *p, struct diag_ctx *d, struct buf *pfc)
{
	return emit(p, d, true, pfc);
}

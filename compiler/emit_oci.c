/* emit_oci.c - lowered syscall rules as an OCI seccomp profile; see emit_oci.h. */
#include "emit_oci.h"
#include "emit_seccomp.h"
#include "lower.h"

#include <linux/audit.h>
#include <seccomp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- names ----------------------------------------------------------------- */

const char *oci_arch_name(uint32_t token)
{
	static const struct {
		uint32_t token;
		const char *name;
	} arches[] = {
	    {SCMP_ARCH_X86, "SCMP_ARCH_X86"},
	    {SCMP_ARCH_X86_64, "SCMP_ARCH_X86_64"},
	    {SCMP_ARCH_X32, "SCMP_ARCH_X32"},
	    {SCMP_ARCH_ARM, "SCMP_ARCH_ARM"},
	    {SCMP_ARCH_AARCH64, "SCMP_ARCH_AARCH64"},
	    {SCMP_ARCH_MIPS, "SCMP_ARCH_MIPS"},
	    {SCMP_ARCH_MIPS64, "SCMP_ARCH_MIPS64"},
	    {SCMP_ARCH_MIPS64N32, "SCMP_ARCH_MIPS64N32"},
	    {SCMP_ARCH_MIPSEL, "SCMP_ARCH_MIPSEL"},
	    {SCMP_ARCH_MIPSEL64, "SCMP_ARCH_MIPSEL64"},
	    {SCMP_ARCH_MIPSEL64N32, "SCMP_ARCH_MIPSEL64N32"},
	    {SCMP_ARCH_PPC, "SCMP_ARCH_PPC"},
	    {SCMP_ARCH_PPC64, "SCMP_ARCH_PPC64"},
	    {SCMP_ARCH_PPC64LE, "SCMP_ARCH_PPC64LE"},
	    {SCMP_ARCH_S390, "SCMP_ARCH_S390"},
	    {SCMP_ARCH_S390X, "SCMP_ARCH_S390X"},
	    {SCMP_ARCH_PARISC, "SCMP_ARCH_PARISC"},
	    {SCMP_ARCH_PARISC64, "SCMP_ARCH_PARISC64"},
	    {SCMP_ARCH_RISCV64, "SCMP_ARCH_RISCV64"},
	};
	for (size_t i = 0; i < ARRAY_SIZE(arches); i++)
		if (arches[i].token == token)
			return arches[i].name;
	return NULL;
}

static const char *oci_action_name(enum ir_action_kind kind)
{
	switch (kind) {
	case IR_ACTION_ALLOW:
		return "SCMP_ACT_ALLOW";
	case IR_ACTION_ERRNO:
		return "SCMP_ACT_ERRNO";
	case IR_ACTION_KILL:
		return "SCMP_ACT_KILL_PROCESS";
	case IR_ACTION_TRAP:
		return "SCMP_ACT_TRAP";
	case IR_ACTION_LOG:
		return "SCMP_ACT_LOG";
	}
	return "SCMP_ACT_KILL_PROCESS";
}

static const char *policy_name(const struct ir_policy *p)
{
	return p->name ? p->name : "?";
}

/* ---- checks ----------------------------------------------------------------- */

/* The seccomp backend decides whether the rules make a filter at all. Its
 * messages are shown only when it fails: the driver has run it already, and
 * its warnings would otherwise appear twice. */
static int check_filter_compiles(const struct ir_policy *p, struct diag_ctx *d)
{
	char *messages = NULL;
	size_t len = 0;
	FILE *sink = open_memstream(&messages, &len);
	if (!sink) {
		diag_error(d, p->loc, "cannot open a memory stream for diagnostics: out of memory");
		return -1;
	}
	struct diag_ctx *quiet = diag_new(sink);
	struct buf scratch;
	buf_init(&scratch);
	int rc = emit_seccomp_bpf(p, quiet, &scratch);
	diag_free(quiet);
	fclose(sink);
	free(messages);
	if (rc < 0) {
		buf_reset(&scratch);
		emit_seccomp_bpf(p, d, &scratch);
		diag_error(d, p->loc,
		           "no OCI profile for policy '%s': its seccomp filter does not compile",
		           policy_name(p));
	}
	buf_free(&scratch);
	return rc;
}

static bool arch_has_32bit_args(uint32_t token)
{
	return !(token & __AUDIT_ARCH_64BIT);
}

static bool arch_hides_upper_halves(uint32_t token)
{
	return token == SCMP_ARCH_MIPS64N32 || token == SCMP_ARCH_MIPSEL64N32;
}

/* A runtime passes every entry to libseccomp for every listed ABI. On one
 * with 32-bit argument registers it compares only the low halves, so a piece
 * that needs an upper bit set would match where it never can; the bpf
 * backend drops such pieces per ABI, a single profile cannot. */
static int check_pieces_on_arch(const struct ir_policy *p, struct diag_ctx *d,
                                const struct ir_arch *arch, const struct lower_result *lowered)
{
	bool narrow = arch_has_32bit_args(arch->token);
	bool hides = arch_hides_upper_halves(arch->token);
	if (!narrow && !hides)
		return 0;
	for (size_t i = 0; i < lowered->n_syscalls; i++) {
		const struct lower_syscall *s = &lowered->syscalls[i];
		for (size_t k = 0; k < s->n_pieces; k++) {
			const struct lower_piece *piece = &s->pieces[k];
			for (unsigned a = 0; a < LOWER_MAX_ARGS; a++) {
				uint64_t upper =
				    hides ? piece->c.mask[a] >> 32 : piece->c.value[a] >> 32;
				if (!upper)
					continue;
				diag_error(
				    d, piece->rule->loc,
				    "the rule for '%s' needs the upper half of argument %u, "
				    "which libseccomp ignores on %s; an OCI runtime would apply "
				    "it to calls it does not match. Remove %s from the arches "
				    "of policy '%s' to export it",
				    s->name, a, arch->name ? arch->name : "?",
				    arch->name ? arch->name : "?", policy_name(p));
				return -1;
			}
		}
	}
	return 0;
}

static int check_arches(const struct ir_policy *p, struct diag_ctx *d,
                        const struct lower_result *lowered)
{
	int rc = 0;
	for (size_t i = 0; i < p->n_arches; i++) {
		const struct ir_arch *arch = &p->arches[i];
		if (!oci_arch_name(arch->token)) {
			diag_error(d, p->loc,
			           "the OCI runtime spec has no name for architecture %s of policy "
			           "'%s'",
			           arch->name ? arch->name : "?", policy_name(p));
			rc = -1;
		} else if (check_pieces_on_arch(p, d, arch, lowered) < 0) {
			rc = -1;
		}
	}
	return rc;
}

/* ---- entries ---------------------------------------------------------------- */

/* One element of "syscalls": the names that share an action and the args. */
struct oci_entry {
	struct ir_action action;
	struct lower_conjunct args;
	const char **names;
	size_t n_names, cap;
};

struct oci_entries {
	struct oci_entry *e;
	size_t n, cap;
};

static bool same_args(const struct lower_conjunct *a, const struct lower_conjunct *b)
{
	return memcmp(a->mask, b->mask, sizeof(a->mask)) == 0 &&
	       memcmp(a->value, b->value, sizeof(a->value)) == 0;
}

static void entries_add(struct oci_entries *list, const char *name, const struct lower_piece *piece)
{
	struct oci_entry *e = NULL;
	for (size_t i = 0; i < list->n && !e; i++)
		if (ir_action_equal(list->e[i].action, piece->action) &&
		    same_args(&list->e[i].args, &piece->c))
			e = &list->e[i];
	if (!e) {
		xgrow((void **)&list->e, &list->cap, list->n + 1, sizeof(*list->e));
		e = &list->e[list->n++];
		memset(e, 0, sizeof(*e));
		e->action = piece->action;
		e->args = piece->c;
	}
	for (size_t i = 0; i < e->n_names; i++)
		if (strcmp(e->names[i], name) == 0)
			return;
	xgrow((void **)&e->names, &e->cap, e->n_names + 1, sizeof(*e->names));
	e->names[e->n_names++] = name;
}

static void entries_build(const struct lower_result *lowered, struct oci_entries *list)
{
	memset(list, 0, sizeof(*list));
	for (size_t i = 0; i < lowered->n_syscalls; i++) {
		const struct lower_syscall *s = &lowered->syscalls[i];
		for (size_t k = 0; k < s->n_pieces; k++)
			if (!ir_action_equal(s->pieces[k].action, lowered->default_action))
				entries_add(list, s->name, &s->pieces[k]);
	}
}

static void entries_free(struct oci_entries *list)
{
	for (size_t i = 0; i < list->n; i++)
		free(list->e[i].names);
	free(list->e);
}

/* ---- writing ------------------------------------------------------------------ */

static void put_args(struct buf *out, const struct lower_conjunct *c)
{
	unsigned atoms = lower_conjunct_atoms(c), written = 0;
	if (!atoms)
		return;
	buf_puts(out, ",\n      \"args\": [\n");
	for (unsigned a = 0; a < LOWER_MAX_ARGS; a++) {
		if (!c->mask[a])
			continue;
		/* libseccomp's order for MASKED_EQ: datum_a the mask, datum_b the
		 * value; runtimes pass value and valueTwo through in that order. */
		if (c->mask[a] == UINT64_MAX)
			buf_printf(out,
			           "        {\"index\": %u, \"value\": %llu, \"valueTwo\": 0, "
			           "\"op\": \"SCMP_CMP_EQ\"}",
			           a, (unsigned long long)c->value[a]);
		else
			buf_printf(out,
			           "        {\"index\": %u, \"value\": %llu, \"valueTwo\": %llu, "
			           "\"op\": \"SCMP_CMP_MASKED_EQ\"}",
			           a, (unsigned long long)c->mask[a],
			           (unsigned long long)c->value[a]);
		buf_puts(out, ++written < atoms ? ",\n" : "\n");
	}
	buf_puts(out, "      ]");
}

static void put_entry(struct buf *out, const struct oci_entry *e)
{
	buf_puts(out, "    {\n      \"names\": [");
	for (size_t i = 0; i < e->n_names; i++) {
		buf_puts(out, i ? ",\n        " : "\n        ");
		buf_put_json_string(out, e->names[i]);
	}
	buf_puts(out, "\n      ],\n      \"action\": ");
	buf_put_json_string(out, oci_action_name(e->action.kind));
	if (e->action.kind == IR_ACTION_ERRNO)
		buf_printf(out, ",\n      \"errnoRet\": %u", e->action.errno_value);
	put_args(out, &e->args);
	buf_puts(out, "\n    }");
}

static void put_profile(struct buf *out, const struct ir_policy *p, const struct oci_entries *list)
{
	struct ir_action def = p->syscalls.default_action;
	buf_puts(out, "{\n  \"defaultAction\": ");
	buf_put_json_string(out, oci_action_name(def.kind));
	if (def.kind == IR_ACTION_ERRNO)
		buf_printf(out, ",\n  \"defaultErrnoRet\": %u", def.errno_value);
	buf_puts(out, ",\n  \"architectures\": [");
	for (size_t i = 0, listed = 0; i < p->n_arches; i++) {
		bool seen = false;
		for (size_t j = 0; j < i; j++)
			seen = seen || p->arches[j].token == p->arches[i].token;
		if (seen)
			continue;
		buf_puts(out, listed++ ? ",\n    " : "\n    ");
		buf_put_json_string(out, oci_arch_name(p->arches[i].token));
	}
	buf_puts(out, "\n  ],\n  \"syscalls\": [");
	for (size_t i = 0; i < list->n; i++) {
		buf_puts(out, i ? ",\n" : "\n");
		put_entry(out, &list->e[i]);
	}
	buf_puts(out, list->n ? "\n  ]\n}\n" : "]\n}\n");
}

/* ---- what the profile leaves out ------------------------------------------------ */

static struct src_loc first_known(struct src_loc a, struct src_loc fallback)
{
	return a.line > 0 ? a : fallback;
}

static void note_limits(const struct ir_policy *p, struct diag_ctx *d)
{
	const struct {
		const struct ir_limit *limit;
		const char *name;
	} limits[] = {
	    {&p->limits.memory_bytes, "memory"}, {&p->limits.pids, "pids"},
	    {&p->limits.cpu_millicores, "cpu"},  {&p->limits.time_ms, "time"},
	    {&p->limits.nofile, "nofile"},       {&p->limits.fsize_bytes, "fsize"},
	};
	struct buf names;
	buf_init(&names);
	struct src_loc loc = {0};
	for (size_t i = 0; i < ARRAY_SIZE(limits); i++) {
		if (!limits[i].limit->set)
			continue;
		if (loc.line == 0)
			loc = limits[i].limit->loc;
		buf_printf(&names, "%s%s", names.len ? ", " : "", limits[i].name);
	}
	if (names.len)
		diag_note(d, first_known(loc, p->loc),
		          "left out: limits %s; set them as the container's resources (cgroup "
		          "limits and rlimits) and the runtime's timeout",
		          buf_cstr(&names));
	buf_free(&names);
}

static void note_process(const struct ir_policy *p, struct diag_ctx *d)
{
	const struct ir_process *pr = &p->process;
	struct buf what;
	buf_init(&what);
	struct src_loc loc = {0};
	if (pr->hostname) {
		buf_puts(&what, "hostname");
		loc = pr->hostname_loc;
	}
	if (pr->uid >= 0) {
		buf_printf(&what, "%suid", what.len ? ", " : "");
		loc = first_known(loc, pr->uid_loc);
	}
	if (pr->gid >= 0) {
		buf_printf(&what, "%sgid", what.len ? ", " : "");
		loc = first_known(loc, pr->gid_loc);
	}
	if (pr->new_session) {
		buf_printf(&what, "%snew-session", what.len ? ", " : "");
		loc = first_known(loc, pr->new_session_loc);
	}
	if (what.len)
		diag_note(d, first_known(loc, p->loc),
		          "left out: process %s; set them in the container's process and hostname",
		          buf_cstr(&what));
	buf_free(&what);
}

static void report_left_out(const struct ir_policy *p, struct diag_ctx *d)
{
	diag_warning(d, p->loc,
	             "the OCI profile of policy '%s' carries its syscall rules only; the "
	             "container's configuration must supply the rest",
	             policy_name(p));
	if (p->fs.n_ops || p->fs.cwd)
		diag_note(d, p->fs.n_ops ? p->fs.ops[0].loc : p->fs.cwd_loc,
		          "left out: fs (%zu mount operation%s%s); give them as the container's "
		          "mounts and root",
		          p->fs.n_ops, p->fs.n_ops == 1 ? "" : "s", p->fs.cwd ? " and cwd" : "");
	if (p->net == IR_NET_NONE)
		diag_note(d, first_known(p->net_loc, p->loc),
		          "left out: net none's network namespace (its rule against Internet "
		          "sockets is in the profile); give the container a network namespace "
		          "without interfaces");
	else if (p->net == IR_NET_LOOPBACK)
		diag_note(d, first_known(p->net_loc, p->loc),
		          "left out: net loopback; give the container its own network namespace");
	note_limits(p, d);
	if (p->env.n_ops)
		diag_note(d, p->env.ops[0].loc,
		          "left out: env (%zu operation%s); set the container's process.env",
		          p->env.n_ops, p->env.n_ops == 1 ? "" : "s");
	note_process(p, d);
	diag_note(d, p->loc,
	          "not expressible: the profile cannot say what happens to foreign ABIs and "
	          "x32; the runtime's libseccomp decides (runc and crun: kill thread, not kill "
	          "process), and runtimes always add the host's own architecture");
}

/* ---- entry point -------------------------------------------------------------- */

/* Lowering succeeded inside check_filter_compiles(); its warnings were
 * reported there (or by the driver), so this pass is quiet. */
static int lower_quietly(const struct ir_policy *p, struct diag_ctx *d, struct lower_result *out)
{
	char *messages = NULL;
	size_t len = 0;
	FILE *sink = open_memstream(&messages, &len);
	if (!sink) {
		diag_error(d, p->loc, "cannot open a memory stream for diagnostics: out of memory");
		return -1;
	}
	struct diag_ctx *quiet = diag_new(sink);
	int rc = lower_policy(p, quiet, out);
	diag_free(quiet);
	fclose(sink);
	free(messages);
	if (rc < 0) {
		lower_result_free(out);
		diag_error(d, p->loc, "the syscall rules of policy '%s' do not lower",
		           policy_name(p));
	}
	return rc;
}

int emit_oci_json(const struct ir_policy *p, struct diag_ctx *d, struct buf *out)
{
	if (check_filter_compiles(p, d) < 0)
		return -1;
	struct lower_result lowered;
	if (lower_quietly(p, d, &lowered) < 0)
		return -1;
	int rc = check_arches(p, d, &lowered);
	if (rc == 0) {
		struct oci_entries list;
		entries_build(&lowered, &list);
		put_profile(out, p, &list);
		entries_free(&list);
		report_left_out(p, d);
	}
	lower_result_free(&lowered);
	return rc;
}

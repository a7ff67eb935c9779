/* emit_landlock.c - the NAME.landlock piece (see emit_landlock.h). */
#include "emit_landlock.h"

#include <stdlib.h>
#include <string.h>

/* ---- what never maps ------------------------------------------------------ */

static bool is_bind(const struct ir_fs_op *op)
{
	return op->kind == IR_FS_BIND_RO || op->kind == IR_FS_BIND_RW;
}

static const char *bind_word(const struct ir_fs_op *op)
{
	if (op->kind == IR_FS_BIND_RO)
		return op->optional ? "ro?" : "ro";
	return op->optional ? "rw?" : "rw";
}

/* The reason an fs operation cannot be expressed, or NULL when it can. */
static char *fs_gap(const struct ir_fs_op *op)
{
	switch (op->kind) {
	case IR_FS_BIND_RO:
	case IR_FS_BIND_RW:
		if (strcmp(op->src, op->dst) == 0)
			return NULL;
		return xasprintf("%s %s at %s: showing a path in another place needs a mount "
		                 "namespace; bind it at its own path",
		                 bind_word(op), op->src, op->dst);
	case IR_FS_DEV:
		if (strcmp(op->dst, "/dev") == 0)
			return NULL;
		return xasprintf("dev %s: only `dev /dev` maps (to the host's own null, zero, "
		                 "full, random and urandom)",
		                 op->dst);
	case IR_FS_PROC:
		return xasprintf("proc %s: a private /proc needs a pid and a mount namespace",
		                 op->dst);
	case IR_FS_TMPFS:
		return xasprintf("tmpfs %s: a private tmpfs needs a mount namespace", op->dst);
	case IR_FS_DIR:
		return xasprintf("dir %s: an empty directory needs a mount namespace", op->dst);
	case IR_FS_FILE:
		return xasprintf("file %s: contents from the bundle need a mount namespace",
		                 op->dst);
	case IR_FS_SYMLINK:
	case IR_FS_MASK:
		return NULL; /* checked against the host by cellrun */
	}
	return NULL;
}

size_t landlock_gaps(const struct ir_policy *p,
                     void (*gap)(void *ctx, struct src_loc loc, const char *why), void *ctx)
{
	size_t n = 0;
	for (size_t i = 0; i < p->fs.n_ops; i++) {
		char *why = fs_gap(&p->fs.ops[i]);
		if (why) {
			gap(ctx, p->fs.ops[i].loc, why);
			free(why);
			n++;
		}
	}
	const struct ir_process *pr = &p->process;
	char *why[3] = {NULL, NULL, NULL};
	struct src_loc where[3] = {pr->hostname_loc, pr->uid_loc, pr->gid_loc};
	if (pr->hostname)
		why[0] = xasprintf("hostname %s: needs a UTS namespace", pr->hostname);
	if (pr->uid >= 0)
		why[1] = xasprintf("uid %lld: needs a user namespace", (long long)pr->uid);
	if (pr->gid >= 0)
		why[2] = xasprintf("gid %lld: needs a user namespace", (long long)pr->gid);
	if (p->net == IR_NET_LOOPBACK)
		gap(ctx, p->net_loc,
		    "net loopback: a private loopback needs a network namespace; Landlock "
		    "cannot tell the host's loopback from the sandbox's");
	n += p->net == IR_NET_LOOPBACK;
	for (int i = 0; i < 3; i++) {
		if (why[i]) {
			gap(ctx, where[i], why[i]);
			free(why[i]);
			n++;
		}
	}
	return n;
}

/* ---- the piece ------------------------------------------------------------ */

static void put_str(struct buf *out, const char *s)
{
	static const char hex[] = "0123456789abcdef";
	buf_puts(out, " ");
	for (const unsigned char *c = (const unsigned char *)s; *c; c++) {
		if (*c <= ' ' || *c >= 0x7f || *c == '%') {
			char esc[3] = {'%', hex[*c >> 4], hex[*c & 0xf]};
			buf_append(out, esc, 3);
		} else {
			buf_append(out, c, 1);
		}
	}
	if (!*s)
		buf_puts(out, "%00"); /* never an empty field; decoded as an empty string */
}

struct piece {
	struct buf *out;
	const char *base;             /* the policy's own file */
	const struct diag_ctx *names; /* display names, or NULL */
};

/* A location in a file found through -I by its display name (diag.h), in
 * any other relative to the directory of the file that defines the policy,
 * so that the piece is the same wherever the compile ran from and names no
 * directory of the build machine. */
static void put_loc(const struct piece *pc, struct src_loc loc)
{
	struct buf *out = pc->out;
	if (loc.line <= 0 || !loc.file) {
		buf_puts(out, " -");
		return;
	}
	const char *file = pc->names ? diag_display_name(pc->names, loc.file) : NULL;
	if (!file) {
		const char *base = pc->base;
		const char *slash = base ? strrchr(base, '/') : NULL;
		size_t dir = slash ? (size_t)(slash - base) + 1 : 0;
		file = loc.file;
		if (dir && strncmp(file, base, dir) == 0 && file[dir])
			file += dir;
	}
	char *text = xasprintf("%s:%d:%d", file, loc.line, loc.col);
	put_str(out, text);
	free(text);
}

static void put_fs(const struct piece *pc, const struct ir_fs_op *op)
{
	struct buf *out = pc->out;
	const char *word = NULL;
	if (is_bind(op) && strcmp(op->src, op->dst) == 0)
		word = bind_word(op);
	else if (op->kind == IR_FS_DEV && strcmp(op->dst, "/dev") == 0)
		word = "dev";
	else if (op->kind == IR_FS_SYMLINK)
		word = "link";
	else if (op->kind == IR_FS_MASK)
		word = op->optional ? "mask?" : "mask";
	if (!word)
		return; /* a gap */
	buf_printf(out, "fs %s", word);
	put_loc(pc, op->loc);
	put_str(out, op->dst);
	if (op->kind == IR_FS_SYMLINK)
		put_str(out, op->src);
	buf_puts(out, "\n");
}

static void put_gap(void *ctx, struct src_loc loc, const char *why)
{
	const struct piece *pc = ctx;
	struct buf *out = pc->out;
	buf_puts(out, "gap");
	put_loc(pc, loc);
	put_str(out, why);
	buf_puts(out, "\n");
}

static void put_env(struct buf *out, const struct ir_env_op *op)
{
	static const char *const kinds[] = {[IR_ENV_CLEAR] = "clear",
	                                    [IR_ENV_KEEP] = "keep",
	                                    [IR_ENV_SET] = "set",
	                                    [IR_ENV_UNSET] = "unset"};
	buf_printf(out, "env %s", kinds[op->kind]);
	if (op->kind != IR_ENV_CLEAR)
		put_str(out, op->name);
	if (op->kind == IR_ENV_SET)
		put_str(out, op->value ? op->value : "");
	buf_puts(out, "\n");
}

void emit_landlock(const struct ir_policy *p, const struct diag_ctx *names, struct buf *out)
{
	static const char *const nets[] = {
	    [IR_NET_NONE] = "none", [IR_NET_LOOPBACK] = "loopback", [IR_NET_HOST] = "host"};
	struct piece pc = {out, p->loc.file, names};
	buf_printf(out, "cell-landlock %d\nnet %s", LANDLOCK_FORMAT_VERSION, nets[p->net]);
	put_loc(&pc, p->net_loc);
	buf_puts(out, "\n");
	if (p->process.new_session)
		buf_puts(out, "new-session\n");
	for (size_t i = 0; i < p->fs.n_ops; i++)
		put_fs(&pc, &p->fs.ops[i]);
	landlock_gaps(p, put_gap, &pc);
	for (size_t i = 0; i < p->env.n_ops; i++)
		put_env(out, &p->env.ops[i]);
	if (p->fs.cwd) {
		buf_puts(out, "cwd");
		put_loc(&pc, p->fs.cwd_loc);
		put_str(out, p->fs.cwd);
		buf_puts(out, "\n");
	}
}

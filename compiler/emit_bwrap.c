/* emit_bwrap.c - the bwrap argument file: namespaces, mounts, environment, cwd. */
#include "emit_bwrap.h"

#include <errno.h>
#include <stdarg.h>
#include <inttypes.h>
#include <limits.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* First bwrap release of each option we may use. Everything not listed here
 * (the --unshare-* family, --die-with-parent, --new-session, --hostname,
 * --uid/--gid, the binds and their -try forms, --ro-bind-data, --remount-ro,
 * --setenv/--unsetenv, --chdir) is older than --cap-drop, which every file
 * uses, so the baseline is the release that introduced --cap-drop. */
static const struct bwrap_version version_cap_drop = {0, 2, 0};
static const struct bwrap_version version_perms = {0, 5, 0};
static const struct bwrap_version version_clearenv = {0, 5, 0};
static const struct bwrap_version version_tmpfs_size = {0, 7, 0};

int bwrap_version_compare(struct bwrap_version a, struct bwrap_version b)
{
	if (a.major != b.major)
		return a.major < b.major ? -1 : 1;
	if (a.minor != b.minor)
		return a.minor < b.minor ? -1 : 1;
	if (a.micro != b.micro)
		return a.micro < b.micro ? -1 : 1;
	return 0;
}

const char *bwrap_version_format(struct bwrap_version v, char *buf, size_t size)
{
	snprintf(buf, size, "%u.%u.%u", v.major, v.minor, v.micro);
	return buf;
}

void bwrap_needs_init(struct bwrap_needs *needs)
{
	memset(needs, 0, sizeof(*needs));
	needs->min_version = version_cap_drop;
}

void bwrap_needs_free(struct bwrap_needs *needs)
{
	for (size_t i = 0; i < needs->n_data_fds; i++)
		free(needs->data_fds[i].data);
	free(needs->data_fds);
	for (size_t i = 0; i < needs->n_env_keep; i++)
		free(needs->env_keep[i]);
	free(needs->env_keep);
	free(needs->requirements);
	bwrap_needs_init(needs);
}

/* ---- the emitter ---------------------------------------------------------- */

struct emitter {
	const struct ir_policy *policy;
	struct diag_ctx *diag;
	struct buf *args;
	struct bwrap_needs *needs;
	int next_data_fd;
	bool failed;
};

static void put(struct emitter *e, const char *arg)
{
	buf_put_arg(e->args, arg);
}

static void put2(struct emitter *e, const char *option, const char *value)
{
	put(e, option);
	put(e, value);
}

static void put3(struct emitter *e, const char *option, const char *value1, const char *value2)
{
	put(e, option);
	put(e, value1);
	put(e, value2);
}

static void require_version(struct emitter *e, struct bwrap_version v, const char *option,
                            struct src_loc loc)
{
	struct bwrap_needs *needs = e->needs;
	needs->requirements = xrealloc(needs->requirements,
	                               (needs->n_requirements + 1) * sizeof(*needs->requirements));
	needs->requirements[needs->n_requirements++] =
	    (struct bwrap_requirement){.option = option, .version = v, .loc = loc};
	if (bwrap_version_compare(v, needs->min_version) > 0)
		needs->min_version = v;
}

static void fail(struct emitter *e, struct src_loc loc, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static void fail(struct emitter *e, struct src_loc loc, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	diag_report(e->diag, DIAG_ERROR, loc, fmt, ap);
	va_end(ap);
	e->failed = true;
}

/* ---- strings, placeholders and paths -------------------------------------- */

static bool is_param_start(char c)
{
	return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || c == '_';
}

static bool is_param_char(char c)
{
	return is_param_start(c) || (c >= '0' && c <= '9');
}

static const struct ir_param *find_param(const struct ir_policy *p, const char *name, size_t len)
{
	for (size_t i = 0; i < p->n_params; i++)
		if (strlen(p->params[i].name) == len && memcmp(p->params[i].name, name, len) == 0)
			return &p->params[i];
	return NULL;
}

/* Length of the ${NAME} at s (which starts with "${"), or 0 when malformed. */
static size_t placeholder_length(const char *s)
{
	size_t i = 2;
	if (!is_param_start(s[i]))
		return 0;
	while (is_param_char(s[i]))
		i++;
	return s[i] == '}' ? i + 1 : 0;
}

/* Every ${...} in s must be well formed and name a param that is still open:
 * the runtime fills those and no others, so anything else would reach bwrap
 * as a literal "${...}". */
static bool check_placeholders(struct emitter *e, const char *s, const char *what,
                               struct src_loc loc)
{
	bool ok = true;
	for (const char *at = strstr(s, "${"); at; at = strstr(at + 2, "${")) {
		size_t len = placeholder_length(at);
		if (len == 0) {
			fail(e, loc,
			     "%s '%s' has a malformed ${...} reference; a param is written ${NAME}",
			     what, s);
			return false;
		}
		if (!find_param(e->policy, at + 2, len - 3)) {
			fail(e, loc,
			     "%s '%s' refers to ${%.*s}, which is not a param of policy '%s'", what,
			     s, (int)(len - 3), at + 2, e->policy->name);
			ok = false;
		}
	}
	return ok;
}

static bool check_string(struct emitter *e, const char *s, const char *what, struct src_loc loc)
{
	if (!s || !*s) {
		fail(e, loc, "%s is empty", what);
		return false;
	}
	return check_placeholders(e, s, what, loc);
}

/* A path must be absolute, either literally or because it starts with a
 * ${PARAM} that the runtime checks to be absolute: one the manifest lists
 * as a `path` param. */
static bool check_path(struct emitter *e, const char *path, const char *what, struct src_loc loc)
{
	if (!check_string(e, path, what, loc))
		return false;
	if (strncmp(path, "${", 2) != 0) {
		if (path[0] == '/')
			return true;
		fail(e, loc, "%s '%s' is not an absolute path", what, path);
		return false;
	}
	size_t len = placeholder_length(path);
	const char *rest = path + len;
	if (*rest != '\0' && *rest != '/') {
		fail(e, loc, "%s '%s' is not an absolute path", what, path);
		return false;
	}
	const struct ir_param *param = find_param(e->policy, path + 2, len - 3);
	if (param && !param->used_as_path) {
		fail(e, loc, "%s '%s' starts with param %s, which is not marked as a path", what,
		     path, param->name);
		return false;
	}
	return true;
}

/* ---- 1. namespaces and process -------------------------------------------- */

static void emit_namespaces(struct emitter *e)
{
	put(e, "--unshare-user");
	put(e, "--unshare-ipc");
	put(e, "--unshare-pid");
	put(e, "--unshare-uts");
	put(e, "--unshare-cgroup-try");
	switch (e->policy->net) {
	case IR_NET_NONE:
	case IR_NET_LOOPBACK:
		/* A new network namespace: bwrap brings up its loopback. */
		put(e, "--unshare-net");
		break;
	case IR_NET_HOST:
		break;
	default:
		fail(e, e->policy->net_loc, "unknown network mode %d", (int)e->policy->net);
	}
	put(e, "--die-with-parent");
	/* Started by root, bwrap would keep its capabilities in the sandbox. */
	put2(e, "--cap-drop", "ALL");
}

static void emit_id(struct emitter *e, const char *option, int64_t id, struct src_loc loc)
{
	if (id < 0)
		return;
	/* (uid_t)-1 means "no change" to the kernel, so it cannot be a target. */
	if (id >= (int64_t)UINT32_MAX) {
		fail(e, loc, "%s %" PRId64 " is out of range (0 to %" PRIu32 ")", option + 2, id,
		     UINT32_MAX - 1);
		return;
	}
	char text[24];
	snprintf(text, sizeof(text), "%" PRId64, id);
	put2(e, option, text);
}

/* The kernel takes at most 64 bytes (HOST_NAME_MAX); bwrap would only find
 * out inside the new namespace. A name with a param is checked at run time. */
static bool check_hostname(struct emitter *e, const char *hostname, struct src_loc loc)
{
	if (!check_string(e, hostname, "hostname", loc))
		return false;
	if (!strstr(hostname, "${") && strlen(hostname) > 64) {
		fail(e, loc, "hostname '%s' is longer than the 64 bytes the kernel allows",
		     hostname);
		return false;
	}
	return true;
}

static void emit_process(struct emitter *e)
{
	const struct ir_process *proc = &e->policy->process;
	if (proc->new_session)
		put(e, "--new-session");
	if (proc->hostname && check_hostname(e, proc->hostname, proc->hostname_loc))
		put2(e, "--hostname", proc->hostname);
	emit_id(e, "--uid", proc->uid, proc->uid_loc);
	emit_id(e, "--gid", proc->gid, proc->gid_loc);
}

/* ---- 2. filesystem -------------------------------------------------------- */

static void emit_perms(struct emitter *e, const struct ir_fs_op *op)
{
	if (!op->has_mode)
		return;
	if (op->mode > 07777) {
		fail(e, op->loc, "mode %o of '%s' is not a permission mode (0000 to 7777)",
		     op->mode, op->dst);
		return;
	}
	char text[8];
	snprintf(text, sizeof(text), "%04o", op->mode);
	put2(e, "--perms", text);
	require_version(e, version_perms, "--perms", op->loc);
}

static void emit_bind(struct emitter *e, const struct ir_fs_op *op, const char *option,
                      const char *try_option)
{
	if (check_path(e, op->src, "bind source", op->loc))
		put3(e, op->optional ? try_option : option, op->src, op->dst);
}

static void emit_tmpfs(struct emitter *e, const struct ir_fs_op *op)
{
	if (op->has_size) {
		/* bwrap refuses a zero size rather than meaning "unlimited". */
		if (op->size_bytes == 0) {
			fail(e, op->loc,
			     "tmpfs '%s' has size 0; leave the size out for the default", op->dst);
			return;
		}
		char text[24];
		snprintf(text, sizeof(text), "%" PRIu64, op->size_bytes);
		put2(e, "--size", text);
		require_version(e, version_tmpfs_size, "--size", op->loc);
	}
	emit_perms(e, op);
	put2(e, "--tmpfs", op->dst);
}

static void emit_file(struct emitter *e, const struct ir_fs_op *op)
{
	if (op->data_len > 0 && !op->data) {
		fail(e, op->loc, "file '%s' has no contents", op->dst);
		return;
	}
	if (op->data_len > BWRAP_MAX_DATA_SIZE) {
		fail(e, op->loc,
		     "file '%s' holds %zu bytes, more than the %d a bundle carries; bind it from "
		     "the "
		     "host instead",
		     op->dst, op->data_len, BWRAP_MAX_DATA_SIZE);
		return;
	}
	struct bwrap_needs *needs = e->needs;
	int fd = e->next_data_fd++;
	needs->data_fds =
	    xrealloc(needs->data_fds, (needs->n_data_fds + 1) * sizeof(*needs->data_fds));
	struct bwrap_data_fd *slot = &needs->data_fds[needs->n_data_fds++];
	slot->fd = fd;
	slot->len = op->data_len;
	slot->data = xmalloc(op->data_len);
	if (op->data_len)
		memcpy(slot->data, op->data, op->data_len);

	char text[16];
	snprintf(text, sizeof(text), "%d", fd);
	emit_perms(e, op);
	put3(e, "--ro-bind-data", text, op->dst);
}

/* The host is consulted now, at compile time: a mask must hide something
 * that exists, and what it is decides how to hide it. */
static void emit_mask(struct emitter *e, const struct ir_fs_op *op)
{
	const char *path = op->dst;
	if (strstr(path, "${")) {
		fail(e, op->loc,
		     "mask '%s' depends on a run-time param; a mask must be known at compile time",
		     path);
		return;
	}
	struct stat st;
	if (lstat(path, &st) < 0) {
		if ((errno == ENOENT || errno == ENOTDIR) && op->optional)
			return;
		if (errno == ENOENT || errno == ENOTDIR)
			fail(e, op->loc,
			     "nothing to mask at %s on this host; write `mask? %s` to skip it "
			     "where it "
			     "is missing",
			     path, path);
		else
			fail(e, op->loc, "cannot inspect %s to mask it: %s", path, strerror(errno));
		return;
	}
	if (S_ISLNK(st.st_mode)) {
		char target[PATH_MAX];
		ssize_t n = readlink(path, target, sizeof(target) - 1);
		target[n < 0 ? 0 : n] = '\0';
		fail(
		    e, op->loc,
		    "%s is a symbolic link on this host (to '%s'); bwrap would mount over what the "
		    "link resolves to, not over the link, so mask the target instead",
		    path, target);
		return;
	}
	if (S_ISDIR(st.st_mode)) {
		put2(e, "--tmpfs", path);
		put2(e, "--remount-ro", path);
	} else {
		put3(e, "--ro-bind", "/dev/null", path);
	}
}

static void emit_fs_op(struct emitter *e, const struct ir_fs_op *op)
{
	if (!check_path(e, op->dst, op->kind == IR_FS_MASK ? "mask" : "destination", op->loc))
		return;
	switch (op->kind) {
	case IR_FS_BIND_RO:
		emit_bind(e, op, "--ro-bind", "--ro-bind-try");
		break;
	case IR_FS_BIND_RW:
		emit_bind(e, op, "--bind", "--bind-try");
		break;
	case IR_FS_DEV:
		put2(e, "--dev", op->dst);
		break;
	case IR_FS_PROC:
		put2(e, "--proc", op->dst);
		break;
	case IR_FS_TMPFS:
		emit_tmpfs(e, op);
		break;
	case IR_FS_SYMLINK:
		/* The target is verbatim and may be relative ("usr/bin"). */
		if (check_string(e, op->src, "link target", op->loc))
			put3(e, "--symlink", op->src, op->dst);
		break;
	case IR_FS_DIR:
		emit_perms(e, op);
		put2(e, "--dir", op->dst);
		break;
	case IR_FS_FILE:
		emit_file(e, op);
		break;
	case IR_FS_MASK:
		emit_mask(e, op);
		break;
	default:
		fail(e, op->loc, "unknown filesystem operation %d", (int)op->kind);
	}
}

/* ---- 3. environment ------------------------------------------------------- */

/* The op that decides one variable, after normalisation. */
struct env_decision {
	const char *name;
	const struct ir_env_op *op;
};

static bool env_name_valid(const char *name)
{
	if (!name || !*name)
		return false;
	for (const unsigned char *c = (const unsigned char *)name; *c; c++)
		if (*c == '=' || *c <= ' ' || *c == 0x7f)
			return false;
	return true;
}

/* Everything before the last clear is void; after it, each variable's last
 * op wins, and variables keep the order of their first appearance. */
static struct env_decision *normalise_env(const struct ir_env *env, bool *had_clear, size_t *n_out)
{
	size_t start = 0;
	*had_clear = false;
	for (size_t i = 0; i < env->n_ops; i++) {
		if (env->ops[i].kind == IR_ENV_CLEAR) {
			start = i + 1;
			*had_clear = true;
		}
	}
	struct env_decision *decisions = xcalloc(env->n_ops + 1, sizeof(*decisions));
	size_t n = 0;
	for (size_t i = start; i < env->n_ops; i++) {
		const struct ir_env_op *op = &env->ops[i];
		size_t j = 0;
		while (j < n && strcmp(decisions[j].name, op->name ? op->name : "") != 0)
			j++;
		if (j == n)
			decisions[n++].name = op->name ? op->name : "";
		decisions[j].op = op;
	}
	*n_out = n;
	return decisions;
}

static void add_env_keep(struct bwrap_needs *needs, const char *name)
{
	needs->env_keep = xrealloc(needs->env_keep, (needs->n_env_keep + 1) * sizeof(char *));
	needs->env_keep[needs->n_env_keep++] = xstrdup(name);
}

static void emit_env_decision(struct emitter *e, const struct env_decision *dec, bool had_clear)
{
	const struct ir_env_op *op = dec->op;
	if (!env_name_valid(op->name)) {
		fail(e, op->loc, "'%s' is not a valid environment variable name",
		     op->name ? op->name : "");
		return;
	}
	switch (op->kind) {
	case IR_ENV_SET:
		if (!op->value) {
			fail(e, op->loc, "environment variable %s is set without a value",
			     op->name);
			return;
		}
		if (check_placeholders(e, op->value, "environment value", op->loc))
			put3(e, "--setenv", op->name, op->value);
		break;
	case IR_ENV_UNSET:
		/* After a clear the variable is gone already. */
		if (!had_clear)
			put2(e, "--unsetenv", op->name);
		break;
	case IR_ENV_KEEP:
		/* Without a clear bwrap inherits the variable anyway. */
		if (had_clear)
			add_env_keep(e->needs, op->name);
		break;
	default:
		fail(e, op->loc, "unknown environment operation %d", (int)op->kind);
	}
}

/* The last `clear`: the one --clearenv stands for. */
static struct src_loc last_clear_loc(const struct ir_env *env)
{
	struct src_loc loc = {0};
	for (size_t i = 0; i < env->n_ops; i++)
		if (env->ops[i].kind == IR_ENV_CLEAR)
			loc = env->ops[i].loc;
	return loc;
}

static void emit_env(struct emitter *e)
{
	bool had_clear;
	size_t n;
	struct env_decision *decisions = normalise_env(&e->policy->env, &had_clear, &n);
	if (had_clear) {
		put(e, "--clearenv");
		require_version(e, version_clearenv, "--clearenv", last_clear_loc(&e->policy->env));
	}
	for (size_t i = 0; i < n; i++)
		emit_env_decision(e, &decisions[i], had_clear);
	free(decisions);
}

/* ---- the whole file ------------------------------------------------------- */

int emit_bwrap_args(const struct ir_policy *p, struct diag_ctx *d, struct buf *args,
                    struct bwrap_needs *needs)
{
	struct emitter e = {
	    .policy = p,
	    .diag = d,
	    .args = args,
	    .needs = needs,
	    .next_data_fd = BWRAP_FIRST_DATA_FD,
	};
	emit_namespaces(&e);
	emit_process(&e);
	for (size_t i = 0; i < p->fs.n_ops; i++)
		emit_fs_op(&e, &p->fs.ops[i]);
	emit_env(&e);
	if (p->fs.cwd && check_path(&e, p->fs.cwd, "working directory", p->fs.cwd_loc))
		put2(&e, "--chdir", p->fs.cwd);
	return e.failed ? -1 : 0;
}

/* ---- text rendering ------------------------------------------------------- */

static void render_byte(struct buf *out, unsigned char c)
{
	if (c == '\\')
		buf_puts(out, "\\\\");
	else if (c == '\n')
		buf_puts(out, "\\n");
	else if (c < 0x20 || c == 0x7f)
		buf_printf(out, "\\x%02x", c);
	else
		buf_append(out, &c, 1);
}

void bwrap_args_to_text(const char *args, size_t len, struct buf *out)
{
	size_t i = 0;
	while (i < len) {
		const char *end = memchr(args + i, '\0', len - i);
		size_t arg_len = end ? (size_t)(end - (args + i)) : len - i;
		for (size_t k = 0; k < arg_len; k++)
			render_byte(out, (unsigned char)args[i + k]);
		buf_puts(out, "\n");
		if (!end) {
			buf_puts(out, "<missing NUL>\n");
			return;
		}
		i += arg_len + 1;
	}
}

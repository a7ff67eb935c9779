/* lint_fs.c - lint rules CL020-CL030: mounts, network, limits, params, text
 * and bwrap versions. The list is in lint_fs.h, the catalogue at the end of
 * this file and in docs/lint.md. */
#include "lint_fs.h"

#include "emit_bwrap.h"
#include "lint.h"
#include "util.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- paths as components --------------------------------------------------- */

#define MAX_COMPONENTS 64

struct components {
	const char *at[MAX_COMPONENTS];
	size_t len[MAX_COMPONENTS];
	size_t n;
};

/* Splits on '/', dropping empty and "." components. A path deeper than
 * MAX_COMPONENTS is related to nothing (false). */
static bool split(const char *path, struct components *c)
{
	c->n = 0;
	for (const char *s = path; *s;) {
		while (*s == '/')
			s++;
		const char *start = s;
		while (*s && *s != '/')
			s++;
		size_t len = (size_t)(s - start);
		if (len == 0 || (len == 1 && *start == '.'))
			continue;
		if (c->n == MAX_COMPONENTS)
			return false;
		c->at[c->n] = start;
		c->len[c->n++] = len;
	}
	return true;
}

static bool component_equal(const struct components *a, size_t i, const struct components *b,
                            size_t j, bool wildcards)
{
	if (wildcards && b->len[j] == 1 && b->at[j][0] == '*')
		return true;
	return a->len[i] == b->len[j] && memcmp(a->at[i], b->at[j], a->len[i]) == 0;
}

static enum lint_path_relation relate(const char *a, const char *b, bool wildcards)
{
	struct components ca, cb;
	if (!split(a, &ca) || !split(b, &cb))
		return LINT_PATH_UNRELATED;
	size_t common = ca.n < cb.n ? ca.n : cb.n;
	for (size_t k = 0; k < common; k++)
		if (!component_equal(&ca, k, &cb, k, wildcards))
			return LINT_PATH_UNRELATED;
	if (ca.n == cb.n)
		return LINT_PATH_SAME;
	return ca.n < cb.n ? LINT_PATH_COVERS : LINT_PATH_INSIDE;
}

enum lint_path_relation lint_path_relation(const char *a, const char *pattern)
{
	return relate(a, pattern, true);
}

bool lint_fs_covers(const char *later, const char *earlier)
{
	enum lint_path_relation r = relate(later, earlier, false);
	return r == LINT_PATH_SAME || r == LINT_PATH_COVERS;
}

/* A path whose first component comes from a param can be anywhere: the
 * runtime only checks that the value is absolute and free of "..". */
static bool param_rooted(const char *path)
{
	while (*path == '/')
		path++;
	return strncmp(path, "${", 2) == 0;
}

/* ---- sensitive places ------------------------------------------------------- */

struct place {
	const char *path; /* absolute, or "~/..." for the same place in every home */
	bool subtree;     /* everything under it counts too */
	const char *what;
};

static const char *const homes[] = {"/home/*", "/root"};

static const struct place system_places[] = {
    {"/etc", true, "the host's configuration"},
    {"/usr", true, "the programs the host runs"},
    {"/bin", true, "the programs the host runs"},
    {"/sbin", true, "the programs the host runs"},
    {"/lib", true, "the libraries the host runs"},
    {"/lib32", true, "the libraries the host runs"},
    {"/lib64", true, "the libraries the host runs"},
    {"/libx32", true, "the libraries the host runs"},
    {"/boot", true, "the kernel and the boot loader"},
    {"/var/lib", true, "system state (package databases, container storage)"},
    {"/proc", true, "the host's /proc"},
    {"/sys", true, "the host's /sys"},
    {"/dev", true, "the host's devices"},
    {"/root", false, "a home directory"},
    {"/home/*", false, "a home directory"},
};

/* What a home runs on its owner's behalf outside any sandbox. */
static const struct place startup_files[] = {
    {"~/.bashrc", true, "a shell start-up file"},
    {"~/.bash_profile", true, "a shell start-up file"},
    {"~/.bash_login", true, "a shell start-up file"},
    {"~/.profile", true, "a shell start-up file"},
    {"~/.zshrc", true, "a shell start-up file"},
    {"~/.zshenv", true, "a shell start-up file"},
    {"~/.zprofile", true, "a shell start-up file"},
    {"~/.config/autostart", true, "the desktop's autostart entries"},
    {"~/.config/systemd", true, "the user's systemd units"},
    {"~/.local/bin", true, "programs on the user's PATH"},
};

static const struct place secrets[] = {
    {"~/.ssh", true, "SSH keys"},
    {"~/.gnupg", true, "GnuPG keys"},
    {"~/.aws", true, "AWS credentials"},
    {"~/.azure", true, "Azure credentials"},
    {"~/.config/gcloud", true, "Google Cloud credentials"},
    {"~/.kube", true, "Kubernetes credentials"},
    {"~/.docker", true, "Docker registry credentials"},
    {"~/.config/gh", true, "GitHub CLI tokens"},
    {"~/.netrc", true, "stored passwords (.netrc)"},
    {"~/.git-credentials", true, "Git credentials"},
    {"~/.npmrc", true, "npm tokens"},
    {"~/.pypirc", true, "PyPI tokens"},
    {"~/.password-store", true, "a password store"},
    {"~/.local/share/keyrings", true, "the desktop keyring"},
    {"~/.vault-token", true, "a Vault token"},
};

static const struct place sockets[] = {
    {"/var/run/docker.sock", true, "the Docker daemon's socket (root on the host)"},
    {"/run/docker.sock", true, "the Docker daemon's socket (root on the host)"},
    {"/run/containerd/containerd.sock", true, "containerd's socket (root on the host)"},
    {"/run/podman/podman.sock", true, "Podman's socket (root on the host)"},
    {"/run/dbus/system_bus_socket", true, "the system D-Bus"},
    {"/var/run/dbus/system_bus_socket", true, "the system D-Bus"},
    {"/run/systemd/private", true, "systemd's private socket"},
    {"/run/user/*", true, "a user's runtime directory (session D-Bus, Wayland, agents' sockets)"},
    {"/tmp/.X11-unix", true, "the X server's sockets (keystrokes, input injection)"},
};

static const struct place home_dirs[] = {
    {"/root", true, "a home directory"},
    {"/home/*", true, "a home directory"},
};

/* bwrap binds without MS_NODEV only for --dev-bind, and these are the
 * devices `dev` provides anyway. */
static const char *const harmless_devices[] = {"/dev/null", "/dev/zero", "/dev/full", "/dev/random",
                                               "/dev/urandom"};

struct place_table {
	const struct place *places;
	size_t n;
};

#define TABLE(t)                                                                                   \
	{                                                                                          \
		t, ARRAY_SIZE(t)                                                                   \
	}

static const struct place_table rw_sensitive[] = {TABLE(system_places), TABLE(startup_files),
                                                  TABLE(secrets), TABLE(sockets)};
static const struct place_table secret_tables[] = {TABLE(secrets)};
static const struct place_table socket_tables[] = {TABLE(sockets)};
static const struct place_table home_tables[] = {TABLE(home_dirs)};

/* Which matches count: every one (NULL), or only those that no later mount
 * of the policy hides from the sandbox (see exposed()). */
struct exposure {
	const struct ir_fs *fs;
	size_t i; /* the bind being judged */
};

static bool exposed(const struct exposure *ex, const struct lint_place_hit *hit);

static bool match_place(const char *path, const struct place *pl, struct lint_place_hit *hit,
                        const struct exposure *ex)
{
	bool in_homes = strncmp(pl->path, "~/", 2) == 0;
	size_t n = in_homes ? ARRAY_SIZE(homes) : 1;
	for (size_t i = 0; i < n; i++) {
		if (in_homes)
			snprintf(hit->place, sizeof(hit->place), "%s%s", homes[i], pl->path + 1);
		else
			snprintf(hit->place, sizeof(hit->place), "%s", pl->path);
		hit->what = pl->what;
		hit->relation = relate(path, hit->place, true);
		bool match = hit->relation == LINT_PATH_SAME || hit->relation == LINT_PATH_COVERS ||
		             (hit->relation == LINT_PATH_INSIDE && pl->subtree);
		if (match && (!ex || exposed(ex, hit)))
			return true;
	}
	return false;
}

static bool find_place(const char *path, enum lint_place_list list, struct lint_place_hit *hit,
                       const struct exposure *ex)
{
	const struct place_table *tables = rw_sensitive;
	size_t n_tables = ARRAY_SIZE(rw_sensitive);
	switch (list) {
	case LINT_PLACES_RW_SENSITIVE:
		for (size_t i = 0; i < ARRAY_SIZE(harmless_devices); i++)
			if (relate(path, harmless_devices[i], false) == LINT_PATH_SAME)
				return false;
		break;
	case LINT_PLACES_SECRETS:
		tables = secret_tables, n_tables = ARRAY_SIZE(secret_tables);
		break;
	case LINT_PLACES_SOCKETS:
		tables = socket_tables, n_tables = ARRAY_SIZE(socket_tables);
		break;
	case LINT_PLACES_HOMES:
		tables = home_tables, n_tables = ARRAY_SIZE(home_tables);
		break;
	}
	for (size_t t = 0; t < n_tables; t++)
		for (size_t i = 0; i < tables[t].n; i++)
			if (match_place(path, &tables[t].places[i], hit, ex))
				return true;
	return false;
}

bool lint_fs_place(const char *path, enum lint_place_list list, struct lint_place_hit *hit)
{
	return find_place(path, list, hit, NULL);
}

/* ---- what a later mount hides ------------------------------------------------- */

static bool is_mount(enum ir_fs_kind kind)
{
	return kind != IR_FS_SYMLINK && kind != IR_FS_DIR;
}

/* Whether a mount after ops[i] covers sandbox path `path`. An optional bind
 * may not happen; an optional mask skips only a path that is not there. */
static bool hidden_later(const struct ir_fs *fs, size_t i, const char *path)
{
	for (size_t j = i + 1; j < fs->n_ops; j++) {
		const struct ir_fs_op *later = &fs->ops[j];
		if (is_mount(later->kind) && (!later->optional || later->kind == IR_FS_MASK) &&
		    lint_fs_covers(later->dst, path))
			return true;
	}
	return false;
}

/* Where the sandbox sees the place through the bind: its destination, and
 * when the bind covers the place, the place's components below the source
 * up to the first wildcard (a mount there hides every match). So
 * `ro /home/alice` then `mask? /home/alice/.ssh` does not expose SSH keys,
 * and `ro /` then `tmpfs /home` exposes nothing in /home. */
static bool exposed(const struct exposure *ex, const struct lint_place_hit *hit)
{
	const struct ir_fs_op *op = &ex->fs->ops[ex->i];
	struct buf where;
	buf_init(&where);
	buf_puts(&where, op->dst);
	struct components src, place;
	if (hit->relation == LINT_PATH_COVERS && split(op->src, &src) &&
	    split(hit->place, &place)) {
		for (size_t k = src.n; k < place.n; k++) {
			if (place.len[k] == 1 && place.at[k][0] == '*')
				break;
			buf_printf(&where, "/%.*s", (int)place.len[k], place.at[k]);
		}
	}
	bool hidden = hidden_later(ex->fs, ex->i, buf_cstr(&where));
	buf_free(&where);
	return !hidden;
}

/* ---- helpers for the checks -------------------------------------------------- */

/* The holder lint_report() wants: NULL for the linted policy's own text. */
static const char *holder_of(const struct ir_policy *p, const char *policy)
{
	return policy && strcmp(policy, p->name) != 0 ? policy : NULL;
}

/* " (/etc is under it)" when the bind covers the place rather than being
 * in it: the reader otherwise wonders why / is "configuration". */
static const char *covers_note(const struct lint_place_hit *hit, char *buf, size_t size)
{
	if (hit->relation != LINT_PATH_COVERS)
		return "";
	snprintf(buf, size, " (%s is under it)", hit->place);
	return buf;
}

static const char *fs_kind_name(enum ir_fs_kind kind)
{
	switch (kind) {
	case IR_FS_BIND_RO:
		return "read-only bind";
	case IR_FS_BIND_RW:
		return "read-write bind";
	case IR_FS_DEV:
		return "dev";
	case IR_FS_PROC:
		return "proc";
	case IR_FS_TMPFS:
		return "tmpfs";
	case IR_FS_SYMLINK:
		return "link";
	case IR_FS_DIR:
		return "dir";
	case IR_FS_FILE:
		return "file";
	case IR_FS_MASK:
		return "mask";
	}
	return "operation";
}

/* The statement keyword, for fixes ("write `ro?`"). */
static const char *fs_keyword(enum ir_fs_kind kind)
{
	return kind == IR_FS_BIND_RO ? "ro" : kind == IR_FS_BIND_RW ? "rw" : "mask";
}

/* ---- CL020, CL021, CL030: what a bind exposes -------------------------------- */

static void check_places(struct lint_ctx *ctx, enum ir_fs_kind kind, enum lint_place_list list,
                         const char *id)
{
	const struct ir_policy *p = lint_policy(ctx);
	for (size_t i = 0; i < p->fs.n_ops; i++) {
		const struct ir_fs_op *op = &p->fs.ops[i];
		struct lint_place_hit hit;
		struct exposure ex = {&p->fs, i};
		if (op->kind != kind || param_rooted(op->src) ||
		    !find_place(op->src, list, &hit, &ex))
			continue;
		char note[96];
		const char *under = covers_note(&hit, note, sizeof(note));
		const char *holder = holder_of(p, op->policy);
		if (list == LINT_PLACES_RW_SENSITIVE)
			lint_report(ctx, id, op->loc, holder,
			            under[0]
			                ? "bind only the directories the task needs, not their "
			                  "parent"
			                : NULL,
			            "read-write bind of %s gives the sandbox write access to %s%s",
			            op->src, hit.what, under);
		else if (list == LINT_PLACES_SECRETS)
			lint_report(ctx, id, op->loc, holder,
			            under[0]
			                ? "bind narrower paths, or hide the secrets with `mask?` "
			                  "after the bind"
			                : NULL,
			            "read-only bind of %s lets the sandbox read %s%s", op->src,
			            hit.what, under);
		else
			lint_report(ctx, id, op->loc, holder, NULL,
			            "bind of %s exposes %s%s: a read-only bind does not stop "
			            "connect() on a socket",
			            op->src, hit.what, under);
	}
}

static void check_sensitive_rw_bind(struct lint_ctx *ctx)
{
	check_places(ctx, IR_FS_BIND_RW, LINT_PLACES_RW_SENSITIVE, "CL020");
}

static void check_secret_ro_bind(struct lint_ctx *ctx)
{
	check_places(ctx, IR_FS_BIND_RO, LINT_PLACES_SECRETS, "CL021");
}

static void check_socket_ro_bind(struct lint_ctx *ctx)
{
	check_places(ctx, IR_FS_BIND_RO, LINT_PLACES_SOCKETS, "CL030");
}

/* ---- CL022, CL023: mounts hidden by later ones -------------------------------- */

static bool is_read_only(enum ir_fs_kind kind)
{
	return kind == IR_FS_BIND_RO || kind == IR_FS_FILE || kind == IR_FS_MASK;
}

static bool undoes(const struct ir_fs_op *later, const struct ir_fs_op *earlier)
{
	return later->kind == IR_FS_BIND_RW && is_read_only(earlier->kind);
}

/* Whether `later` hides `earlier` entirely. A mount at a link's own path
 * lands on the link's target, so only an ancestor hides a link; `dir` only
 * makes a directory where there is none, so it hides nothing. */
static bool hides(const struct ir_fs_op *later, const struct ir_fs_op *earlier)
{
	if (!is_mount(later->kind))
		return false;
	enum lint_path_relation r = relate(later->dst, earlier->dst, false);
	if (earlier->kind == IR_FS_SYMLINK)
		return r == LINT_PATH_COVERS;
	return r == LINT_PATH_SAME || r == LINT_PATH_COVERS;
}

/* The operation that decides the fate of ops[i]: the first later one that
 * hides it for sure (an optional bind may not happen), or a read-write bind
 * that would undo it being read-only. NULL when nothing does. */
static const struct ir_fs_op *decider(const struct ir_fs *fs, size_t i)
{
	const struct ir_fs_op *earlier = &fs->ops[i];
	if (earlier->kind == IR_FS_DIR)
		return NULL;
	for (size_t j = i + 1; j < fs->n_ops; j++) {
		const struct ir_fs_op *later = &fs->ops[j];
		if (hides(later, earlier) && (!later->optional || undoes(later, earlier)))
			return later;
	}
	return NULL;
}

static bool same_policy(const struct ir_fs_op *a, const struct ir_fs_op *b)
{
	return a->policy && b->policy && strcmp(a->policy, b->policy) == 0;
}

/* Only within one policy: a derived policy mounting over what it inherits
 * is how the language overrides a base (docs/language.md). */
static void check_shadowed_mount(struct lint_ctx *ctx)
{
	const struct ir_policy *p = lint_policy(ctx);
	for (size_t i = 0; i < p->fs.n_ops; i++) {
		const struct ir_fs_op *op = &p->fs.ops[i];
		const struct ir_fs_op *later = decider(&p->fs, i);
		if (!later || undoes(later, op) || !same_policy(op, later))
			continue;
		lint_report(
		    ctx, "CL022", op->loc, holder_of(p, op->policy), NULL,
		    "the %s at %s has no effect: the %s at %s on line %d is mounted over it",
		    fs_kind_name(op->kind), op->dst, fs_kind_name(later->kind), later->dst,
		    later->loc.line);
	}
}

static void check_readonly_undone(struct lint_ctx *ctx)
{
	const struct ir_policy *p = lint_policy(ctx);
	for (size_t i = 0; i < p->fs.n_ops; i++) {
		const struct ir_fs_op *op = &p->fs.ops[i];
		const struct ir_fs_op *later = decider(&p->fs, i);
		if (!later || !undoes(later, op))
			continue;
		bool same_file = op->loc.file == later->loc.file || !op->loc.file;
		lint_report(ctx, "CL023", later->loc, holder_of(p, later->policy), NULL,
		            "read-write bind at %s undoes the %s at %s (%s%s%d): the sandbox can "
		            "write there",
		            later->dst, fs_kind_name(op->kind), op->dst,
		            same_file ? "" : op->loc.file, same_file ? "line " : ":", op->loc.line);
	}
}

/* ---- CL024: bind sources missing on this host --------------------------------- */

static void check_missing_bind_source(struct lint_ctx *ctx)
{
	const struct ir_policy *p = lint_policy(ctx);
	for (size_t i = 0; i < p->fs.n_ops; i++) {
		const struct ir_fs_op *op = &p->fs.ops[i];
		bool bind = op->kind == IR_FS_BIND_RO || op->kind == IR_FS_BIND_RW;
		if ((!bind && op->kind != IR_FS_MASK) || op->optional)
			continue;
		const char *host = bind ? op->src : op->dst;
		if (!host || strstr(host, "${") || lint_host_path_exists(ctx, host))
			continue;
		char fix[128];
		snprintf(fix, sizeof(fix),
		         "write `%s?` instead of `%s` if it may be missing on some hosts",
		         fs_keyword(op->kind), fs_keyword(op->kind));
		lint_report(ctx, "CL024", op->loc, holder_of(p, op->policy), fix,
		            "%s %s does not exist on this host, so %s",
		            bind ? "bind source" : "masked path", host,
		            bind ? "bwrap would refuse to start"
		                 : "the policy does not compile here");
	}
}

/* ---- CL025: untrusted code without limits -------------------------------------- */

static void check_untrusted_limits(struct lint_ctx *ctx)
{
	static const struct {
		enum ir_limit_kind kind;
		const char *example;
	} wanted[] = {
	    {IR_LIMIT_PIDS, "pids 64"},
	    {IR_LIMIT_MEMORY, "memory 512M"},
	    {IR_LIMIT_TIME, "time 10m"},
	};
	const struct ir_policy *p = lint_policy(ctx);
	if (!p->untrusted)
		return;
	for (size_t i = 0; i < ARRAY_SIZE(wanted); i++) {
		const struct ir_limit *l = ir_limits_get(&p->limits, wanted[i].kind);
		const char *name = ir_limit_name(wanted[i].kind);
		char fix[96];
		snprintf(fix, sizeof(fix), "add `limits { %s }` (with a value that fits the task)",
		         wanted[i].example);
		if (!l->set)
			lint_report(ctx, "CL025", p->loc, NULL, fix,
			            "policy '%s' runs untrusted code but sets no %s limit", p->name,
			            name);
		else if (l->infinite)
			lint_report(ctx, "CL025", l->loc, NULL, fix,
			            "policy '%s' runs untrusted code but its %s limit is infinity",
			            p->name, name);
	}
}

/* ---- CL026: params used as paths without a constraint --------------------------- */

/* `param NAME in DIR`: cellrun resolves the value and keeps it below DIR. */
static bool param_is_constrained(const struct ir_policy *p, const char *name, size_t len)
{
	for (size_t i = 0; i < p->n_params; i++)
		if (strlen(p->params[i].name) == len && memcmp(p->params[i].name, name, len) == 0)
			return p->params[i].within != NULL;
	return false;
}

static void check_unconstrained_param(struct lint_ctx *ctx)
{
	const struct ir_policy *p = lint_policy(ctx);
	for (size_t i = 0; i < p->fs.n_ops; i++) {
		const struct ir_fs_op *op = &p->fs.ops[i];
		if (op->kind != IR_FS_BIND_RW || !param_rooted(op->src))
			continue;
		const char *start = strstr(op->src, "${") + 2;
		const char *end = strchr(start, '}');
		int len = end ? (int)(end - start) : (int)strlen(start);
		if (param_is_constrained(p, start, (size_t)len))
			continue;
		char fix[200];
		snprintf(fix, sizeof(fix),
		         "constrain it (`param %.*s in /srv/jobs`), fill it at compile time "
		         "(`cell compile -D %.*s=/srv/job`), or suppress CL026 with a reason",
		         len > 64 ? 64 : len, start, len > 64 ? 64 : len, start);
		lint_report(ctx, "CL026", op->loc, holder_of(p, op->policy), fix,
		            "read-write bind source %s comes from param %.*s, which may be any "
		            "absolute path at run time, / and home directories included",
		            op->src, len, start);
	}
}

/* ---- CL027: the host's network and a writable home ------------------------------ */

static void check_host_net_home(struct lint_ctx *ctx)
{
	const struct ir_policy *p = lint_policy(ctx);
	if (p->net != IR_NET_HOST)
		return;
	for (size_t i = 0; i < p->fs.n_ops; i++) {
		const struct ir_fs_op *op = &p->fs.ops[i];
		struct lint_place_hit hit;
		struct exposure ex = {&p->fs, i};
		if (op->kind != IR_FS_BIND_RW || param_rooted(op->src) ||
		    !find_place(op->src, LINT_PLACES_HOMES, &hit, &ex))
			continue;
		const char *verb = hit.relation == LINT_PATH_SAME     ? "is"
		                   : hit.relation == LINT_PATH_INSIDE ? "lies in"
		                                                      : "covers";
		char note[96] = "";
		if (hit.relation == LINT_PATH_COVERS)
			snprintf(note, sizeof(note), " (%s)", hit.place);
		lint_report(ctx, "CL027", op->loc, holder_of(p, op->policy), NULL,
		            "read-write bind of %s %s %s%s, and the sandbox shares the host's "
		            "network (`net host` on line %d)",
		            op->src, verb, hit.what, note, p->net_loc.line);
	}
}

/* ---- CL028: control characters in text shown to people --------------------------- */

static const char *c0_name(unsigned char c)
{
	switch (c) {
	case 0x07:
		return " (bell)";
	case 0x08:
		return " (backspace)";
	case 0x09:
		return " (tab)";
	case 0x0a:
		return " (newline)";
	case 0x0d:
		return " (carriage return)";
	case 0x1b:
		return " (escape)";
	case 0x7f:
		return " (delete)";
	}
	return "";
}

/* The first character a terminal or an editor would not show as itself: C0
 * and C1 controls, bidirectional controls (Trojan Source, CVE-2021-42574)
 * and zero-width characters. Describes it into buf. */
static bool find_control(const char *text, char *buf, size_t size)
{
	for (const unsigned char *c = (const unsigned char *)text; *c; c++) {
		unsigned cp = 0;
		if (*c < 0x20 || *c == 0x7f) {
			snprintf(buf, size, "the control character \\x%02x%s", *c, c0_name(*c));
			return true;
		}
		if (c[0] == 0xc2 && c[1] >= 0x80 && c[1] <= 0x9f)
			cp = c[1];
		else if (c[0] == 0xd8 && c[1] == 0x9c)
			cp = 0x061c;
		else if (c[0] == 0xe2 && c[1] == 0x80 &&
		         ((c[2] >= 0x8b && c[2] <= 0x8f) || (c[2] >= 0xaa && c[2] <= 0xae)))
			cp = 0x2000 | (c[2] & 0x3f);
		else if (c[0] == 0xe2 && c[1] == 0x81 && c[2] >= 0xa6 && c[2] <= 0xa9)
			cp = 0x2040 | (c[2] & 0x3f);
		if (cp) {
			snprintf(buf, size, "the invisible character U+%04X (%s)", cp,
			         cp < 0x100 ? "a C1 control"
			                    : "a bidirectional or zero-width control");
			return true;
		}
	}
	return false;
}

static void check_text(struct lint_ctx *ctx, const char *text, const char *what, struct src_loc loc,
                       const char *holder)
{
	char found[96];
	if (text && find_control(text, found, sizeof(found)))
		lint_report(ctx, "CL028", loc, holder, NULL,
		            "%s contains %s, which a terminal would act on rather than show", what,
		            found);
}

static bool same_loc(struct src_loc a, struct src_loc b)
{
	return a.file == b.file && a.line == b.line && a.col == b.col;
}

/* One statement becomes one IR rule per syscall (groups expanded, target
 * lists split), each with the statement's reason: one finding per line. */
static bool reported_before(const struct ir_syscalls *s, size_t i)
{
	const struct ir_rule *r = &s->rules[i];
	if (!r->reason)
		return false;
	for (size_t j = 0; j < i; j++) {
		const struct ir_rule *q = &s->rules[j];
		if (q->reason && strcmp(q->reason, r->reason) == 0 && q->loc.file == r->loc.file &&
		    q->loc.line == r->loc.line)
			return true;
	}
	return false;
}

static void check_control_chars(struct lint_ctx *ctx)
{
	const struct ir_policy *p = lint_policy(ctx);
	check_text(ctx, p->name, "the policy name", p->loc, NULL);
	for (size_t i = 1; i < p->n_lineage; i++)
		check_text(ctx, p->lineage[i], "the name of a base policy", p->loc, NULL);
	check_text(ctx, p->description, "the description", p->description_loc, NULL);
	check_text(ctx, p->process.hostname, "the hostname", p->process.hostname_loc, NULL);
	for (size_t i = 0; i < p->n_params; i++)
		check_text(ctx, p->params[i].name, "a param name", p->params[i].loc, NULL);
	for (size_t i = 0; i < p->syscalls.n_rules; i++) {
		const struct ir_rule *r = &p->syscalls.rules[i];
		if (!reported_before(&p->syscalls, i))
			check_text(ctx, r->reason, "the rule's reason", r->loc,
			           holder_of(p, r->policy));
	}
	for (size_t i = 0; i < p->n_suppressions; i++) {
		const struct ir_suppression *s = &p->suppressions[i];
		check_text(ctx, s->reason, "the suppression's reason", s->loc,
		           holder_of(p, s->policy));
	}
}

/* ---- CL029: options newer than `requires bwrap` --------------------------------- */

/* The fs operation written at `loc`, for the holder of a requirement. */
static const char *holder_at(const struct ir_policy *p, struct src_loc loc)
{
	for (size_t i = 0; i < p->fs.n_ops; i++)
		if (same_loc(p->fs.ops[i].loc, loc))
			return holder_of(p, p->fs.ops[i].policy);
	return NULL;
}

static void report_requirements(struct lint_ctx *ctx, const struct bwrap_needs *needs,
                                struct bwrap_version promised)
{
	const struct ir_policy *p = lint_policy(ctx);
	char need_text[32];
	struct bwrap_needs baseline;
	bwrap_needs_init(&baseline);
	if (bwrap_version_compare(baseline.min_version, promised) > 0)
		lint_report(
		    ctx, "CL029", p->bwrap_required_loc, NULL, NULL,
		    "every bundle needs bwrap %s (for --cap-drop), newer than the %s this "
		    "policy requires",
		    bwrap_version_format(baseline.min_version, need_text, sizeof(need_text)),
		    p->bwrap_required);
	for (size_t i = 0; i < needs->n_requirements; i++) {
		const struct bwrap_requirement *r = &needs->requirements[i];
		if (bwrap_version_compare(r->version, promised) <= 0)
			continue;
		bool located = r->loc.line > 0;
		lint_report(ctx, "CL029", located ? r->loc : p->bwrap_required_loc,
		            located ? holder_at(p, r->loc) : NULL, NULL,
		            "%s needs bwrap %s, newer than the %s the policy requires "
		            "(`requires bwrap` on line %d)",
		            r->option,
		            bwrap_version_format(r->version, need_text, sizeof(need_text)),
		            p->bwrap_required, p->bwrap_required_loc.line);
	}
}

/* The bwrap backend decides which options a policy needs, so ask it rather
 * than keep a second list: its messages go to a scratch sink (the compile
 * reports them), only its requirements matter here. */
static void check_bwrap_version(struct lint_ctx *ctx)
{
	const struct ir_policy *p = lint_policy(ctx);
	if (!p->bwrap_required)
		return;
	const unsigned *v = p->bwrap_required_version;
	struct bwrap_version promised = {v[0], v[1], v[2]};
	char *sink_text = NULL;
	size_t sink_len = 0;
	FILE *sink = open_memstream(&sink_text, &sink_len);
	if (!sink)
		return;
	struct diag_ctx *scratch = diag_new(sink);
	struct buf args;
	buf_init(&args);
	struct bwrap_needs needs;
	bwrap_needs_init(&needs);
	emit_bwrap_args(p, scratch, &args, &needs);
	report_requirements(ctx, &needs, promised);
	bwrap_needs_free(&needs);
	buf_free(&args);
	diag_free(scratch);
	fclose(sink);
	free(sink_text);
}

/* ---- the catalogue ------------------------------------------------------------- */

const struct lint_check lint_fs_checks[] = {
    {
        .id = "CL020",
        .name = "sensitive-rw-bind",
        .severity = LINT_ERROR,
        .summary = "A read-write bind exposes a sensitive host path",
        .why = "A read-write bind lets the sandbox change the host, and some places turn "
               "that into running code outside the sandbox: /etc (cron, sudoers, ld.so "
               "preload), the host's programs and libraries, /boot, a home directory and "
               "the shell start-up files, autostart entries and ~/.local/bin in it, the "
               "host's /proc, /sys and device nodes, and daemons' control sockets (the "
               "Docker socket is root on the host). Credentials such as ~/.ssh and ~/.aws "
               "can be stolen and replaced. A bind of a parent (/, /home, /var) exposes "
               "everything under it.",
        .example = "fs { rw /home/alice }",
        .fix = "bind only the directory the task needs (`rw /home/alice/project`), "
               "read-only where it only reads",
        .run = check_sensitive_rw_bind,
    },
    {
        .id = "CL021",
        .name = "secret-ro-bind",
        .severity = LINT_WARNING,
        .summary = "A read-only bind exposes credentials",
        .why = "The sandbox runs as the invoking user, so a read-only bind of ~/.ssh, "
               "~/.gnupg, ~/.aws, ~/.kube, ~/.docker, ~/.config/gcloud, ~/.netrc and the "
               "like lets the sandboxed code read that user's keys and tokens, and with "
               "any network (or a later run with one) send them away. Binding a home, "
               "/home or / read-only exposes them too.",
        .example = "fs { ro /home/alice }",
        .fix = "bind only what the task reads, or hide the credentials with `mask? "
               "/home/alice/.ssh` after the bind",
        .run = check_secret_ro_bind,
    },
    {
        .id = "CL022",
        .name = "shadowed-mount",
        .severity = LINT_WARNING,
        .summary = "A mount is hidden by a later mount of the same policy",
        .why = "bwrap applies mounts in order, so a later mount at the same destination "
               "or at an ancestor hides an earlier one completely: it has no effect, and "
               "the policy does not do what it reads as. Only mounts written in the same "
               "policy are compared: a derived policy mounting over what it inherits is "
               "how the language overrides a base. An optional (`?`) later bind is not "
               "counted, since it may not happen.",
        .example = "fs {\n  ro /usr/share/zoneinfo\n  tmpfs /usr/share\n}",
        .fix = "remove the earlier mount, or move it after the one that hides it",
        .run = check_shadowed_mount,
    },
    {
        .id = "CL023",
        .name = "readonly-undone",
        .severity = LINT_WARNING,
        .summary = "A read-only mount is undone by a later read-write bind",
        .why = "A read-only bind, a `file` or a `mask` promises that the sandbox cannot "
               "change (or cannot see) that path. A read-write bind of the same path or "
               "of a parent, later in mount order (in the same policy or in a policy "
               "derived from it), silently replaces it with a writable host directory.",
        .example = "fs {\n  mask /home/alice/.ssh\n  rw /home/alice\n}",
        .fix = "put the read-only mount after the read-write bind, or bind a narrower "
               "path read-write",
        .run = check_readonly_undone,
    },
    {
        .id = "CL024",
        .name = "missing-bind-source",
        .severity = LINT_WARNING,
        .summary = "A bind source is missing on this host and not marked optional",
        .why = "bwrap refuses to start when the source of a bind (or the target of a "
               "mask) does not exist. This rule reads the host running the lint: a path "
               "that exists only on some hosts should be written `ro?`, `rw?` or `mask?`, "
               "which bwrap skips when it is missing. Sources that start with a param are "
               "only known at run time and are not checked.",
        .example = "fs { ro /opt/toolchain }",
        .fix = "write `ro? /opt/toolchain` if the path may be missing on some hosts",
        .run = check_missing_bind_source,
    },
    {
        .id = "CL025",
        .name = "untrusted-without-limit",
        .severity = LINT_ERROR,
        .summary = "An untrusted policy has no pids, memory or time limit",
        .why = "A policy marked `untrusted` runs code nobody vouches for. Without a pids "
               "limit a fork bomb takes the machine down, without a memory limit the OOM "
               "killer picks host processes, and without a time limit a stuck or "
               "malicious task runs forever. `infinity` counts as no limit.",
        .example = "policy agent {\n  untrusted\n  limits { memory 1G }\n}",
        .fix = "add `limits { pids 256  memory 1G  time 10m }` with values that fit the task",
        .run = check_untrusted_limits,
    },
    {
        .id = "CL026",
        .name = "unconstrained-path-param",
        .severity = LINT_WARNING,
        .summary = "A run-time param is used as a read-write bind source",
        .why = "cellrun accepts any absolute path without `..` for a path param, `/` and "
               "home directories included, so `rw ${WORKDIR}` is exactly as dangerous as "
               "the most dangerous value a caller can pass, unless the param is "
               "constrained with `param NAME in DIR` (cellrun then resolves the value's "
               "links and refuses anything outside DIR).",
        .example = "policy job {\n  param WORKDIR\n  fs { rw ${WORKDIR} at /work }\n}",
        .fix = "constrain the param (`param WORKDIR in /srv/jobs`), fill it at compile time "
               "(`cell compile -D WORKDIR=/srv/job`), or suppress CL026 with a reason",
        .run = check_unconstrained_param,
    },
    {
        .id = "CL027",
        .name = "host-net-with-home-write",
        .severity = LINT_WARNING,
        .summary = "The sandbox shares the host's network and can write in a home directory",
        .why = "With the host's network the sandbox can send out whatever it can read "
               "and fetch whatever it wants to write. A writable home directory (or "
               "anything in one) adds the user's credentials to steal and start-up files "
               "to plant code in.",
        .example = "policy fetch {\n  net host\n  fs { rw /home/alice/project }\n}",
        .fix = "use `net none` or `net loopback`, or bind a directory outside the home",
        .run = check_host_net_home,
    },
    {
        .id = "CL028",
        .name = "control-char-in-text",
        .severity = LINT_ERROR,
        .summary = "Text shown to people contains control or invisible characters",
        .why = "Policy names, descriptions, hostnames, param names and the reasons of "
               "rules and suppressions are printed by `cell explain`, lint and review "
               "tools. Escape sequences in them can rewrite what a terminal shows, "
               "hiding or faking lines (CVE-2023-28101 hid permissions from "
               "`flatpak`); bidirectional controls make text read differently from what "
               "it is (Trojan Source, CVE-2021-42574).",
        .example = "description \"build job\\x1b[8m hidden\"",
        .fix = "write plain printable text",
        .run = check_control_chars,
    },
    {
        .id = "CL029",
        .name = "bwrap-too-new-option",
        .severity = LINT_WARNING,
        .summary = "An option needs a newer bwrap than the policy's `requires bwrap`",
        .why = "`requires bwrap \"X.Y.Z\"` promises that the policy runs with that "
               "bubblewrap, but bwrap refuses options it does not know: tmpfs sizes "
               "(--size) need 0.7.0, modes (--perms) and an environment `clear` "
               "(--clearenv) need 0.5.0, and every bundle needs --cap-drop (0.2.0). The "
               "versions come from the bwrap backend itself.",
        .example = "requires bwrap \"0.4.0\"\nfs { tmpfs /tmp size 64M }",
        .fix = "raise `requires bwrap` to the version named, or drop the option",
        .run = check_bwrap_version,
    },
    {
        .id = "CL030",
        .name = "socket-ro-bind",
        .severity = LINT_ERROR,
        .summary = "A bind exposes a daemon's control socket, even read-only",
        .why = "A read-only mount does not stop connect() on a Unix socket: the kernel "
               "checks the mount's read-only flag when a file is written, not when a "
               "socket is connected to. Binding the Docker, "
               "containerd or Podman socket hands the sandbox root on the host; the "
               "D-Bus buses, the X server and a user's runtime directory (/run/user/UID) "
               "reach services that run unsandboxed. A read-only bind of a parent (/, "
               "/run, /tmp) exposes them too. (A read-write bind of them is CL020.)",
        .example = "fs { ro /run }",
        .fix = "bind only the paths the task needs, never a socket directory",
        .run = check_socket_ro_bind,
    },
};

const size_t lint_n_fs_checks = ARRAY_SIZE(lint_fs_checks);

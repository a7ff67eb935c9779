/* tier.c - the landlock piece, and the plan it makes on this host. */
#include "tier.h"
#include "fill.h"
#include "rt_util.h"

#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define MAX_FIELDS 5

static void *grow(void *array, size_t n, size_t elem)
{
	return rt_must_alloc(realloc(array, (n + 1) * elem));
}

/* ---- the piece ------------------------------------------------------------ */

static int hex_digit(char c)
{
	return c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
}

/* Percent-decoding; "%00" alone is the empty string, and nowhere else. */
static char *decode(const char *s)
{
	if (strcmp(s, "%00") == 0)
		return rt_must_alloc(strdup(""));
	char *out = rt_must_alloc(malloc(strlen(s) + 1)), *o = out;
	for (; *s; s++) {
		if (*s != '%') {
			*o++ = *s;
			continue;
		}
		int hi = hex_digit(s[1]), lo = hi < 0 ? -1 : hex_digit(s[2]);
		if (lo < 0 || (hi == 0 && lo == 0)) {
			free(out);
			return NULL;
		}
		*o++ = (char)(hi * 16 + lo);
		s += 2;
	}
	*o = '\0';
	return out;
}

static int split(char *line, char **f)
{
	int n = 0;
	for (char *p = line;;) {
		if (n == MAX_FIELDS || *p == ' ' || *p == '\0')
			return -1;
		f[n++] = p;
		char *space = strchr(p, ' ');
		if (!space)
			return n;
		*space = '\0';
		p = space + 1;
	}
}

struct parser {
	struct rt_ll_piece *p;
	int line;
	int order; /* of the last key: net 1, new-session 2, fs 3, gap 4, env 5, cwd 6 */
	char *err;
	size_t err_size;
};

static int bad(struct parser *ps, const char *what)
{
	return rt_fail(ps->err, ps->err_size, "landlock piece line %d: %s", ps->line, what);
}

/* Decodes f[0..n) into out[0..n); all or nothing. */
static int decode_all(struct parser *ps, char **f, int n, char **out)
{
	for (int i = 0; i < n; i++)
		if (!(out[i] = decode(f[i]))) {
			while (i-- > 0)
				free(out[i]);
			return bad(ps, "bad percent-encoding");
		}
	return 0;
}

static int parse_fs(struct parser *ps, char **f, int n)
{
	static const struct {
		const char *word;
		enum rt_ll_fs_kind kind;
		bool optional;
	} words[] = {
	    {"ro", RT_LL_FS_RO, false},     {"ro?", RT_LL_FS_RO, true},
	    {"rw", RT_LL_FS_RW, false},     {"rw?", RT_LL_FS_RW, true},
	    {"dev", RT_LL_FS_DEV, false},   {"link", RT_LL_FS_LINK, false},
	    {"mask", RT_LL_FS_MASK, false}, {"mask?", RT_LL_FS_MASK, true},
	};
	size_t w = 0;
	while (w < sizeof(words) / sizeof(words[0]) && strcmp(words[w].word, f[1]) != 0)
		w++;
	if (w == sizeof(words) / sizeof(words[0]))
		return bad(ps, "unknown fs operation");
	bool link = words[w].kind == RT_LL_FS_LINK;
	if (n != (link ? 5 : 4))
		return bad(ps, link ? "expected `fs link LOC PATH TARGET`"
		                    : "expected `fs OP LOC PATH`");
	char *v[3] = {NULL, NULL, NULL};
	if (decode_all(ps, f + 2, n - 2, v) < 0)
		return -1;
	struct rt_ll_piece *p = ps->p;
	p->fs = grow(p->fs, p->n_fs, sizeof(*p->fs));
	p->fs[p->n_fs++] = (struct rt_ll_fs){.kind = words[w].kind,
	                                     .optional = words[w].optional,
	                                     .loc = v[0],
	                                     .path = v[1],
	                                     .target = v[2]};
	if (words[w].kind == RT_LL_FS_DEV && strcmp(v[1], "/dev") != 0)
		return bad(ps, "`fs dev` is only for /dev");
	return 0;
}

static int parse_env(struct parser *ps, char **f, int n)
{
	static const char *const kinds[] = {"clear", "keep", "set", "unset"};
	static const int fields[] = {2, 3, 4, 3};
	int k = 0;
	while (k < 4 && strcmp(kinds[k], f[1]) != 0)
		k++;
	if (k == 4 || n != fields[k])
		return bad(ps,
		           "expected `env clear`, `env keep|unset NAME` or `env set NAME VALUE`");
	char *v[2] = {NULL, NULL};
	if (decode_all(ps, f + 2, n - 2, v) < 0)
		return -1;
	struct rt_ll_piece *p = ps->p;
	p->env = grow(p->env, p->n_env, sizeof(*p->env));
	p->env[p->n_env++] = (struct rt_ll_env){(enum rt_ll_env_kind)k, v[0], v[1]};
	if (v[0] && (!*v[0] || strchr(v[0], '=')))
		return bad(ps, "a variable name is empty or has a '='");
	return 0;
}

static int key_order(const char *key)
{
	static const char *const keys[] = {"net", "new-session", "fs", "gap", "env", "cwd"};
	for (int i = 0; i < 6; i++)
		if (strcmp(keys[i], key) == 0)
			return i + 1;
	return 0;
}

static int parse_net(struct parser *ps, char **f, int n)
{
	static const char *const modes[] = {"none", "loopback", "host"};
	int m = 0;
	while (n == 3 && m < 3 && strcmp(modes[m], f[1]) != 0)
		m++;
	if (n != 3 || m == 3)
		return bad(ps, "expected `net none|loopback|host LOC`");
	ps->p->net = (enum rt_ll_net)m;
	return decode_all(ps, f + 2, 1, &ps->p->net_loc);
}

static int parse_line(struct parser *ps, char *line)
{
	char *f[MAX_FIELDS];
	int n = split(line, f);
	if (n < 0)
		return bad(ps, "fields must be separated by exactly one space");
	if (ps->line == 1) {
		if (n != 2 || strcmp(f[0], "cell-landlock") != 0 || strcmp(f[1], "1") != 0)
			return bad(ps, "the first line must be `cell-landlock 1`");
		return 0;
	}
	int order = key_order(f[0]);
	bool once = order == 1 || order == 2 || order == 6;
	if (order == 0 || order < ps->order || (once && order == ps->order) ||
	    (ps->order == 0 && order != 1))
		return bad(ps, "unknown key, key out of order, or `net` missing");
	ps->order = order;
	struct rt_ll_piece *p = ps->p;
	switch (order) {
	case 1:
		return parse_net(ps, f, n);
	case 2:
		p->new_session = true;
		return n == 1 ? 0 : bad(ps, "expected `new-session`");
	case 3:
		return n >= 2 ? parse_fs(ps, f, n) : bad(ps, "expected `fs OP ...`");
	case 4:
		if (n != 3)
			return bad(ps, "expected `gap LOC WHY`");
		char *g[2] = {NULL, NULL};
		if (decode_all(ps, f + 1, 2, g) < 0)
			return -1;
		p->gaps = grow(p->gaps, p->n_gaps, sizeof(*p->gaps));
		p->gaps[p->n_gaps++] = (struct rt_ll_gap){g[0], g[1]};
		return 0;
	case 5:
		return n >= 2 ? parse_env(ps, f, n) : bad(ps, "expected `env ...`");
	default:
		if (n != 3)
			return bad(ps, "expected `cwd LOC PATH`");
		char *v[2] = {NULL, NULL};
		if (decode_all(ps, f + 1, 2, v) < 0)
			return -1;
		p->cwd_loc = v[0];
		p->cwd = v[1];
		return 0;
	}
}

int rt_ll_piece_parse(const char *text, size_t len, struct rt_ll_piece *out, char *err,
                      size_t err_size)
{
	memset(out, 0, sizeof(*out));
	struct parser ps = {.p = out, .err = err, .err_size = err_size};
	if (len == 0 || text[len - 1] != '\n')
		return rt_fail(err, err_size,
		               "the landlock piece is empty or lacks a final newline");
	char *copy = rt_must_alloc(malloc(len + 1));
	memcpy(copy, text, len);
	copy[len] = '\0';
	int result = 0;
	for (char *line = copy, *nl; result == 0 && (nl = strchr(line, '\n')); line = nl + 1) {
		*nl = '\0';
		ps.line++;
		for (char *c = line; *c && result == 0; c++)
			if ((unsigned char)*c <= ' ' && *c != ' ')
				result = bad(&ps, "control character");
			else if ((unsigned char)*c >= 0x7f)
				result = bad(&ps, "non-ASCII character");
		if (result == 0)
			result = parse_line(&ps, line);
	}
	free(copy);
	if (result == 0 && ps.order == 0)
		result = rt_fail(err, err_size, "the landlock piece has no `net` line");
	if (result < 0)
		rt_ll_piece_free(out);
	return result;
}

static int fill_one(char **s, const struct rt_bundle *b, char *err, size_t err_size)
{
	if (!*s)
		return 0;
	char *filled = rt_string_fill(b, *s, "landlock", err, err_size);
	if (!filled)
		return -1;
	free(*s);
	*s = filled;
	return 0;
}

int rt_ll_piece_fill(struct rt_ll_piece *p, const struct rt_bundle *b, char *err, size_t err_size)
{
	int rc = fill_one(&p->cwd, b, err, err_size);
	for (size_t i = 0; rc == 0 && i < p->n_fs; i++)
		if (fill_one(&p->fs[i].path, b, err, err_size) < 0 ||
		    fill_one(&p->fs[i].target, b, err, err_size) < 0)
			rc = -1;
	for (size_t i = 0; rc == 0 && i < p->n_env; i++)
		rc = fill_one(&p->env[i].value, b, err, err_size);
	return rc;
}

void rt_ll_piece_free(struct rt_ll_piece *p)
{
	for (size_t i = 0; i < p->n_fs; i++) {
		free(p->fs[i].loc);
		free(p->fs[i].path);
		free(p->fs[i].target);
	}
	for (size_t i = 0; i < p->n_gaps; i++) {
		free(p->gaps[i].loc);
		free(p->gaps[i].why);
	}
	for (size_t i = 0; i < p->n_env; i++) {
		free(p->env[i].name);
		free(p->env[i].value);
	}
	free(p->fs);
	free(p->gaps);
	free(p->env);
	free(p->net_loc);
	free(p->cwd);
	free(p->cwd_loc);
	memset(p, 0, sizeof(*p));
}

/* ---- the plan ------------------------------------------------------------- */

static void add_line(char **list, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void add_line(char **list, const char *fmt, ...)
{
	char *line;
	va_list ap;
	va_start(ap, fmt);
	if (vasprintf(&line, fmt, ap) < 0)
		rt_out_of_memory();
	va_end(ap);
	size_t old = *list ? strlen(*list) : 0;
	*list = rt_must_alloc(realloc(*list, old + strlen(line) + 2));
	sprintf(*list + old, "%s\n", line);
	free(line);
}

static void refuse(struct rt_ll_plan *plan, const char *loc, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* One refusal: "LOC: reason", or the reason alone when there is no location. */
static void refuse(struct rt_ll_plan *plan, const char *loc, const char *fmt, ...)
{
	char *msg;
	va_list ap;
	va_start(ap, fmt);
	if (vasprintf(&msg, fmt, ap) < 0)
		rt_out_of_memory();
	va_end(ap);
	if (strcmp(loc, "-") == 0)
		add_line(&plan->refusals, "%s", msg);
	else
		add_line(&plan->refusals, "%s: %s", loc, msg);
	plan->n_refusals++;
	free(msg);
}

/* `inner` is `outer` or beneath it. */
static bool beneath(const char *inner, const char *outer)
{
	size_t n = strlen(outer);
	if (strcmp(outer, "/") == 0)
		return true;
	return strncmp(inner, outer, n) == 0 && (inner[n] == '\0' || inner[n] == '/');
}

static void add_rule(struct rt_ll_plan *plan, char *what, const char *loc, char *real,
                     uint64_t rights, bool is_dir, int fd)
{
	plan->rules = grow(plan->rules, plan->n_rules, sizeof(*plan->rules));
	plan->rules[plan->n_rules++] = (struct rt_ll_rule){what, loc, real, rights, is_dir, fd};
}

/* Opens `path` (links followed, as bwrap resolves a bind's source) and
 * names what was opened: the checks then judge the very object the rule
 * will hold, whatever is renamed meanwhile. 1 when it is missing, 0 when
 * open, -1 on error. */
static int open_path(const char *path, char **real, int *fd, struct stat *st)
{
	*real = NULL;
	*fd = open(path, O_PATH | O_CLOEXEC);
	if (*fd < 0)
		return errno == ENOENT || errno == ENOTDIR ? 1 : -1;
	char link[64], name[4096];
	snprintf(link, sizeof(link), "/proc/self/fd/%d", *fd);
	ssize_t n = readlink(link, name, sizeof(name) - 1);
	if (n > 0 && name[0] == '/') {
		name[n] = '\0';
		*real = rt_must_alloc(strdup(name));
	} else {
		*real = realpath(path, NULL); /* no /proc */
	}
	if (!*real || fstat(*fd, st) < 0) {
		int e = errno;
		close(*fd);
		free(*real);
		*real = NULL;
		errno = e;
		return -1;
	}
	return 0;
}

static const char *fs_word(const struct rt_ll_fs *f)
{
	static const char *const words[][2] = {[RT_LL_FS_RO] = {"ro", "ro?"},
	                                       [RT_LL_FS_RW] = {"rw", "rw?"},
	                                       [RT_LL_FS_DEV] = {"dev", "dev"},
	                                       [RT_LL_FS_LINK] = {"link", "link"},
	                                       [RT_LL_FS_MASK] = {"mask", "mask?"}};
	return words[f->kind][f->optional];
}

static void plan_bind(struct rt_ll_plan *plan, const struct rt_ll_fs *f)
{
	char *real;
	int fd = -1;
	struct stat st;
	int rc = open_path(f->path, &real, &fd, &st);
	if (rc == 1 && (f->optional || f->kind == RT_LL_FS_MASK))
		return; /* nothing to grant, or nothing to hide */
	if (rc != 0) {
		refuse(plan, f->loc, "%s %s: %s on this host%s", fs_word(f), f->path,
		       rc == 1 ? "missing" : strerror(errno),
		       rc == 1 ? " (mark it optional to skip it)" : "");
		return;
	}
	bool device = S_ISCHR(st.st_mode) || S_ISBLK(st.st_mode);
	if (f->kind != RT_LL_FS_MASK &&
	    (device || beneath("/dev", real) || beneath(real, "/dev"))) {
		refuse(plan, f->loc,
		       "%s %s: would show the host's device nodes (%s); bwrap mounts binds "
		       "nodev, Landlock cannot: bind narrower paths, and `dev /dev` for the "
		       "usual devices",
		       fs_word(f), f->path, real);
		close(fd);
		free(real);
		return;
	}
	if (f->kind == RT_LL_FS_MASK) {
		close(fd);
		fd = -1;
	}
	char *what;
	if (asprintf(&what, "%s %s", fs_word(f), f->path) < 0)
		rt_out_of_memory();
	uint64_t rights = f->kind == RT_LL_FS_RO   ? RT_LL_RIGHTS_RO
	                  : f->kind == RT_LL_FS_RW ? RT_LL_RIGHTS_RW
	                                           : 0;
	add_rule(plan, what, f->loc, real, rights, S_ISDIR(st.st_mode), fd);
}

/* bwrap's --dev gives these; the host's own are the same devices. */
static void plan_dev(struct rt_ll_plan *plan, const struct rt_ll_fs *f)
{
	static const struct {
		const char *name;
		uint64_t rights;
	} nodes[] = {
	    {"null", RT_LL_READ_FILE | RT_LL_WRITE_FILE},
	    {"zero", RT_LL_READ_FILE | RT_LL_WRITE_FILE},
	    {"full", RT_LL_READ_FILE | RT_LL_WRITE_FILE},
	    {"random", RT_LL_READ_FILE},
	    {"urandom", RT_LL_READ_FILE},
	};
	for (size_t i = 0; i < sizeof(nodes) / sizeof(nodes[0]); i++) {
		char path[32], *real, *what;
		int fd = -1;
		struct stat st;
		snprintf(path, sizeof(path), "/dev/%s", nodes[i].name);
		if (open_path(path, &real, &fd, &st) != 0)
			continue; /* a device the host lacks is one the sandbox lacks */
		if (!S_ISCHR(st.st_mode)) {
			refuse(plan, f->loc, "dev /dev: the host's %s is not a device", path);
			close(fd);
			free(real);
			continue;
		}
		if (asprintf(&what, "dev /dev (%s)", path) < 0)
			rt_out_of_memory();
		add_rule(plan, what, f->loc, real, nodes[i].rights, false, fd);
	}
}

static void plan_link(struct rt_ll_plan *plan, const struct rt_ll_fs *f)
{
	char target[4096];
	ssize_t n = readlink(f->path, target, sizeof(target) - 1);
	if (n >= 0) {
		target[n] = '\0';
		if (strcmp(target, f->target) == 0)
			return;
		refuse(plan, f->loc,
		       "link %s -> %s: on this host it links to %s, and Landlock shows the host's "
		       "own tree",
		       f->path, f->target, target);
		return;
	}
	/* Missing: the sandbox lacks that path, which takes nothing away from
	 * the policy's limits (Landlock rules, not links, grant access). */
	struct stat st;
	if (lstat(f->path, &st) < 0 && errno == ENOENT)
		return;
	refuse(plan, f->loc,
	       "link %s -> %s: not a symbolic link on this host, and Landlock shows the host's "
	       "own tree",
	       f->path, f->target);
}

static uint64_t effective(uint64_t rights, bool is_dir, int abi)
{
	return rights & rt_landlock_fs_handled(abi) & (is_dir ? ~0ULL : RT_LL_FILE_RIGHTS);
}

/* bwrap applies mounts in order, a later one hiding what it covers; Landlock
 * grants the union of every rule over a path. They agree unless a rule
 * grants less than another that covers the same place. */
static void check_overlaps(struct rt_ll_plan *plan)
{
	for (size_t j = 0; j < plan->n_rules; j++) {
		const struct rt_ll_rule *b = &plan->rules[j];
		for (size_t i = 0; i < j; i++) {
			const struct rt_ll_rule *a = &plan->rules[i];
			uint64_t a_on_b = effective(a->rights, b->is_dir, plan->abi);
			uint64_t b_on_a = effective(b->rights, a->is_dir, plan->abi);
			if (beneath(b->real, a->real) &&
			    a_on_b & ~effective(b->rights, b->is_dir, plan->abi))
				refuse(
				    plan, b->loc,
				    "%s: lies in %s (%s), which grants more; bwrap would mount it "
				    "over, Landlock can only add rights",
				    b->what, a->what, a->loc);
			else if (beneath(a->real, b->real) && strcmp(a->real, b->real) != 0 &&
			         effective(a->rights, a->is_dir, plan->abi) & ~b_on_a)
				refuse(
				    plan, a->loc,
				    "%s: lies in %s (%s), which comes later and grants less; bwrap "
				    "would hide it, Landlock cannot",
				    a->what, b->what, b->loc);
		}
	}
}

static void plan_kernel(const struct rt_ll_piece *p, struct rt_ll_plan *plan)
{
	int abi = plan->abi;
	if (abi < 1)
		refuse(plan, "-",
		       "Landlock is not enabled in this kernel (CONFIG_SECURITY_LANDLOCK "
		       "and `landlock` in the lsm= boot parameter)");
	else if (abi < RT_LL_MIN_ABI)
		refuse(plan, "-",
		       "Landlock ABI %d cannot stop truncate(2) outside the writable paths; the "
		       "tier needs ABI %d (Linux 6.2)",
		       abi, RT_LL_MIN_ABI);
	if (p->net == RT_LL_NET_NONE && abi >= RT_LL_MIN_ABI && abi < RT_LL_ABI_SCOPE)
		refuse(plan, p->net_loc,
		       "net none: Landlock ABI %d cannot keep %s inside the sandbox (needs ABI %d, "
		       "Linux 6.12)",
		       abi,
		       abi < RT_LL_ABI_TCP ? "TCP and abstract UNIX sockets"
		                           : "abstract UNIX sockets",
		       RT_LL_ABI_SCOPE);
	plan->deny_tcp = p->net == RT_LL_NET_NONE && abi >= RT_LL_ABI_TCP;
	if (abi >= RT_LL_ABI_SCOPE)
		plan->scoped =
		    RT_LL_SCOPE_SIGNAL | (p->net == RT_LL_NET_NONE ? RT_LL_SCOPE_ABSTRACT_UNIX : 0);
	else if (abi >= RT_LL_MIN_ABI)
		add_line(&plan->warnings,
		         "Landlock ABI %d cannot scope signals (needs %d): the command can signal "
		         "processes of its uid outside the sandbox",
		         abi, RT_LL_ABI_SCOPE);
}

size_t rt_ll_plan_make(const struct rt_ll_piece *p, int abi, struct rt_ll_plan *plan)
{
	memset(plan, 0, sizeof(*plan));
	plan->abi = abi;
	plan_kernel(p, plan);
	for (size_t i = 0; i < p->n_gaps; i++)
		refuse(plan, p->gaps[i].loc, "%s", p->gaps[i].why);
	for (size_t i = 0; i < p->n_fs; i++) {
		const struct rt_ll_fs *f = &p->fs[i];
		if (f->kind == RT_LL_FS_DEV)
			plan_dev(plan, f);
		else if (f->kind == RT_LL_FS_LINK)
			plan_link(plan, f);
		else
			plan_bind(plan, f);
	}
	check_overlaps(plan);
	return plan->n_refusals;
}

size_t rt_ll_plan_preview(const struct rt_ll_piece *p, int abi, struct rt_ll_plan *plan)
{
	struct rt_ll_piece known = *p;
	known.fs = rt_must_alloc(calloc(p->n_fs + 1, sizeof(*known.fs)));
	known.n_fs = 0;
	for (size_t i = 0; i < p->n_fs; i++)
		if (!strstr(p->fs[i].path, "${") &&
		    !(p->fs[i].target && strstr(p->fs[i].target, "${")))
			known.fs[known.n_fs++] = p->fs[i];
	size_t n = rt_ll_plan_make(&known, abi, plan);
	free(known.fs);
	return n;
}

size_t rt_ll_verdict(const char *text, size_t len, int abi, char *why, size_t size)
{
	struct rt_ll_piece p;
	struct rt_ll_plan plan;
	char err[512];
	if (rt_ll_piece_parse(text, len, &p, err, sizeof(err)) < 0) {
		snprintf(why, size, "%s", err);
		return 1;
	}
	size_t n = rt_ll_plan_preview(&p, abi, &plan);
	const char *first = n ? plan.refusals : "";
	snprintf(why, size, "%.*s", (int)strcspn(first, "\n"), first);
	if (n > 1) {
		size_t used = strlen(why);
		snprintf(why + used, size - used, " (and %zu more)", n - 1);
	}
	rt_ll_plan_free(&plan);
	rt_ll_piece_free(&p);
	return n;
}

void rt_ll_plan_free(struct rt_ll_plan *plan)
{
	for (size_t i = 0; i < plan->n_rules; i++) {
		free(plan->rules[i].what);
		free(plan->rules[i].real);
		if (plan->rules[i].fd >= 0)
			close(plan->rules[i].fd);
	}
	free(plan->rules);
	free(plan->refusals);
	free(plan->warnings);
	memset(plan, 0, sizeof(*plan));
}

static const char *rights_name(uint64_t rights)
{
	if (rights == 0)
		return "nothing (masked)";
	if ((rights & RT_LL_RIGHTS_RW) == RT_LL_RIGHTS_RW)
		return "read, write, execute";
	if ((rights & RT_LL_RIGHTS_RO) == RT_LL_RIGHTS_RO)
		return "read, execute";
	return rights & RT_LL_WRITE_FILE ? "read, write" : "read";
}

void rt_ll_plan_print(FILE *to, const struct rt_ll_piece *p, const struct rt_ll_plan *plan)
{
	static const char *const nets[] = {"none", "loopback", "host"};
	fprintf(to, "# tier: landlock (Landlock ABI %d)\n", plan->abi);
	for (size_t i = 0; i < plan->n_rules; i++)
		fprintf(
		    to, "# allow %s: %s [%s]\n", plan->rules[i].real,
		    rights_name(effective(plan->rules[i].rights, plan->rules[i].is_dir, plan->abi)),
		    plan->rules[i].what);
	fprintf(to, "# net %s: TCP bind and connect %s\n", nets[p->net],
	        plan->deny_tcp ? "denied" : "not restricted");
	fprintf(to, "# scoped: signals %s, abstract UNIX sockets %s\n",
	        plan->scoped & RT_LL_SCOPE_SIGNAL ? "yes" : "no",
	        plan->scoped & RT_LL_SCOPE_ABSTRACT_UNIX ? "yes" : "no");
	if (p->cwd)
		fprintf(to, "# cwd %s\n", p->cwd);
	if (p->new_session)
		fprintf(to, "# new session\n");
}

/*
 * resolve.c - loading, inheritance and name resolution (see resolve.h).
 *
 * The file is laid out in the order the work happens: symbol tables and
 * loading, lineage, then one function per policy section, then argument
 * conditions, then the public entry points.
 */
#include "resolve.h"
#include "ast.h"
#include "names.h"
#include "quantity.h"
#include "embedded.h"
#include "emit_bwrap.h"
#include "util.h"
#include "yaml_front.h"

#include <errno.h>
#include <libgen.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* ---- symbol tables ---------------------------------------------------------- */

struct sym_const {
	const char *name;
	const struct ast_word *value;
	struct src_loc loc;
};

struct sym_group {
	const char *name;
	const struct ast_group *group;
	bool expanding; /* on the expansion stack: a cycle if met again */
};

struct sym_policy {
	const char *name;
	const struct ast_policy *policy;
	bool in_main;                /* defined in the file given on the command line */
	int visit;                   /* lineage DFS state: 0 new, 1 on stack, 2 done */
	const struct ast_file *file; /* its file, for `# lint:` comments */
	struct src_loc span;         /* from `policy` to its closing '}' */
};

struct loaded_file {
	char *real_path;
	struct ast_file *ast;
	bool done; /* false while its includes are being loaded: a cycle */
};

struct define {
	char *name;
	char *value;
	bool used;
};

struct resolver {
	struct diag_ctx *d;
	const struct resolve_options *opt;
	struct loaded_file *files;
	size_t n_files;
	struct sym_const *consts;
	size_t n_consts;
	struct sym_group *groups;
	size_t n_groups;
	struct sym_policy *policies;
	size_t n_policies;
	struct define *defines;
	size_t n_defines;
	int include_depth;
	const char *main_path; /* interned */
};

#define APPEND(arr, n, item)                                                                       \
	do {                                                                                       \
		(arr) = xrealloc((arr), ((n) + 1) * sizeof(*(arr)));                               \
		(arr)[(n)++] = (item);                                                             \
	} while (0)

static struct sym_const *find_const(struct resolver *r, const char *name)
{
	for (size_t i = 0; i < r->n_consts; i++)
		if (strcmp(r->consts[i].name, name) == 0)
			return &r->consts[i];
	return NULL;
}

static struct sym_group *find_group(struct resolver *r, const char *name)
{
	for (size_t i = 0; i < r->n_groups; i++)
		if (strcmp(r->groups[i].name, name) == 0)
			return &r->groups[i];
	return NULL;
}

static struct sym_policy *find_policy(struct resolver *r, const char *name)
{
	for (size_t i = 0; i < r->n_policies; i++)
		if (strcmp(r->policies[i].name, name) == 0)
			return &r->policies[i];
	return NULL;
}

/* The "did you mean" suffix for `word` among `n` candidates, or "". The
 * returned string is static storage reused by the next call. */
static const char *suggestion(const char *word, const char *const *candidates, size_t n,
                              const char *prefix)
{
	static char buf[160];
	const char *best = diag_suggest(word, candidates, n);
	if (!best)
		return "";
	snprintf(buf, sizeof(buf), "; did you mean '%s%s'?", prefix, best);
	return buf;
}

static const char *suggest_group(struct resolver *r, const char *word)
{
	const char **names = xcalloc(r->n_groups, sizeof(*names));
	for (size_t i = 0; i < r->n_groups; i++)
		names[i] = r->groups[i].name;
	const char *s = suggestion(word, names, r->n_groups, "@");
	free(names);
	return s;
}

static const char *suggest_policy(struct resolver *r, const char *word)
{
	const char **names = xcalloc(r->n_policies, sizeof(*names));
	for (size_t i = 0; i < r->n_policies; i++)
		names[i] = r->policies[i].name;
	const char *s = suggestion(word, names, r->n_policies, "");
	free(names);
	return s;
}

/* ---- loading ------------------------------------------------------------------ */

static void register_group(struct resolver *r, const struct ast_group *g)
{
	struct sym_group *prev = find_group(r, g->name);
	if (prev) {
		diag_error(r->d, g->loc, "group '@%s' is defined twice", g->name);
		diag_note(r->d, prev->group->loc, "the first definition is here");
		return;
	}
	struct sym_group sym = {g->name, g, false};
	APPEND(r->groups, r->n_groups, sym);
}

static void register_items(struct resolver *r, const struct ast_file *f, bool is_main);

static bool path_is_file(const char *path)
{
	struct stat st;
	return stat(path, &st) == 0 && S_ISREG(st.st_mode);
}

/* Finds an included file: relative to the including file, then in -I order
 * (*via_dir says whether an -I directory found it). */
static char *find_include(struct resolver *r, const char *from_file, const char *name,
                          bool *via_dir)
{
	*via_dir = false;
	if (name[0] == '/')
		return path_is_file(name) ? xstrdup(name) : NULL;
	char *copy = xstrdup(from_file);
	char *candidate = xasprintf("%s/%s", dirname(copy), name);
	free(copy);
	if (path_is_file(candidate))
		return candidate;
	free(candidate);
	for (size_t i = 0; i < r->opt->n_include_dirs; i++) {
		candidate = xasprintf("%s/%s", r->opt->include_dirs[i], name);
		*via_dir = path_is_file(candidate);
		if (*via_dir)
			return candidate;
		free(candidate);
	}
	return NULL;
}

static struct loaded_file *find_loaded(struct resolver *r, const char *real_path)
{
	for (size_t i = 0; i < r->n_files; i++)
		if (strcmp(r->files[i].real_path, real_path) == 0)
			return &r->files[i];
	return NULL;
}

static void explain_include_cycle(struct resolver *r, const char *real_path)
{
	/* Files still loading form the include stack, in order. */
	bool in_cycle = false;
	for (size_t i = 0; i < r->n_files; i++) {
		if (strcmp(r->files[i].real_path, real_path) == 0)
			in_cycle = true;
		if (in_cycle && !r->files[i].done && r->files[i].ast) {
			struct src_loc loc = {r->files[i].ast->path, 0, 0, 0, 0};
			diag_note(r->d, loc, "is part of the cycle");
		}
	}
}

/* Loads and registers one file given as text. `path` is what messages show. */
static void load_text(struct resolver *r, const char *path, const char *real_path, const char *text,
                      size_t len, bool is_main)
{
	const char *interned = diag_add_source(r->d, path, text, len);
	struct loaded_file lf = {xstrdup(real_path), NULL, false};
	APPEND(r->files, r->n_files, lf);
	size_t index = r->n_files - 1;
	/* Two front ends, one tree: everything after this line is shared. */
	struct ast_file *ast = policy_path_is_yaml(path)
	                           ? parse_policy_yaml(r->d, interned, text, len)
	                           : parse_policy_text(r->d, interned, text, len);
	r->files[index].ast = ast;
	r->include_depth++;
	register_items(r, ast, is_main);
	r->include_depth--;
	r->files[index].done = true;
}

/* Whether `key` may be loaded now: false (after reporting) for a cycle, and
 * false (silently) for a file already loaded. */
static bool may_load(struct resolver *r, const struct ast_word *name, const char *key)
{
	struct loaded_file *prev = find_loaded(r, key);
	if (prev && !prev->done) {
		diag_error(r->d, name->loc, "include cycle: '%s' is already being included",
		           name->text);
		explain_include_cycle(r, key);
		return false;
	}
	return prev == NULL; /* include-once */
}

/* An include from an embedded file names another embedded file, relative to
 * the includer's directory inside the table. */
static void load_builtin_include(struct resolver *r, const struct ast_word *name, const char *from)
{
	const char *slash = strrchr(from, '/');
	char *key = xasprintf("%.*s/%s", (int)(slash - from), from, name->text);
	const struct embedded_file *f = embedded_find(key);
	if (!f)
		diag_error(r->d, name->loc, "no built-in policy file '%s'", key);
	else if (may_load(r, name, key))
		load_text(r, key, key, f->text, *f->len, false);
	free(key);
}

/* The display name (diag.h) of a file included as `name` from `from`: the
 * include's own name when an -I directory found it; next to an includer
 * that has one, the name relative to that includer's display name; else
 * none (the path is already relative to the main file, or absolute). */
static char *display_name(struct resolver *r, const char *from, const char *name, bool via_dir)
{
	if (via_dir)
		return xstrdup(name);
	const char *includer = diag_display_name(r->d, from);
	if (!includer || name[0] == '/')
		return NULL;
	const char *slash = strrchr(includer, '/');
	if (!slash)
		return xstrdup(name);
	return xasprintf("%.*s/%s", (int)(slash - includer), includer, name);
}

static void load_include(struct resolver *r, const struct ast_word *name, const char *from)
{
	if (r->include_depth >= RESOLVE_MAX_INCLUDE_DEPTH) {
		diag_error(r->d, name->loc, "includes nested deeper than %d levels",
		           RESOLVE_MAX_INCLUDE_DEPTH);
		return;
	}
	if (name->len != strlen(name->text) || name->text[0] == '\0') {
		diag_error(r->d, name->loc, "an include needs a file name");
		return;
	}
	if (strncmp(from, EMBEDDED_PREFIX, strlen(EMBEDDED_PREFIX)) == 0 && name->text[0] != '/') {
		load_builtin_include(r, name, from);
		return;
	}
	bool via_dir;
	char *found = find_include(r, from, name->text, &via_dir);
	if (!found) {
		diag_error(r->d, name->loc, "cannot find included file '%s' (looked next to %s%s)",
		           name->text, from,
		           r->opt->n_include_dirs ? " and in the -I directories" : "");
		return;
	}
	char real[PATH_MAX];
	if (!realpath(found, real)) {
		diag_error(r->d, name->loc, "cannot resolve '%s': %s", found, strerror(errno));
		free(found);
		return;
	}
	if (!may_load(r, name, real)) {
		free(found);
		return;
	}
	char *text;
	size_t len;
	int err = read_file(found, &text, &len);
	if (err < 0) {
		diag_error(r->d, name->loc, "cannot read '%s': %s", found, strerror(-err));
		free(found);
		return;
	}
	char *display = display_name(r, from, name->text, via_dir);
	if (display) /* before loading: the file's own includes read it */
		diag_set_display_name(r->d, found, display);
	free(display);
	load_text(r, found, real, text, len, false);
	free(text);
	free(found);
}

static void register_items(struct resolver *r, const struct ast_file *f, bool is_main)
{
	for (const struct ast_item *it = f->items; it; it = it->next) {
		switch (it->kind) {
		case AST_ITEM_INCLUDE:
			load_include(r, it->u.include, f->path);
			break;
		case AST_ITEM_CONST: {
			struct sym_const *prev = find_const(r, it->u.constant.name);
			if (prev) {
				diag_error(r->d, it->u.constant.name_loc,
				           "constant '%s' is defined twice", it->u.constant.name);
				diag_note(r->d, prev->loc, "the first definition is here");
				break;
			}
			struct sym_const c = {it->u.constant.name, it->u.constant.value,
			                      it->u.constant.name_loc};
			APPEND(r->consts, r->n_consts, c);
			break;
		}
		case AST_ITEM_GROUP:
			register_group(r, it->u.group);
			break;
		case AST_ITEM_POLICY: {
			const struct ast_policy *p = it->u.policy;
			struct sym_policy *prev = find_policy(r, p->name);
			if (prev) {
				diag_error(r->d, p->loc, "policy '%s' is defined twice", p->name);
				diag_note(r->d, prev->policy->loc, "the first definition is here");
				break;
			}
			struct sym_policy sp = {p->name, p, is_main, 0, f, it->loc};
			APPEND(r->policies, r->n_policies, sp);
			/* Groups defined inside a syscalls section are global too:
			 * one namespace is easier to review than scoping rules. */
			for (const struct ast_body *b = p->body; b; b = b->next)
				if (b->kind == AST_BODY_SYSCALLS)
					for (const struct ast_group *g = b->u.syscalls.groups; g;
					     g = g->next)
						register_group(r, g);
			break;
		}
		}
	}
}

/* ---- lineage ---------------------------------------------------------------- */

struct lineage {
	struct sym_policy **items;
	size_t n;
};

/* Depth-first: every policy is appended after all of the policies that derive
 * from it have been placed, which the reverse post-order gives us. */
static bool lineage_visit(struct resolver *r, struct sym_policy *p, struct sym_policy ***post,
                          size_t *n_post)
{
	if (p->visit == 2)
		return true;
	if (p->visit == 1) {
		diag_error(r->d, p->policy->loc, "policy '%s' inherits from itself", p->name);
		return false;
	}
	p->visit = 1;
	bool ok = true;
	/* Visit bases right to left so that the reversed post-order lists them
	 * left to right. */
	size_t n_bases = 0;
	for (const struct ast_word *b = p->policy->bases; b; b = b->next)
		n_bases++;
	const struct ast_word **bases = xcalloc(n_bases, sizeof(*bases));
	size_t i = 0;
	for (const struct ast_word *b = p->policy->bases; b; b = b->next)
		bases[i++] = b;
	while (i-- > 0) {
		const struct ast_word *b = bases[i];
		struct sym_policy *base = find_policy(r, b->text);
		if (!base) {
			diag_error(r->d, b->loc, "unknown base policy '%s'%s", b->text,
			           suggest_policy(r, b->text));
			ok = false;
			continue;
		}
		if (!lineage_visit(r, base, post, n_post))
			ok = false;
	}
	free(bases);
	p->visit = 2;
	APPEND(*post, *n_post, p);
	return ok;
}

static bool build_lineage(struct resolver *r, struct sym_policy *p, struct lineage *out)
{
	for (size_t i = 0; i < r->n_policies; i++)
		r->policies[i].visit = 0;
	struct sym_policy **post = NULL;
	size_t n = 0;
	bool ok = lineage_visit(r, p, &post, &n);
	out->items = xcalloc(n, sizeof(*out->items));
	out->n = n;
	for (size_t i = 0; i < n; i++)
		out->items[i] = post[n - 1 - i];
	free(post);
	return ok;
}

/* ---- per-policy context ------------------------------------------------------ */

struct param_state {
	const char *name;
	struct src_loc loc;
	const char *value; /* from -D, or NULL: filled at run time */
	bool used, used_as_path;
	const struct ast_word *within; /* `in PATH`, or NULL */
};

struct pctx {
	struct resolver *r;
	struct ir_policy *ir;
	struct lineage lineage;
	struct param_state *params;
	size_t n_params;
	const char *policy_name; /* the policy whose section is being read */
};

static struct param_state *find_param(struct pctx *pc, const char *name)
{
	for (size_t i = 0; i < pc->n_params; i++)
		if (strcmp(pc->params[i].name, name) == 0)
			return &pc->params[i];
	return NULL;
}

static const char *define_value(struct resolver *r, const char *name)
{
	for (size_t i = 0; i < r->n_defines; i++)
		if (strcmp(r->defines[i].name, name) == 0) {
			r->defines[i].used = true;
			return r->defines[i].value;
		}
	return NULL;
}

static void collect_params(struct pctx *pc)
{
	for (size_t i = 0; i < pc->lineage.n; i++) {
		for (const struct ast_body *b = pc->lineage.items[i]->policy->body; b;
		     b = b->next) {
			if (b->kind != AST_BODY_PARAM)
				continue;
			const struct ast_word *w = b->u.param;
			if (find_param(pc, w->text))
				continue; /* declared by a base too: one param */
			if (find_const(pc->r, w->text)) {
				diag_error(pc->r->d, w->loc,
				           "param '%s' has the name of a constant", w->text);
				continue;
			}
			struct param_state ps = {w->text, w->loc, define_value(pc->r, w->text),
			                         false,   false,  w->next};
			APPEND(pc->params, pc->n_params, ps);
		}
	}
}

static bool valid_name_char(char c, bool first)
{
	return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || c == '_' ||
	       (!first && c >= '0' && c <= '9');
}

/* Expands ${NAME} references in a word: constants and -D params become their
 * value; open params stay as ${NAME} for the runtime and are recorded. Returns
 * NULL after reporting an error. */
static char *expand_refs(struct pctx *pc, const struct ast_word *w, bool as_path)
{
	struct buf out;
	buf_init(&out);
	const char *s = w->text;
	const char *end = w->text + w->len;
	while (s < end) {
		const char *ref = memmem(s, (size_t)(end - s), "${", 2);
		if (!ref) {
			buf_append(&out, s, (size_t)(end - s));
			break;
		}
		buf_append(&out, s, (size_t)(ref - s));
		const char *close = memchr(ref, '}', (size_t)(end - ref));
		char *name = close ? xstrndup(ref + 2, (size_t)(close - ref - 2)) : NULL;
		bool ok = name && name[0] && valid_name_char(name[0], true);
		for (const char *q = name; ok && *q; q++)
			ok = valid_name_char(*q, q == name);
		if (!ok) {
			diag_error(pc->r->d, w->loc, "malformed reference in '%s': write ${NAME}",
			           w->text);
			free(name);
			buf_free(&out);
			return NULL;
		}
		struct param_state *param = find_param(pc, name);
		struct sym_const *c = find_const(pc->r, name);
		if (param) {
			param->used = true;
			param->used_as_path |= as_path;
			if (param->value)
				buf_puts(&out, param->value);
			else
				buf_printf(&out, "${%s}", name);
		} else if (c) {
			buf_append(&out, c->value->text, c->value->len);
		} else {
			const char **names =
			    xcalloc(pc->n_params + pc->r->n_consts, sizeof(*names));
			size_t n = 0;
			for (size_t i = 0; i < pc->n_params; i++)
				names[n++] = pc->params[i].name;
			for (size_t i = 0; i < pc->r->n_consts; i++)
				names[n++] = pc->r->consts[i].name;
			diag_error(pc->r->d, w->loc,
			           "'%s' is neither a param of policy '%s' nor a constant%s", name,
			           pc->ir->name, suggestion(name, names, n, ""));
			free(names);
			free(name);
			buf_free(&out);
			return NULL;
		}
		free(name);
		s = close + 1;
	}
	buf_cstr(&out);
	return out.data;
}

/* Checks a sandbox or host path after expansion. A leading ${PARAM} is
 * checked by the runtime, which requires the value to be absolute. */
static bool check_path(struct pctx *pc, const char *path, size_t len, struct src_loc loc,
                       const char *what)
{
	if (strlen(path) != len) {
		diag_error(pc->r->d, loc, "%s contains a NUL byte", what);
		return false;
	}
	if (path[0] != '/' && strncmp(path, "${", 2) != 0) {
		diag_error(pc->r->d, loc, "%s '%s' is not absolute; write '/%s'", what, path, path);
		return false;
	}
	for (const char *p = path; *p; p++) {
		if ((unsigned char)*p < 0x20 || *p == 0x7f) {
			diag_error(pc->r->d, loc, "%s contains a control character", what);
			return false;
		}
	}
	for (const char *p = path; (p = strstr(p, "..")) != NULL; p += 2) {
		bool starts = p == path || p[-1] == '/';
		bool ends = p[2] == '\0' || p[2] == '/';
		if (starts && ends) {
			diag_error(pc->r->d, loc,
			           "%s '%s' contains '..'; write the path it leads to", what, path);
			return false;
		}
	}
	return true;
}

/* ---- fs ------------------------------------------------------------------------ */

static char *resolve_path_word(struct pctx *pc, const struct ast_word *w, const char *what)
{
	char *s = expand_refs(pc, w, true);
	if (s &&
	    !check_path(pc, s, w->kind == AST_WORD_STRING ? w->len : strlen(s), w->loc, what)) {
		free(s);
		return NULL;
	}
	return s;
}

static bool resolve_quantity(struct pctx *pc, const struct ast_word *w, enum quantity_kind kind,
                             uint64_t *out)
{
	char err[256];
	if (w->kind != AST_WORD_NUMBER) {
		diag_error(pc->r->d, w->loc, "expected a number, not '%s'", w->text);
		return false;
	}
	if (!quantity_parse(w->text, kind, out, err, sizeof(err))) {
		diag_error(pc->r->d, w->loc, "%s", err);
		return false;
	}
	return true;
}

static void resolve_fs_stmt(struct pctx *pc, const struct ast_fs_stmt *s)
{
	struct ir_fs_op op = {0};
	uint64_t mode;
	op.loc = s->loc;
	op.optional = s->optional;
	bool ok = true;
	if (s->optional && s->kind != AST_FS_RO && s->kind != AST_FS_RW && s->kind != AST_FS_MASK) {
		diag_error(pc->r->d, s->loc, "'?' only applies to ro, rw and mask");
		ok = false;
	}
	switch (s->kind) {
	case AST_FS_CWD: {
		char *cwd = resolve_path_word(pc, s->path, "the working directory");
		if (cwd) {
			free(pc->ir->fs.cwd);
			pc->ir->fs.cwd = cwd;
			pc->ir->fs.cwd_loc = s->loc;
		}
		return;
	}
	case AST_FS_RO:
	case AST_FS_RW:
		op.kind = s->kind == AST_FS_RO ? IR_FS_BIND_RO : IR_FS_BIND_RW;
		op.src = resolve_path_word(pc, s->path, "a bind source");
		if (s->at)
			op.dst = resolve_path_word(pc, s->at, "a sandbox path");
		else if (op.src)
			op.dst = xstrdup(op.src);
		break;
	case AST_FS_DEV:
	case AST_FS_PROC:
	case AST_FS_DIR:
	case AST_FS_MASK:
	case AST_FS_TMPFS:
		op.kind = s->kind == AST_FS_DEV    ? IR_FS_DEV
		          : s->kind == AST_FS_PROC ? IR_FS_PROC
		          : s->kind == AST_FS_DIR  ? IR_FS_DIR
		          : s->kind == AST_FS_MASK ? IR_FS_MASK
		                                   : IR_FS_TMPFS;
		op.dst = resolve_path_word(pc, s->path, "a sandbox path");
		break;
	case AST_FS_LINK:
		op.kind = IR_FS_SYMLINK;
		op.dst = resolve_path_word(pc, s->path, "a link path");
		op.src = expand_refs(pc, s->target, false);
		if (op.src && (strlen(op.src) != s->target->len || !op.src[0])) {
			diag_error(pc->r->d, s->target->loc,
			           "a link target must be a non-empty path");
			ok = false;
		}
		break;
	case AST_FS_FILE:
		op.kind = IR_FS_FILE;
		op.dst = resolve_path_word(pc, s->path, "a file path");
		op.data = xstrndup(s->target->text, s->target->len);
		op.data_len = s->target->len;
		break;
	}
	if (s->size) {
		if (s->kind != AST_FS_TMPFS)
			diag_error(pc->r->d, s->size->loc, "only a tmpfs has a size"), ok = false;
		else if (resolve_quantity(pc, s->size, QUANTITY_BYTES, &op.size_bytes))
			op.has_size = true;
		else
			ok = false;
	}
	if (s->mode) {
		if (s->kind != AST_FS_TMPFS && s->kind != AST_FS_DIR && s->kind != AST_FS_FILE)
			diag_error(pc->r->d, s->mode->loc, "only tmpfs, dir and file take a mode"),
			    ok = false;
		else if (resolve_quantity(pc, s->mode, QUANTITY_MODE, &mode)) {
			op.mode = (uint32_t)mode;
			op.has_mode = true;
		} else
			ok = false;
	}
	if (!op.dst ||
	    ((op.kind == IR_FS_BIND_RO || op.kind == IR_FS_BIND_RW || op.kind == IR_FS_SYMLINK) &&
	     !op.src))
		ok = false;
	if (!ok) {
		free(op.src);
		free(op.dst);
		free(op.data);
		return;
	}
	op.policy = xstrdup(pc->policy_name);
	ir_add_fs_op(pc->ir, op);
}

/* ---- limits ---------------------------------------------------------------- */

static void resolve_limit(struct pctx *pc, const struct ast_limit *l, struct ir_limit *seen_here[])
{
	static const struct {
		const char *name;
		enum quantity_kind kind;
		bool zero_ok;
	} info[] = {
	    [AST_LIMIT_MEMORY] = {"memory", QUANTITY_BYTES, false},
	    [AST_LIMIT_PIDS] = {"pids", QUANTITY_INTEGER, false},
	    [AST_LIMIT_CPU] = {"cpu", QUANTITY_MILLICORES, false},
	    [AST_LIMIT_TIME] = {"time", QUANTITY_DURATION_MS, false},
	    [AST_LIMIT_NOFILE] = {"nofile", QUANTITY_INTEGER, false},
	    [AST_LIMIT_FSIZE] = {"fsize", QUANTITY_BYTES, true},
	};
	struct ir_limits *lim = &pc->ir->limits;
	struct ir_limit *slots[] = {
	    [AST_LIMIT_MEMORY] = &lim->memory_bytes, [AST_LIMIT_PIDS] = &lim->pids,
	    [AST_LIMIT_CPU] = &lim->cpu_millicores,  [AST_LIMIT_TIME] = &lim->time_ms,
	    [AST_LIMIT_NOFILE] = &lim->nofile,       [AST_LIMIT_FSIZE] = &lim->fsize_bytes,
	};
	struct ir_limit *slot = slots[l->kind];
	if (seen_here[l->kind]) {
		diag_error(pc->r->d, l->loc, "limit '%s' is set twice in policy '%s'",
		           info[l->kind].name, pc->policy_name);
		diag_note(pc->r->d, seen_here[l->kind]->loc, "it was first set here");
		return;
	}
	if (slot->set)
		return; /* a derived policy already decided */
	struct ir_limit v = {.set = true, .best_effort = l->best_effort, .loc = l->loc};
	if (l->value->kind == AST_WORD_IDENT && strcmp(l->value->text, "infinity") == 0) {
		v.infinite = true;
	} else if (l->value->kind == AST_WORD_IDENT) {
		diag_error(pc->r->d, l->value->loc,
		           "expected a value or 'infinity' for %s, not '%s'", info[l->kind].name,
		           l->value->text);
		return;
	} else {
		if (!resolve_quantity(pc, l->value, info[l->kind].kind, &v.value))
			return;
		if (v.value == 0 && !info[l->kind].zero_ok) {
			diag_error(pc->r->d, l->value->loc,
			           "a %s limit of 0 would stop everything; remove the line or give "
			           "a real limit",
			           info[l->kind].name);
			return;
		}
	}
	*slot = v;
	seen_here[l->kind] = slot;
}

/* ---- env and process ------------------------------------------------------------ */

static bool check_env_name(struct pctx *pc, const struct ast_word *w)
{
	bool ok = w->text[0] && valid_name_char(w->text[0], true);
	for (const char *p = w->text; ok && *p; p++)
		ok = valid_name_char(*p, p == w->text);
	if (!ok)
		diag_error(pc->r->d, w->loc,
		           "'%s' is not an environment variable name (letters, digits, '_')",
		           w->text);
	return ok;
}

static void resolve_env_stmt(struct pctx *pc, const struct ast_env_stmt *s)
{
	static const enum ir_env_kind kinds[] = {
	    [AST_ENV_CLEAR] = IR_ENV_CLEAR,
	    [AST_ENV_KEEP] = IR_ENV_KEEP,
	    [AST_ENV_SET] = IR_ENV_SET,
	    [AST_ENV_UNSET] = IR_ENV_UNSET,
	};
	if (s->kind == AST_ENV_CLEAR) {
		struct ir_env_op op = {IR_ENV_CLEAR, NULL, NULL, s->loc};
		ir_add_env_op(pc->ir, op);
		return;
	}
	for (const struct ast_word *w = s->names; w; w = w->next) {
		if (!check_env_name(pc, w))
			continue;
		char *value = NULL;
		if (s->kind == AST_ENV_SET) {
			value = expand_refs(pc, s->value, false);
			if (!value)
				continue;
			if (strlen(value) != s->value->len && !strstr(s->value->text, "${")) {
				diag_error(pc->r->d, s->value->loc,
				           "an environment value cannot contain a NUL byte");
				free(value);
				continue;
			}
		}
		struct ir_env_op op = {kinds[s->kind], xstrdup(w->text), value, w->loc};
		ir_add_env_op(pc->ir, op);
	}
}

static bool parse_id(struct pctx *pc, const struct ast_word *w, int64_t *out)
{
	uint64_t v;
	if (!resolve_quantity(pc, w, QUANTITY_INTEGER, &v))
		return false;
	if (v >= 4294967295ULL) {
		diag_error(pc->r->d, w->loc, "%s is not a valid uid or gid", w->text);
		return false;
	}
	*out = (int64_t)v;
	return true;
}

static bool check_hostname(struct pctx *pc, const struct ast_word *w)
{
	size_t len = strlen(w->text);
	bool ok = len > 0 && len <= 64 && len == w->len;
	for (const char *p = w->text; ok && *p; p++)
		ok = (*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') ||
		     (*p >= '0' && *p <= '9') || *p == '-' || *p == '.';
	if (!ok)
		diag_error(pc->r->d, w->loc,
		           "'%s' is not a host name (1 to 64 letters, digits, '-' and '.')",
		           w->text);
	return ok;
}

struct process_seen {
	const struct src_loc *hostname, *uid, *gid, *new_session;
};

static bool first_setting(struct pctx *pc, const struct src_loc **seen, struct src_loc loc,
                          const char *what)
{
	if (*seen) {
		diag_error(pc->r->d, loc, "%s is set twice in policy '%s'", what, pc->policy_name);
		diag_note(pc->r->d, **seen, "it was first set here");
		return false;
	}
	return true;
}

static void resolve_process_stmt(struct pctx *pc, const struct ast_process_stmt *s,
                                 struct process_seen *seen)
{
	struct ir_process *proc = &pc->ir->process;
	switch (s->kind) {
	case AST_PROCESS_HOSTNAME:
		if (!first_setting(pc, &seen->hostname, s->loc, "hostname"))
			return;
		seen->hostname = &s->loc;
		if (!proc->hostname && check_hostname(pc, s->value)) {
			proc->hostname = xstrdup(s->value->text);
			proc->hostname_loc = s->loc;
		}
		break;
	case AST_PROCESS_UID:
	case AST_PROCESS_GID: {
		bool uid = s->kind == AST_PROCESS_UID;
		const struct src_loc **slot = uid ? &seen->uid : &seen->gid;
		if (!first_setting(pc, slot, s->loc, uid ? "uid" : "gid"))
			return;
		*slot = &s->loc;
		int64_t *target = uid ? &proc->uid : &proc->gid;
		int64_t v;
		if (*target < 0 && parse_id(pc, s->value, &v)) {
			*target = v;
			*(uid ? &proc->uid_loc : &proc->gid_loc) = s->loc;
		}
		break;
	}
	case AST_PROCESS_NEW_SESSION:
		if (!first_setting(pc, &seen->new_session, s->loc, "new-session"))
			return;
		seen->new_session = &s->loc;
		if (!proc->new_session) {
			proc->new_session = true;
			proc->new_session_loc = s->loc;
		}
		break;
	}
}

/* ---- groups ------------------------------------------------------------------ */

struct name_list {
	char **names;
	bool *optional;
	size_t n;
};

static bool name_list_has(const struct name_list *l, const char *name)
{
	for (size_t i = 0; i < l->n; i++)
		if (strcmp(l->names[i], name) == 0)
			return true;
	return false;
}

static void name_list_add(struct name_list *l, const char *name, bool optional)
{
	if (name_list_has(l, name))
		return;
	l->names = xrealloc(l->names, (l->n + 1) * sizeof(*l->names));
	l->optional = xrealloc(l->optional, (l->n + 1) * sizeof(*l->optional));
	l->names[l->n] = xstrdup(name);
	l->optional[l->n] = optional;
	l->n++;
}

static void name_list_free(struct name_list *l)
{
	for (size_t i = 0; i < l->n; i++)
		free(l->names[i]);
	free(l->names);
	free(l->optional);
	memset(l, 0, sizeof(*l));
}

static void report_unknown_syscall(struct resolver *r, const char *name, struct src_loc loc)
{
	if (find_group(r, name)) {
		diag_error(r->d, loc, "unknown syscall '%s'; did you mean the group '@%s'?", name,
		           name);
		return;
	}
	size_t n;
	const char *const *all = names_syscall_list(&n);
	diag_error(r->d, loc, "unknown syscall '%s'%s", name, suggestion(name, all, n, ""));
}

static bool expand_group(struct resolver *r, const char *name, struct src_loc use,
                         struct name_list *out);

/* @known is every syscall libseccomp knows, unless a file defines it. */
static bool expand_known(struct name_list *out)
{
	size_t n;
	const char *const *all = names_syscall_list(&n);
	for (size_t i = 0; i < n; i++)
		name_list_add(out, all[i], true);
	return true;
}

static bool expand_group(struct resolver *r, const char *name, struct src_loc use,
                         struct name_list *out)
{
	struct sym_group *g = find_group(r, name);
	if (!g && strcmp(name, "known") == 0)
		return expand_known(out);
	if (!g) {
		diag_error(r->d, use, "unknown group '@%s'%s", name, suggest_group(r, name));
		return false;
	}
	if (g->expanding) {
		diag_error(r->d, use, "group '@%s' contains itself", name);
		return false;
	}
	g->expanding = true;
	bool ok = true;
	struct name_list include = {0}, exclude = {0};
	for (const struct ast_group_member *m = g->group->members; m; m = m->next) {
		struct name_list *target = m->exclude ? &exclude : &include;
		if (m->is_group) {
			ok &= expand_group(r, m->name, m->loc, target);
		} else if (!names_syscall_known(m->name)) {
			/* An optional member this libseccomp does not know yet (a
			 * syscall newer than the library) exists nowhere we can
			 * filter: nothing to allow or deny. */
			if (m->optional)
				continue;
			report_unknown_syscall(r, m->name, m->loc);
			ok = false;
		} else {
			name_list_add(target, m->name, true);
		}
	}
	for (size_t i = 0; i < include.n; i++)
		if (!name_list_has(&exclude, include.names[i]))
			name_list_add(out, include.names[i], include.optional[i]);
	name_list_free(&include);
	name_list_free(&exclude);
	g->expanding = false;
	return ok;
}

/* ---- argument conditions ---------------------------------------------------------- */

struct cond_ctx {
	struct pctx *pc;
	const char *syscall;
	const struct names_syscall_sig *sig;
	const struct ast_target *target;
};

static bool arg_index(struct cond_ctx *cc, const char *name, unsigned *index)
{
	if (strncmp(name, "arg", 3) == 0 && name[3] >= '0' && name[3] <= '5' && !name[4]) {
		*index = (unsigned)(name[3] - '0');
		return true;
	}
	for (unsigned i = 0; cc->sig && i < cc->sig->nargs; i++)
		if (strcmp(cc->sig->args[i].name, name) == 0) {
			*index = i;
			return true;
		}
	return false;
}

static bool const_value(struct cond_ctx *cc, const struct ast_expr *e, uint64_t *out)
{
	struct diag_ctx *d = cc->pc->r->d;
	switch (e->kind) {
	case AST_EXPR_NUMBER: {
		char err[256];
		if (!quantity_parse(e->text, QUANTITY_INTEGER, out, err, sizeof(err))) {
			diag_error(d, e->loc, "%s", err);
			return false;
		}
		return true;
	}
	case AST_EXPR_IDENT: {
		struct sym_const *c = find_const(cc->pc->r, e->text);
		if (c) {
			char err[256];
			if (c->value->kind != AST_WORD_NUMBER ||
			    !quantity_parse(c->value->text, QUANTITY_INTEGER, out, err,
			                    sizeof(err))) {
				diag_error(d, e->loc, "constant '%s' is not an integer", e->text);
				diag_note(d, c->loc, "defined here");
				return false;
			}
			return true;
		}
		if (find_param(cc->pc, e->text)) {
			diag_error(d, e->loc,
			           "'%s' is a param: params are filled at run time, but the filter "
			           "is fixed at compile time",
			           e->text);
			return false;
		}
		if (names_const_value(e->text, out))
			return true;
		size_t n;
		const char *const *all = names_const_list(&n);
		struct buf argnames;
		buf_init(&argnames);
		for (unsigned i = 0; cc->sig && i < cc->sig->nargs; i++)
			buf_printf(&argnames, "%s%s", i ? ", " : "", cc->sig->args[i].name);
		diag_error(d, e->loc,
		           "unknown name '%s': not an argument of '%s' (%s) nor a known "
		           "constant%s",
		           e->text, cc->syscall, argnames.len ? buf_cstr(&argnames) : "arg0..arg5",
		           suggestion(e->text, all, n, ""));
		buf_free(&argnames);
		return false;
	}
	case AST_EXPR_BITOR:
	case AST_EXPR_BITAND: {
		uint64_t a, b;
		if (!const_value(cc, e->lhs, &a) || !const_value(cc, e->rhs, &b))
			return false;
		*out = e->kind == AST_EXPR_BITOR ? a | b : a & b;
		return true;
	}
	default:
		diag_error(d, e->loc, "expected a constant value here");
		return false;
	}
}

/* Is the expression an argument, alone or masked (`arg & MASK`)? */
static bool is_arg_term(struct cond_ctx *cc, const struct ast_expr *e)
{
	unsigned idx;
	if (e->kind == AST_EXPR_IDENT)
		return arg_index(cc, e->text, &idx);
	if (e->kind == AST_EXPR_BITAND)
		return is_arg_term(cc, e->lhs) || is_arg_term(cc, e->rhs);
	return false;
}

static bool resolve_arg_term(struct cond_ctx *cc, const struct ast_expr *e, unsigned *arg,
                             unsigned *width, uint64_t *mask)
{
	struct diag_ctx *d = cc->pc->r->d;
	if (e->kind == AST_EXPR_BITAND) {
		const struct ast_expr *argside = is_arg_term(cc, e->lhs) ? e->lhs : e->rhs;
		const struct ast_expr *maskside = argside == e->lhs ? e->rhs : e->lhs;
		if (is_arg_term(cc, maskside)) {
			diag_error(d, e->loc, "an argument can only be masked by a constant");
			return false;
		}
		uint64_t m;
		if (!const_value(cc, maskside, &m) ||
		    !resolve_arg_term(cc, argside, arg, width, mask))
			return false;
		*mask &= m;
		return true;
	}
	if (!arg_index(cc, e->text, arg))
		return false;
	if (cc->sig && *arg >= cc->sig->nargs) {
		diag_error(d, e->loc, "'%s' takes only %u argument%s", cc->syscall, cc->sig->nargs,
		           cc->sig->nargs == 1 ? "" : "s");
		return false;
	}
	if (!cc->sig) {
		diag_error(d, e->loc,
		           "no argument signature is known for '%s', so its arguments cannot be "
		           "compared safely (their width and whether they are pointers are "
		           "unknown)",
		           cc->syscall);
		return false;
	}
	const struct names_syscall_arg *a = &cc->sig->args[*arg];
	if (a->type == NAMES_ARG_PTR) {
		diag_error(d, e->loc,
		           "'%s' (argument %u of %s) is a pointer: seccomp sees only the address, "
		           "and the sandboxed program can change the memory it points to after "
		           "the check",
		           a->name, *arg, cc->syscall);
		return false;
	}
	*width = a->type == NAMES_ARG_INT32 ? 32 : 64;
	*mask = *width == 32 ? 0xffffffffULL : UINT64_MAX;
	return true;
}

/* A 32-bit argument's value: a negative constant (AT_FDCWD) is accepted as its
 * low half; anything else wider than 32 bits can never match. */
static bool fit_width(struct cond_ctx *cc, uint64_t *value, unsigned width, struct src_loc loc)
{
	if (width == 64 || *value <= 0xffffffffULL)
		return true;
	if ((*value >> 31) == 0x1ffffffffULL) {
		*value &= 0xffffffffULL;
		return true;
	}
	diag_error(cc->pc->r->d, loc, "0x%llx does not fit in a 32-bit argument of '%s'",
	           (unsigned long long)*value, cc->syscall);
	return false;
}

static struct ir_cond *resolve_cond(struct cond_ctx *cc, const struct ast_expr *e);

static struct ir_cond *resolve_comparison(struct cond_ctx *cc, const struct ast_expr *e)
{
	struct diag_ctx *d = cc->pc->r->d;
	static const enum ir_cmp_op ops[] = {
	    [AST_CMP_EQ] = IR_CMP_EQ, [AST_CMP_NE] = IR_CMP_NE, [AST_CMP_LT] = IR_CMP_LT,
	    [AST_CMP_LE] = IR_CMP_LE, [AST_CMP_GT] = IR_CMP_GT, [AST_CMP_GE] = IR_CMP_GE,
	};
	static const enum ir_cmp_op mirrored[] = {
	    [IR_CMP_EQ] = IR_CMP_EQ, [IR_CMP_NE] = IR_CMP_NE, [IR_CMP_LT] = IR_CMP_GT,
	    [IR_CMP_LE] = IR_CMP_GE, [IR_CMP_GT] = IR_CMP_LT, [IR_CMP_GE] = IR_CMP_LE,
	};
	const struct ast_expr *argside = e->lhs, *valside = e->rhs;
	enum ir_cmp_op op = ops[e->op];
	bool lhs_arg = is_arg_term(cc, e->lhs), rhs_arg = is_arg_term(cc, e->rhs);
	if (lhs_arg && rhs_arg) {
		diag_error(d, e->loc, "two arguments cannot be compared with each other");
		return NULL;
	}
	if (rhs_arg) {
		argside = e->rhs;
		valside = e->lhs;
		op = mirrored[op];
	} else if (!lhs_arg) {
		if (e->lhs->kind == AST_EXPR_IDENT)
			const_value(cc, e->lhs, &(uint64_t){0}); /* reports the unknown name */
		else
			diag_error(d, e->loc, "a comparison needs an argument of '%s' on one side",
			           cc->syscall);
		return NULL;
	}
	unsigned arg, width;
	uint64_t mask, value;
	if (!resolve_arg_term(cc, argside, &arg, &width, &mask) ||
	    !const_value(cc, valside, &value) || !fit_width(cc, &value, width, valside->loc))
		return NULL;
	uint64_t full = width == 32 ? 0xffffffffULL : UINT64_MAX;
	if (mask != full && op != IR_CMP_EQ && op != IR_CMP_NE) {
		diag_error(d, e->loc,
		           "a masked argument can only be compared with == or != (seccomp has no "
		           "masked ordering)");
		return NULL;
	}
	if ((value & ~mask) != 0 && (op == IR_CMP_EQ || op == IR_CMP_NE)) {
		diag_error(d, valside->loc,
		           "0x%llx has bits outside the mask 0x%llx, so this comparison is %s",
		           (unsigned long long)value, (unsigned long long)mask,
		           op == IR_CMP_EQ ? "never true" : "always true");
		return NULL;
	}
	return ir_cond_cmp(arg, width, op, mask, value, e->loc);
}

static struct ir_cond *resolve_in(struct cond_ctx *cc, const struct ast_expr *e)
{
	struct ir_cond *result = NULL;
	for (const struct ast_expr *v = e->list; v; v = v->next) {
		struct ast_expr cmp = {.kind = AST_EXPR_CMP,
		                       .op = AST_CMP_EQ,
		                       .lhs = e->lhs,
		                       .rhs = (struct ast_expr *)v,
		                       .loc = v->loc};
		struct ir_cond *c = resolve_comparison(cc, &cmp);
		if (!c) {
			ir_cond_free(result);
			return NULL;
		}
		result = result ? ir_cond_binary(IR_COND_OR, result, c, e->loc) : c;
	}
	if (!result)
		diag_error(cc->pc->r->d, e->loc, "'in' needs at least one value");
	return result;
}

static struct ir_cond *resolve_cond(struct cond_ctx *cc, const struct ast_expr *e)
{
	switch (e->kind) {
	case AST_EXPR_OR:
	case AST_EXPR_AND: {
		struct ir_cond *l = resolve_cond(cc, e->lhs);
		struct ir_cond *r = l ? resolve_cond(cc, e->rhs) : NULL;
		if (!r) {
			ir_cond_free(l);
			return NULL;
		}
		return ir_cond_binary(e->kind == AST_EXPR_OR ? IR_COND_OR : IR_COND_AND, l, r,
		                      e->loc);
	}
	case AST_EXPR_NOT: {
		struct ir_cond *inner = resolve_cond(cc, e->lhs);
		return inner ? ir_cond_not(inner, e->loc) : NULL;
	}
	case AST_EXPR_CMP:
		return resolve_comparison(cc, e);
	case AST_EXPR_IN:
		return resolve_in(cc, e);
	default:
		diag_error(cc->pc->r->d, e->loc,
		           "expected a comparison such as 'domain == AF_UNIX' or 'cmd in (A, B)'");
		return NULL;
	}
}

/* ---- syscalls ------------------------------------------------------------------- */

static bool resolve_errno(struct pctx *pc, const char *name, struct src_loc loc, uint16_t *out)
{
	int v = names_errno_value(name);
	if (v <= 0 || v > 4095) {
		size_t n;
		const char *const *all = names_errno_list(&n);
		diag_error(pc->r->d, loc, "unknown errno '%s'%s", name,
		           suggestion(name, all, n, ""));
		return false;
	}
	*out = (uint16_t)v;
	return true;
}

static bool resolve_action(struct pctx *pc, const struct ast_action *a, struct ir_action *out)
{
	switch (a->kind) {
	case AST_ACTION_ALLOW:
		out->kind = IR_ACTION_ALLOW;
		return true;
	case AST_ACTION_KILL:
		out->kind = IR_ACTION_KILL;
		return true;
	case AST_ACTION_TRAP:
		out->kind = IR_ACTION_TRAP;
		return true;
	case AST_ACTION_LOG:
		out->kind = IR_ACTION_LOG;
		return true;
	case AST_ACTION_DENY:
	case AST_ACTION_ERRNO:
		out->kind = IR_ACTION_ERRNO;
		if (!a->errno_name) {
			out->errno_value = EPERM;
			return true;
		}
		return resolve_errno(pc, a->errno_name, a->errno_loc, &out->errno_value);
	}
	return false;
}

/* Explicit unconditional rules of one policy, to find contradictions. */
struct explicit_rule {
	const char *syscall;
	struct ir_action action;
	struct src_loc loc;
};

static void check_argnames(struct pctx *pc, const struct ast_target *t,
                           const struct names_syscall_sig *sig)
{
	for (const struct ast_word *w = t->argnames; w; w = w->next) {
		struct cond_ctx cc = {pc, t->name, sig, t};
		unsigned idx;
		if (arg_index(&cc, w->text, &idx))
			continue;
		const char *names[6] = {0};
		for (unsigned i = 0; sig && i < sig->nargs; i++)
			names[i] = sig->args[i].name;
		diag_error(pc->r->d, w->loc, "'%s' is not an argument of '%s'%s", w->text, t->name,
		           suggestion(w->text, names, sig ? sig->nargs : 0, ""));
	}
}

/* The argument signatures describe the 64-bit ABIs. On a 32-bit ABI a 64-bit
 * argument takes two registers, so a named argument would compare the wrong
 * one: refuse rather than filter something else than what was written. */
static bool arches_allow_arg_filters(struct pctx *pc, struct src_loc loc)
{
	static const char *const wide[] = {"x86_64", "aarch64", "riscv64", "ppc64le",
	                                   "ppc64",  "s390x",   "mips64",  "mipsel64"};
	for (size_t i = 0; i < pc->ir->n_arches; i++) {
		bool ok = false;
		for (size_t j = 0; j < ARRAY_SIZE(wide); j++)
			ok |= names_arch_token(wide[j]) == pc->ir->arches[i].token;
		if (!ok) {
			diag_error(pc->r->d, loc,
			           "argument filters are not supported on the 32-bit architecture "
			           "'%s' (its 64-bit arguments span two registers); remove it from "
			           "'arch' or the condition",
			           pc->ir->arches[i].name);
			return false;
		}
	}
	return true;
}

static void add_rule_for(struct pctx *pc, const struct ast_rule *rule, struct ir_action action,
                         const char *syscall, const struct ast_target *t, bool explicit_name,
                         bool optional, struct explicit_rule **seen, size_t *n_seen)
{
	struct ir_cond *cond = NULL;
	if (rule->cond) {
		if (!arches_allow_arg_filters(pc, rule->cond->loc))
			return;
		struct cond_ctx cc = {pc, syscall, names_syscall_sig(syscall), t};
		cond = resolve_cond(&cc, rule->cond);
		if (!cond)
			return;
	}
	if (explicit_name && !cond) {
		for (size_t i = 0; i < *n_seen; i++) {
			struct explicit_rule *prev = &(*seen)[i];
			if (strcmp(prev->syscall, syscall) != 0)
				continue;
			char a[64], b[64];
			if (ir_action_equal(prev->action, action)) {
				diag_warning(pc->r->d, t->loc, "'%s' is already given '%s' above",
				             syscall, ir_action_describe(action, a, sizeof(a)));
			} else {
				diag_error(
				    pc->r->d, t->loc,
				    "'%s' is given two actions in policy '%s': '%s' here and "
				    "'%s' earlier",
				    syscall, pc->policy_name,
				    ir_action_describe(action, a, sizeof(a)),
				    ir_action_describe(prev->action, b, sizeof(b)));
				diag_note(pc->r->d, prev->loc, "the earlier rule is here");
			}
			return;
		}
		struct explicit_rule er = {syscall, action, t->loc};
		APPEND(*seen, *n_seen, er);
	}
	struct ir_rule r = {
	    .syscall = xstrdup(syscall),
	    .action = action,
	    .cond = cond,
	    .optional = optional,
	    .explicit_name = explicit_name,
	    .group = explicit_name ? NULL : xstrdup(t->name),
	    .policy = xstrdup(pc->policy_name),
	    .reason = rule->reason ? xstrdup(rule->reason) : NULL,
	    .origin = IR_ORIGIN_POLICY,
	    .loc = t->loc,
	};
	ir_add_rule(pc->ir, r);
}

static void resolve_rule(struct pctx *pc, const struct ast_rule *rule, struct explicit_rule **seen,
                         size_t *n_seen)
{
	struct ir_action action;
	if (!resolve_action(pc, &rule->action, &action))
		return;
	if (rule->reason && strlen(rule->reason) > 1024)
		diag_error(pc->r->d, rule->loc, "a reason is limited to 1024 characters");
	for (const struct ast_target *t = rule->targets; t; t = t->next) {
		if (t->is_group) {
			if (t->has_parens)
				diag_error(pc->r->d, t->loc,
				           "a group cannot name arguments; name them per syscall");
			struct name_list names = {0};
			if (expand_group(pc->r, t->name, t->loc, &names))
				for (size_t i = 0; i < names.n; i++)
					add_rule_for(pc, rule, action, names.names[i], t, false,
					             names.optional[i], seen, n_seen);
			name_list_free(&names);
			continue;
		}
		if (!names_syscall_known(t->name)) {
			report_unknown_syscall(pc->r, t->name, t->loc);
			continue;
		}
		if (t->has_parens) {
			check_argnames(pc, t, names_syscall_sig(t->name));
			if (!rule->cond)
				diag_warning(
				    pc->r->d, t->loc,
				    "arguments are named but the rule has no 'if' condition");
		}
		add_rule_for(pc, rule, action, t->name, t, true, t->optional, seen, n_seen);
	}
}

/* `net none` is a network namespace with nothing in it and no way to make an
 * Internet socket at all: this rule comes first, so no later allow undoes it. */
static void add_net_none_rule(struct pctx *pc)
{
	uint64_t inet = 0, inet6 = 0;
	int eafnosupport = names_errno_value("EAFNOSUPPORT");
	if (!names_const_value("AF_INET", &inet) || !names_const_value("AF_INET6", &inet6) ||
	    eafnosupport <= 0) {
		diag_error(pc->r->d, pc->ir->net_loc,
		           "cannot express 'net none': AF_INET, AF_INET6 or EAFNOSUPPORT unknown");
		return;
	}
	struct src_loc loc = pc->ir->net_loc;
	struct ir_cond *c =
	    ir_cond_binary(IR_COND_OR, ir_cond_cmp(0, 32, IR_CMP_EQ, 0xffffffffULL, inet, loc),
	                   ir_cond_cmp(0, 32, IR_CMP_EQ, 0xffffffffULL, inet6, loc), loc);
	struct ir_rule r = {
	    .syscall = xstrdup("socket"),
	    .action = {IR_ACTION_ERRNO, (uint16_t)eafnosupport},
	    .cond = c,
	    .explicit_name = true,
	    .policy = xstrdup(pc->ir->name),
	    .reason = xstrdup("net none: no Internet sockets"),
	    .origin = IR_ORIGIN_NET,
	    .loc = loc,
	};
	ir_add_rule(pc->ir, r);
}

/* ---- one policy ------------------------------------------------------------------ */

static void resolve_arches(struct pctx *pc)
{
	const struct ast_body *decl = NULL;
	for (size_t i = 0; i < pc->lineage.n && !decl; i++)
		for (const struct ast_body *b = pc->lineage.items[i]->policy->body; b && !decl;
		     b = b->next)
			if (b->kind == AST_BODY_ARCH)
				decl = b;
	struct ir_policy *ir = pc->ir;
	const struct ast_word native = {AST_WORD_IDENT, "native", 6, {0}, NULL};
	for (const struct ast_word *w = decl ? decl->u.arches : &native; w; w = w->next) {
		uint32_t token = names_arch_token(w->text);
		if (!token) {
			size_t n;
			const char *const *all = names_arch_list(&n);
			diag_error(pc->r->d, w->loc, "unknown architecture '%s'%s", w->text,
			           suggestion(w->text, all, n, ""));
			continue;
		}
		if (strcmp(w->text, "x32") == 0 || token == names_arch_token("x32")) {
			diag_error(
			    pc->r->d, w->loc,
			    "the x32 ABI is always killed: it reaches x86_64 syscalls through "
			    "other numbers");
			continue;
		}
		bool dup = false;
		for (size_t i = 0; i < ir->n_arches; i++)
			dup |= ir->arches[i].token == token;
		if (dup)
			continue;
		struct ir_arch a = {
		    token, xstrdup(names_arch_name(token) ? names_arch_name(token) : w->text)};
		APPEND(ir->arches, ir->n_arches, a);
	}
}

/* Sections that hold one value: the most derived policy that sets it wins,
 * and setting it twice in one policy is an error. */
static void resolve_singletons(struct pctx *pc)
{
	struct ir_policy *ir = pc->ir;
	bool net_set = false, default_set = false;
	for (size_t i = 0; i < pc->lineage.n; i++) {
		const struct src_loc *net_here = NULL, *default_here = NULL;
		pc->policy_name = pc->lineage.items[i]->name;
		for (const struct ast_body *b = pc->lineage.items[i]->policy->body; b;
		     b = b->next) {
			if (b->kind == AST_BODY_NET) {
				if (!first_setting(pc, &net_here, b->loc, "net"))
					continue;
				net_here = &b->loc;
				if (!net_set) {
					ir->net = (enum ir_net_mode)b->u.net;
					ir->net_loc = b->loc;
					net_set = true;
				}
			}
			if (b->kind == AST_BODY_SYSCALLS && b->u.syscalls.default_action) {
				const struct ast_action *a = b->u.syscalls.default_action;
				if (!first_setting(pc, &default_here, a->loc, "the default action"))
					continue;
				default_here = &a->loc;
				if (!default_set &&
				    resolve_action(pc, a, &ir->syscalls.default_action)) {
					ir->syscalls.default_loc = a->loc;
					default_set = true;
				}
			}
		}
	}
	if (!net_set)
		ir->net = IR_NET_NONE; /* deny by default */
	if (!default_set)
		ir->syscalls.default_action = (struct ir_action){IR_ACTION_ERRNO, EPERM};
}

static void resolve_syscall_rules(struct pctx *pc)
{
	if (pc->ir->net == IR_NET_NONE)
		add_net_none_rule(pc);
	for (size_t i = 0; i < pc->lineage.n; i++) {
		struct explicit_rule *seen = NULL;
		size_t n_seen = 0;
		pc->policy_name = pc->lineage.items[i]->name;
		for (const struct ast_body *b = pc->lineage.items[i]->policy->body; b; b = b->next)
			if (b->kind == AST_BODY_SYSCALLS)
				for (const struct ast_rule *r = b->u.syscalls.rules; r; r = r->next)
					resolve_rule(pc, r, &seen, &n_seen);
		free(seen);
	}
}

/* Mounts and variables are read bases first: the derived policy's come
 * later and, applied later, win. Limits and process settings are read in
 * precedence order: the first (most derived) value taken stays. */
static void resolve_ordered_sections(struct pctx *pc)
{
	for (size_t i = pc->lineage.n; i-- > 0;) {
		pc->policy_name = pc->lineage.items[i]->name;
		const struct src_loc *cwd_here = NULL;
		for (const struct ast_body *b = pc->lineage.items[i]->policy->body; b;
		     b = b->next) {
			switch (b->kind) {
			case AST_BODY_FS:
				for (const struct ast_fs_stmt *s = b->u.fs; s; s = s->next) {
					if (s->kind == AST_FS_CWD) {
						if (!first_setting(pc, &cwd_here, s->loc, "cwd"))
							continue;
						cwd_here = &s->loc;
					}
					resolve_fs_stmt(pc, s);
				}
				break;
			case AST_BODY_ENV:
				for (const struct ast_env_stmt *s = b->u.env; s; s = s->next)
					resolve_env_stmt(pc, s);
				break;
			default:
				break;
			}
		}
	}
	for (size_t i = 0; i < pc->lineage.n; i++) {
		pc->policy_name = pc->lineage.items[i]->name;
		struct ir_limit *limits_here[AST_LIMIT_FSIZE + 1] = {0};
		struct process_seen seen = {0};
		for (const struct ast_body *b = pc->lineage.items[i]->policy->body; b;
		     b = b->next) {
			if (b->kind == AST_BODY_LIMITS)
				for (const struct ast_limit *l = b->u.limits; l; l = l->next)
					resolve_limit(pc, l, limits_here);
			if (b->kind == AST_BODY_PROCESS)
				for (const struct ast_process_stmt *s = b->u.process; s;
				     s = s->next)
					resolve_process_stmt(pc, s, &seen);
		}
	}
}

/* `param NAME in PATH`: PATH is a plain absolute path (no params: the
 * constraint must not depend on what it constrains), stored without a
 * trailing '/'. A value given with -D is checked here, textually; the
 * runtime checks a value given at run time with symbolic links resolved. */
static char *param_within(struct pctx *pc, const struct param_state *ps)
{
	const struct ast_word *w = ps->within;
	if (!w)
		return NULL;
	if (!ps->used_as_path) {
		diag_error(pc->r->d, w->loc,
		           "'in' constrains a path, and param '%s' is not used as a path",
		           ps->name);
		return NULL;
	}
	if (strstr(w->text, "${") || w->text[0] != '/') {
		diag_error(pc->r->d, w->loc,
		           "the path after 'in' must be a plain absolute path, not '%s'", w->text);
		return NULL;
	}
	if (!check_path(pc, w->text, w->len, w->loc, "the path after 'in'"))
		return NULL;
	for (const char *c = w->text; *c; c++)
		if (*c == ' ' || *c == '\t') {
			diag_error(pc->r->d, w->loc, "the path after 'in' may not contain spaces");
			return NULL;
		}
	size_t len = w->len;
	while (len > 1 && w->text[len - 1] == '/')
		len--;
	char *within = xstrndup(w->text, len);
	if (ps->value) {
		size_t n = strlen(within);
		bool inside =
		    strcmp(within, "/") == 0 || (strncmp(ps->value, within, n) == 0 &&
		                                 (ps->value[n] == '\0' || ps->value[n] == '/'));
		if (!inside)
			diag_error(pc->r->d, w->loc,
			           "-D %s=%s is not in %s, as param '%s' requires", ps->name,
			           ps->value, within, ps->name);
	}
	return within;
}

static void finish_params(struct pctx *pc)
{
	for (size_t i = 0; i < pc->n_params; i++) {
		struct param_state *ps = &pc->params[i];
		if (!ps->used)
			diag_warning(pc->r->d, ps->loc, "param '%s' is declared but never used",
			             ps->name);
		char *within = param_within(pc, ps);
		if (ps->value) {
			free(within);
			continue;
		}
		struct ir_param p = {xstrdup(ps->name), ps->used_as_path, ps->loc, within};
		ir_add_param(pc->ir, p);
	}
}

/* ---- test expectations ------------------------------------------------------------ *
 *
 * Only the policy's own test blocks: a base's expectations describe the base,
 * and a derived policy is free to change what it inherits. Read after
 * everything else, so that arches and params are known.
 */

static bool test_arg_value(struct pctx *pc, const struct ast_expr *e, uint64_t *out)
{
	struct diag_ctx *d = pc->r->d;
	char err[256];
	uint64_t a, b;
	switch (e->kind) {
	case AST_EXPR_NUMBER:
		if (quantity_parse(e->text, QUANTITY_INTEGER, out, err, sizeof(err)))
			return true;
		diag_error(d, e->loc, "%s", err);
		return false;
	case AST_EXPR_IDENT: {
		struct sym_const *c = find_const(pc->r, e->text);
		if (c && c->value->kind == AST_WORD_NUMBER &&
		    quantity_parse(c->value->text, QUANTITY_INTEGER, out, err, sizeof(err)))
			return true;
		if (c) {
			diag_error(d, e->loc, "constant '%s' is not an integer", e->text);
			return false;
		}
		if (names_const_value(e->text, out))
			return true;
		size_t n;
		const char *const *all = names_const_list(&n);
		diag_error(d, e->loc, "unknown constant '%s'%s", e->text,
		           suggestion(e->text, all, n, ""));
		return false;
	}
	case AST_EXPR_BITOR:
	case AST_EXPR_BITAND:
		if (!test_arg_value(pc, e->lhs, &a) || !test_arg_value(pc, e->rhs, &b))
			return false;
		*out = e->kind == AST_EXPR_BITOR ? a | b : a & b;
		return true;
	default:
		diag_error(d, e->loc,
		           "an expectation's argument is a value: a number, a constant, or "
		           "several joined with | or &");
		return false;
	}
}

static bool test_arch(struct pctx *pc, const struct ast_word *w, uint32_t *token)
{
	*token = names_arch_token(w->text);
	if (!*token) {
		size_t n;
		const char *const *all = names_arch_list(&n);
		diag_error(pc->r->d, w->loc, "unknown architecture '%s'%s", w->text,
		           suggestion(w->text, all, n, ""));
		return false;
	}
	for (size_t i = 0; i < pc->ir->n_arches; i++)
		if (pc->ir->arches[i].token == *token)
			return true;
	diag_error(pc->r->d, w->loc, "policy '%s' does not target '%s', so no filter to test there",
	           pc->ir->name, w->text);
	return false;
}

static bool resolve_syscall_test(struct pctx *pc, const struct ast_expect *e, struct ir_test *t)
{
	bool ok = true;
	if (!names_syscall_known(e->syscall->text)) {
		report_unknown_syscall(pc->r, e->syscall->text, e->syscall->loc);
		ok = false;
	}
	unsigned n = 0;
	for (const struct ast_expr *a = e->args; a; a = a->next, n++) {
		if (n == 6) {
			diag_error(pc->r->d, a->loc, "a syscall has at most 6 arguments");
			ok = false;
			break;
		}
		ok &= test_arg_value(pc, a, &t->args[n]);
	}
	t->n_args = n;
	ok &= resolve_action(pc, &e->action, &t->action);
	if (e->arch)
		ok &= test_arch(pc, e->arch, &t->arch);
	if (ok)
		t->syscall = xstrdup(e->syscall->text);
	return ok;
}

static bool resolve_fs_test(struct pctx *pc, const struct ast_expect *e, struct ir_test *t)
{
	static const char *const facts[] = {
	    [IR_FS_HIDDEN] = "hidden",
	    [IR_FS_VISIBLE] = "visible",
	    [IR_FS_READONLY] = "readonly",
	    [IR_FS_WRITABLE] = "writable",
	};
	size_t i = 0;
	while (i < ARRAY_SIZE(facts) && strcmp(facts[i], e->fact->text) != 0)
		i++;
	if (i == ARRAY_SIZE(facts)) {
		diag_error(pc->r->d, e->fact->loc,
		           "unknown fs fact '%s': expected hidden, visible, readonly or "
		           "writable%s",
		           e->fact->text, suggestion(e->fact->text, facts, ARRAY_SIZE(facts), ""));
		return false;
	}
	t->fact = (enum ir_fs_fact)i;
	t->path = resolve_path_word(pc, e->path, "a tested path");
	return t->path != NULL;
}

static bool resolve_limit_test(struct pctx *pc, const struct ast_expect *e, struct ir_test *t)
{
	static const enum quantity_kind kinds[] = {
	    [AST_LIMIT_MEMORY] = QUANTITY_BYTES,   [AST_LIMIT_PIDS] = QUANTITY_INTEGER,
	    [AST_LIMIT_CPU] = QUANTITY_MILLICORES, [AST_LIMIT_TIME] = QUANTITY_DURATION_MS,
	    [AST_LIMIT_NOFILE] = QUANTITY_INTEGER, [AST_LIMIT_FSIZE] = QUANTITY_BYTES,
	};
	/* ast_limit_kind and ir_limit_kind list the limits in the same order. */
	t->limit = (enum ir_limit_kind)e->limit;
	t->expected.loc = e->loc;
	if (!e->value)
		return true; /* `none`: the limit is not set */
	t->expected.set = true;
	if (e->value->kind == AST_WORD_IDENT && strcmp(e->value->text, "infinity") == 0) {
		t->expected.infinite = true;
		return true;
	}
	if (e->value->kind == AST_WORD_IDENT) {
		diag_error(pc->r->d, e->value->loc,
		           "expected a value, 'infinity' or 'none' for %s, not '%s'",
		           ir_limit_name(t->limit), e->value->text);
		return false;
	}
	return resolve_quantity(pc, e->value, kinds[e->limit], &t->expected.value);
}

static void resolve_tests(struct pctx *pc)
{
	if (pc->lineage.n == 0)
		return;
	pc->policy_name = pc->lineage.items[0]->name;
	for (const struct ast_body *b = pc->lineage.items[0]->policy->body; b; b = b->next) {
		if (b->kind != AST_BODY_TEST)
			continue;
		for (const struct ast_expect *e = b->u.tests; e; e = e->next) {
			struct ir_test t = {.loc = e->loc};
			bool ok = false;
			switch (e->kind) {
			case AST_EXPECT_SYSCALL:
				t.kind = IR_TEST_SYSCALL;
				ok = resolve_syscall_test(pc, e, &t);
				break;
			case AST_EXPECT_FS:
				t.kind = IR_TEST_FS;
				ok = resolve_fs_test(pc, e, &t);
				break;
			case AST_EXPECT_LIMIT:
				t.kind = IR_TEST_LIMIT;
				ok = resolve_limit_test(pc, e, &t);
				break;
			}
			if (ok) {
				ir_add_test(pc->ir, t);
			} else {
				free(t.syscall);
				free(t.path);
			}
		}
	}
}

/* ---- declarations and lint suppressions ------------------------------------ */

static bool parse_version(const char *text, struct bwrap_version *v)
{
	char tail;
	v->micro = 0;
	int n = sscanf(text, "%3u.%3u.%3u%c", &v->major, &v->minor, &v->micro, &tail);
	if (n == 3 || n == 2) {
		/* sscanf accepts signs and spaces: only digits and dots may appear. */
		for (const char *c = text; *c; c++)
			if (!(*c >= '0' && *c <= '9') && *c != '.')
				return false;
		return text[0] != '.' && text[strlen(text) - 1] != '.' && !strstr(text, "..");
	}
	return false;
}

static void resolve_requires(struct pctx *pc, const struct ast_body *b)
{
	const struct ast_word *tool = b->u.words, *version = tool ? tool->next : NULL;
	if (!tool || !version)
		return;
	if (strcmp(tool->text, "bwrap") != 0) {
		diag_error(pc->r->d, tool->loc,
		           "unknown tool '%s' in 'requires'; the one tool is bwrap, as in "
		           "'requires bwrap \"0.8.0\"'",
		           tool->text);
		return;
	}
	struct bwrap_version v;
	if (strlen(version->text) != version->len || !parse_version(version->text, &v)) {
		diag_error(pc->r->d, version->loc,
		           "'requires bwrap' needs a version such as \"0.8.0\" (digits and dots)");
		return;
	}
	if (!pc->ir->bwrap_required) {
		char text[32];
		pc->ir->bwrap_required = xstrdup(bwrap_version_format(v, text, sizeof(text)));
		pc->ir->bwrap_required_version[0] = v.major;
		pc->ir->bwrap_required_version[1] = v.minor;
		pc->ir->bwrap_required_version[2] = v.micro;
		pc->ir->bwrap_required_loc = b->loc;
	}
}

static void resolve_fallback(struct pctx *pc, const struct ast_body *b)
{
	const struct ast_word *mode = b->u.words;
	enum ir_fallback f;
	if (strcmp(mode->text, "landlock") == 0) {
		f = IR_FALLBACK_LANDLOCK;
	} else if (strcmp(mode->text, "none") == 0) {
		f = IR_FALLBACK_NONE;
	} else {
		static const char *const modes[] = {"landlock", "none"};
		diag_error(pc->r->d, mode->loc,
		           "unknown fallback '%s' (it is 'landlock' or 'none')%s", mode->text,
		           suggestion(mode->text, modes, 2, ""));
		return;
	}
	pc->ir->fallback = f;
	pc->ir->fallback_loc = b->loc;
}

/* Kept as written, control bytes included: the lint pass flags them
 * (CL-rule "control characters in text shown to people"), and every printer
 * escapes them. */
static void resolve_description(struct pctx *pc, const struct ast_body *b)
{
	pc->ir->description = xstrndup(b->u.words->text, b->u.words->len);
	pc->ir->description_loc = b->loc;
}

/* First in the lineage wins, like `net`; a policy may say each once. */
static void resolve_declarations(struct pctx *pc)
{
	for (size_t i = 0; i < pc->lineage.n; i++) {
		const struct src_loc *desc = NULL, *req = NULL, *fb = NULL, *untr = NULL;
		pc->policy_name = pc->lineage.items[i]->name;
		for (const struct ast_body *b = pc->lineage.items[i]->policy->body; b;
		     b = b->next) {
			switch (b->kind) {
			case AST_BODY_UNTRUSTED:
				if (!first_setting(pc, &untr, b->loc, "'untrusted'"))
					break;
				untr = &b->loc;
				if (!pc->ir->untrusted) {
					pc->ir->untrusted = true;
					pc->ir->untrusted_loc = b->loc;
				}
				break;
			case AST_BODY_DESCRIPTION:
				if (!first_setting(pc, &desc, b->loc, "the description"))
					break;
				desc = &b->loc;
				if (!pc->ir->description)
					resolve_description(pc, b);
				break;
			case AST_BODY_REQUIRES:
				if (!first_setting(pc, &req, b->loc, "'requires bwrap'"))
					break;
				req = &b->loc;
				resolve_requires(pc, b);
				break;
			case AST_BODY_FALLBACK:
				if (!first_setting(pc, &fb, b->loc, "the fallback"))
					break;
				fb = &b->loc;
				if (!pc->ir->fallback_loc.line)
					resolve_fallback(pc, b);
				break;
			default:
				break;
			}
		}
	}
}

static void add_suppression(struct pctx *pc, const char *id, size_t len, const char *reason,
                            bool scoped, struct src_loc loc)
{
	struct ir_suppression s = {
	    .id = xstrndup(id, len),
	    .reason = reason ? xstrdup(reason) : NULL,
	    .scoped = scoped,
	    .loc = loc,
	    .policy = xstrdup(pc->policy_name),
	};
	ir_add_suppression(pc->ir, s);
}

/* The reason of the rule whose lines meet those of `at`, if any. */
static const char *rule_reason_on_lines(const struct ast_policy *p, struct src_loc at)
{
	int last = at.end_line > at.line ? at.end_line : at.line;
	for (const struct ast_body *b = p->body; b; b = b->next)
		if (b->kind == AST_BODY_SYSCALLS)
			for (const struct ast_rule *r = b->u.syscalls.rules; r; r = r->next)
				if (r->loc.line <= last && at.line <= r->loc.end_line)
					return r->reason;
	return NULL;
}

/* `# lint: CL003, CL004 [because "why"]`: scoped suppressions; without a
 * reason of its own, the comment takes that of the rule on its lines. */
static void comment_suppressions(struct pctx *pc, const struct sym_policy *sp,
                                 const struct ast_comment *c)
{
	struct ast_lint_comment lc;
	if (!ast_lint_comment_parse(c, &lc))
		return;
	const char *reason = lc.reason ? lc.reason : rule_reason_on_lines(sp->policy, c->loc);
	for (size_t i = 0; i < lc.n_ids; i++)
		add_suppression(pc, lc.ids[i], strlen(lc.ids[i]), reason, true, c->loc);
	ast_lint_comment_free(&lc);
}

static void resolve_suppressions(struct pctx *pc)
{
	for (size_t i = 0; i < pc->lineage.n; i++) {
		const struct sym_policy *sp = pc->lineage.items[i];
		pc->policy_name = sp->name;
		for (const struct ast_body *b = sp->policy->body; b; b = b->next)
			if (b->kind == AST_BODY_LINT)
				for (const struct ast_lint_ignore *l = b->u.lint; l; l = l->next)
					for (const struct ast_word *id = l->ids; id; id = id->next)
						add_suppression(pc, id->text, strlen(id->text),
						                l->reason ? l->reason->text : NULL,
						                false, l->loc);
		if (!sp->file)
			continue;
		for (const struct ast_comment *c = sp->file->comments; c; c = c->next)
			if (c->loc.line >= sp->span.line && c->loc.line <= sp->span.end_line)
				comment_suppressions(pc, sp, c);
	}
}

static struct ir_policy *resolve_policy(struct resolver *r, struct sym_policy *sp)
{
	struct pctx pc = {0};
	pc.r = r;
	pc.ir = xcalloc(1, sizeof(*pc.ir));
	pc.ir->name = xstrdup(sp->name);
	pc.ir->loc = sp->policy->loc;
	pc.ir->process.uid = -1;
	pc.ir->process.gid = -1;
	if (build_lineage(r, sp, &pc.lineage)) {
		pc.ir->lineage = xcalloc(pc.lineage.n, sizeof(char *));
		pc.ir->ancestors = xcalloc(pc.lineage.n, sizeof(*pc.ir->ancestors));
		for (size_t i = 0; i < pc.lineage.n; i++) {
			const struct ast_policy *ap = pc.lineage.items[i]->policy;
			struct ir_ancestor *a = &pc.ir->ancestors[i];
			pc.ir->lineage[i] = xstrdup(ap->name);
			a->loc = ap->loc;
			for (const struct ast_word *b = ap->bases; b; b = b->next)
				a->n_bases++;
			a->bases = xcalloc(a->n_bases ? a->n_bases : 1, sizeof(char *));
			size_t k = 0;
			for (const struct ast_word *b = ap->bases; b; b = b->next)
				a->bases[k++] = xstrdup(b->text);
		}
		pc.ir->n_lineage = pc.lineage.n;
		collect_params(&pc);
		resolve_arches(&pc);
		resolve_singletons(&pc);
		resolve_declarations(&pc);
		resolve_suppressions(&pc);
		resolve_syscall_rules(&pc);
		resolve_ordered_sections(&pc);
		finish_params(&pc);
		resolve_tests(&pc);
	}
	free(pc.lineage.items);
	free(pc.params);
	return pc.ir;
}

/* ---- entry points ------------------------------------------------------------- */

static bool parse_defines(struct resolver *r)
{
	bool ok = true;
	for (size_t i = 0; i < r->opt->n_defines; i++) {
		const char *def = r->opt->defines[i];
		const char *eq = strchr(def, '=');
		bool valid = eq && eq != def;
		for (const char *p = def; valid && p < eq; p++)
			valid = valid_name_char(*p, p == def);
		if (!valid) {
			struct src_loc none = {0};
			diag_error(r->d, none, "-D '%s': expected NAME=VALUE", def);
			ok = false;
			continue;
		}
		struct define df = {xstrndup(def, (size_t)(eq - def)), xstrdup(eq + 1), false};
		APPEND(r->defines, r->n_defines, df);
	}
	return ok;
}

static void load_builtins(struct resolver *r)
{
	load_text(r, NAMES_BUILTIN_GROUPS_PATH, NAMES_BUILTIN_GROUPS_PATH, names_builtin_groups,
	          names_builtin_groups_len, false);
}

static void resolver_free(struct resolver *r)
{
	for (size_t i = 0; i < r->n_files; i++) {
		free(r->files[i].real_path);
		ast_file_free(r->files[i].ast);
	}
	free(r->files);
	free(r->consts);
	free(r->groups);
	free(r->policies);
	for (size_t i = 0; i < r->n_defines; i++) {
		free(r->defines[i].name);
		free(r->defines[i].value);
	}
	free(r->defines);
}

static int resolve_loaded(struct resolver *r, struct resolve_result *out)
{
	if (r->opt->only_policy) {
		struct sym_policy *sp = find_policy(r, r->opt->only_policy);
		if (!sp) {
			struct src_loc loc = {r->main_path, 0, 0, 0, 0};
			diag_error(r->d, loc, "no policy named '%s'%s", r->opt->only_policy,
			           suggest_policy(r, r->opt->only_policy));
		} else {
			APPEND(out->policies, out->n_policies, resolve_policy(r, sp));
		}
	} else {
		for (size_t i = 0; i < r->n_policies; i++)
			if (r->policies[i].in_main)
				APPEND(out->policies, out->n_policies,
				       resolve_policy(r, &r->policies[i]));
		if (out->n_policies == 0 && diag_error_count(r->d) == 0) {
			struct src_loc loc = {r->main_path, 0, 0, 0, 0};
			diag_error(r->d, loc, "no policy is defined in this file");
		}
	}
	for (size_t i = 0; i < r->n_defines; i++)
		if (!r->defines[i].used) {
			struct src_loc none = {0};
			diag_error(r->d, none, "-D %s: no compiled policy has a param of that name",
			           r->defines[i].name);
		}
	return diag_error_count(r->d) ? -1 : 0;
}

int resolve_text(struct diag_ctx *d, const char *path, const char *text, size_t len,
                 const struct resolve_options *opt, struct resolve_result *out)
{
	static const struct resolve_options no_options = {0};
	struct resolver r = {0};
	r.d = d;
	r.opt = opt ? opt : &no_options;
	memset(out, 0, sizeof(*out));
	bool ok = parse_defines(&r);
	load_builtins(&r);
	char real[PATH_MAX];
	const char *key = realpath(path, real) ? real : path;
	r.main_path = diag_intern(d, path);
	load_text(&r, path, key, text, len, true);
	int rc = -1;
	if (ok && diag_error_count(d) == 0)
		rc = resolve_loaded(&r, out);
	resolver_free(&r);
	return diag_error_count(d) ? -1 : rc;
}

int resolve_file(struct diag_ctx *d, const char *path, const struct resolve_options *opt,
                 struct resolve_result *out)
{
	char *text;
	size_t len;
	memset(out, 0, sizeof(*out));
	int err = read_file(path, &text, &len);
	if (err < 0) {
		struct src_loc none = {0};
		diag_error(d, none, "cannot read '%s': %s", path, strerror(-err));
		return -1;
	}
	int rc = resolve_text(d, path, text, len, opt, out);
	free(text);
	return rc;
}

void resolve_result_free(struct resolve_result *r)
{
	for (size_t i = 0; i < r->n_policies; i++)
		ir_policy_free(r->policies[i]);
	free(r->policies);
	memset(r, 0, sizeof(*r));
}

static int compare_strings(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

int resolve_builtin_group_names(struct diag_ctx *d, char ***names, size_t *n)
{
	static const struct resolve_options no_options = {0};
	struct resolver r = {.d = d, .opt = &no_options};
	load_builtins(&r);
	*names = xcalloc(r.n_groups + 1, sizeof(char *));
	*n = 0;
	for (size_t i = 0; i < r.n_groups; i++)
		(*names)[(*n)++] = xstrdup(r.groups[i].name);
	if (!find_group(&r, "known"))
		(*names)[(*n)++] = xstrdup("known");
	qsort(*names, *n, sizeof(char *), compare_strings);
	resolver_free(&r);
	return diag_error_count(d) ? -1 : 0;
}

int resolve_builtin_group_expand(struct diag_ctx *d, const char *group, char ***names, size_t *n)
{
	static const struct resolve_options no_options = {0};
	struct resolver r = {.d = d, .opt = &no_options};
	load_builtins(&r);
	struct name_list list = {0};
	struct src_loc none = {0};
	bool ok = expand_group(&r, group[0] == '@' ? group + 1 : group, none, &list);
	*names = list.names;
	*n = list.n;
	free(list.optional);
	if (*names)
		qsort(*names, *n, sizeof(char *), compare_strings);
	resolver_free(&r);
	return ok && diag_error_count(d) == 0 ? 0 : -1;
}

void resolve_names_free(char **names, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free(names[i]);
	free(names);
}

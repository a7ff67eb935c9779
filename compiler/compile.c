/* compile.c - resolve, run every backend, write only if all succeeded. */
#include "compile.h"
#include "bundle.h"
#include "depfile.h"
#include "diag.h"
#include "embedded.h"
#include "emit_asm.h"
#include "emit_cheader.h"
#include "emit_oci.h"
#include "emit_seccomp.h"
#include "names.h"
#include "util.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static size_t count_args(const struct buf *args)
{
	size_t n = 0;
	for (size_t i = 0; i < args->len; i++)
		n += args->data[i] == '\0';
	return n;
}

/* Runs the three backends for one policy. Returns 0, or -1 after reporting. */
int compile_bundle(struct diag_ctx *d, struct bundle *b)
{
	if (!bundle_name_valid(b->policy->name)) {
		diag_error(d, b->policy->loc,
		           "'%s' cannot name a bundle's files (printable ASCII, no '/', not "
		           "starting with '.')",
		           b->policy->name);
		return -1;
	}
	int rc = emit_seccomp_bpf(b->policy, d, &b->bpf);
	if (bundle_emit_args_and_limits(b, d) < 0)
		rc = -1;
	return rc;
}

int compile_parse_emit(const char *list, const char **bad)
{
	static const struct {
		const char *name;
		unsigned flag;
	} kinds[] = {
	    {"oci", COMPILE_EMIT_OCI},
	    {"c", COMPILE_EMIT_C},
	    {"asm", COMPILE_EMIT_ASM},
	    {"pfc", COMPILE_EMIT_PFC},
	};
	unsigned mask = 0;
	for (const char *p = list; *p;) {
		size_t len = strcspn(p, ",");
		size_t i;
		for (i = 0; i < ARRAY_SIZE(kinds); i++)
			if (strlen(kinds[i].name) == len && strncmp(kinds[i].name, p, len) == 0)
				break;
		if (i == ARRAY_SIZE(kinds)) {
			*bad = p;
			return -1;
		}
		mask |= kinds[i].flag;
		p += len + (p[len] == ',');
	}
	return (int)mask;
}

static struct buf *add_extra(struct bundle *b, const char *suffix)
{
	struct bundle_extra *e = &b->extras[b->n_extras++];
	e->suffix = suffix;
	buf_init(&e->content);
	return &e->content;
}

/* The exports asked for with --emit, into the bundle's extras. */
static int emit_extras(struct diag_ctx *d, struct bundle *b, unsigned emit)
{
	int rc = 0;
	if ((emit & COMPILE_EMIT_OCI) && emit_oci_json(b->policy, d, add_extra(b, "oci.json")) < 0)
		rc = -1;
	if ((emit & COMPILE_EMIT_C) && emit_c_header(b->policy, &b->bpf, d, add_extra(b, "h")) < 0)
		rc = -1;
	if ((emit & COMPILE_EMIT_ASM) && emit_asm(b->policy, &b->bpf, d, add_extra(b, "asm")) < 0)
		rc = -1;
	if ((emit & COMPILE_EMIT_PFC) && emit_seccomp_pfc(b->policy, d, add_extra(b, "pfc")) < 0)
		rc = -1;
	return rc;
}

/* Every file a compile writes: each bundle's pieces, the manifest first
 * (ninja takes a depfile's first target for the build edge's first output,
 * and the manifest stands for the bundle), then its extras. */
static char **written_files(const struct compile_options *opt, struct bundle *const *bundles,
                            size_t n, size_t *count)
{
	char **files = xcalloc(n * (BUNDLE_N_PIECES + BUNDLE_MAX_EXTRAS), sizeof(*files));
	*count = 0;
	for (size_t i = 0; i < n; i++) {
		for (size_t j = 0; j < BUNDLE_N_PIECES; j++)
			files[(*count)++] =
			    xasprintf("%s/%s.%s", opt->out_dir, bundles[i]->name, bundle_pieces[j]);
		for (size_t j = 0; j < bundles[i]->n_extras; j++)
			files[(*count)++] = xasprintf("%s/%s.%s", opt->out_dir, bundles[i]->name,
			                              bundles[i]->extras[j].suffix);
	}
	return files;
}

/* Every policy file a compile read: the sources the diagnostics hold with
 * their text, the embedded ones excepted (they are not files). */
static const char **read_files(struct diag_ctx *d, size_t *count)
{
	const char **files = xcalloc(diag_source_count(d) + 1, sizeof(*files));
	*count = 0;
	for (size_t i = 0; i < diag_source_count(d); i++) {
		bool has_text;
		const char *path = diag_source_path(d, i, &has_text);
		if (has_text && strncmp(path, EMBEDDED_PREFIX, strlen(EMBEDDED_PREFIX)) != 0)
			files[(*count)++] = path;
	}
	return files;
}

/* The dependency file: the files written depend on the files read. */
static int write_depfile(struct diag_ctx *d, const struct compile_options *opt,
                         struct bundle *const *bundles, size_t n)
{
	size_t n_targets, n_deps;
	char **targets = written_files(opt, bundles, n, &n_targets);
	const char **deps = read_files(d, &n_deps);
	struct buf text;
	buf_init(&text);
	const char *bad = NULL;
	struct src_loc none = {0};
	int rc = depfile_render(&text, (const char *const *)targets, n_targets, deps, n_deps, &bad);
	if (rc < 0)
		diag_error(d, none,
		           "cannot write '%s' in a dependency file (it has a backslash or a "
		           "control character); rename it",
		           bad);
	int err = rc == 0 ? depfile_write(opt->depfile, &text) : 0;
	if (err < 0) {
		diag_error(d, none, "cannot write dependency file '%s': %s", opt->depfile,
		           strerror(-err));
		rc = -1;
	}
	buf_free(&text);
	free(deps);
	for (size_t i = 0; i < n_targets; i++)
		free(targets[i]);
	free(targets);
	return rc;
}

/* The depfile goes first, so that a path it cannot hold stops the compile
 * before any bundle is written; it is removed again if the bundles cannot
 * be written, so that "nothing was written" stays true. The output
 * directory is made first (as bundle_write_all would), since the natural
 * place for the depfile is inside it. */
static void write_outputs(struct diag_ctx *d, const struct compile_options *opt,
                          struct bundle *const *bundles, size_t n)
{
	if (opt->depfile)
		(void)mkdir(opt->out_dir, 0755); /* a failure: bundle_write_all says why */
	if (opt->depfile && write_depfile(d, opt, bundles, n) < 0)
		return;
	if (bundle_write_all(d, opt->out_dir, bundles, n) < 0 && opt->depfile)
		unlink(opt->depfile);
}

static void print_summary(FILE *out, const struct bundle *b, const char *dir)
{
	fprintf(out, "%s: %zu BPF instructions, %zu bwrap arguments", b->name, b->bpf.len / 8,
	        count_args(&b->args));
	if (b->policy->n_params)
		fprintf(out, ", %zu param%s to fill at run time", b->policy->n_params,
		        b->policy->n_params == 1 ? "" : "s");
	if (dir)
		fprintf(out, " -> %s/%s.{bpf,args,limits,landlock,manifest}\n", dir, b->name);
	else
		fprintf(out, " (checked; no -o, nothing written)\n");
}

int compile_policy_file(const char *path, const struct compile_options *opt, FILE *out)
{
	if (access(path, R_OK) < 0) {
		fprintf(out, "cell: cannot read '%s': %s\n", path, strerror(errno));
		return 2;
	}
	struct diag_ctx *d = diag_new(out);
	struct resolve_result res;
	int rc = resolve_file(d, path, &opt->resolve, &res);
	struct bundle **bundles = xcalloc(res.n_policies, sizeof(*bundles));
	for (size_t i = 0; rc == 0 && i < res.n_policies; i++) {
		bundles[i] = xmalloc(sizeof(*bundles[i]));
		bundle_init(bundles[i], res.policies[i]);
		if (compile_bundle(d, bundles[i]) < 0 || emit_extras(d, bundles[i], opt->emit) < 0)
			rc = -1;
	}
	if (diag_error_count(d) == 0 && opt->out_dir)
		write_outputs(d, opt, bundles, res.n_policies);
	int exit_code = 0;
	if (diag_error_count(d) > 0) {
		int n = diag_error_count(d);
		fprintf(out, "cell: %d error%s in %s; nothing was written\n", n, n == 1 ? "" : "s",
		        path);
		exit_code = 1;
	} else if (!opt->quiet) {
		for (size_t i = 0; i < res.n_policies; i++)
			print_summary(out, bundles[i], opt->out_dir);
	}
	for (size_t i = 0; i < res.n_policies; i++) {
		if (bundles[i]) {
			bundle_free(bundles[i]);
			free(bundles[i]);
		}
	}
	free(bundles);
	resolve_result_free(&res);
	diag_free(d);
	names_cleanup();
	return exit_code;
}

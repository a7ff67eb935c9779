/* cmd_doctor.c - `cell doctor` (see cmd_doctor.h). */
#include "cmd_doctor.h"
#include "bundle.h"
#include "cli.h"
#include "compile.h"
#include "diag.h"
#include "names.h"
#include "util.h"
/* The runtime's headers by path: runtime/ is not on the compiler's include
 * path, so that no runtime header can ever shadow a system one. */
#include "../runtime/hostcheck.h"
#include "../runtime/launch.h"
#include "../runtime/manifest.h"

#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

const char cmd_doctor_usage[] =
    "usage: cell doctor [--json] [--bwrap PATH] [--user NAME|UID] [-p NAME] [-D N=V]...\n"
    "                   [-I DIR]... [BUNDLE|POLICY]\n"
    "\n"
    "Checks whether this host can run sandboxes: user namespaces and what\n"
    "restricts them (sysctls, AppArmor, a container's seccomp profile, chroot,\n"
    "proot), /proc, bwrap and its version, setuid bwrap under NO_NEW_PRIVS,\n"
    "seccomp, cgroups, Landlock. One line per check: ok, or the condition,\n"
    "what it breaks and the fix. Given a bundle (out/NAME) or a policy file,\n"
    "also says whether each policy can run here and under which tier.\n"
    "\n"
    "  --json               print one JSON object instead of lines\n"
    "  --bwrap PATH         the bwrap to check (default: $CELL_BWRAP, then PATH)\n"
    "  --user NAME|UID      when run as root, the user cellrun would run bwrap as\n"
    "                       (default: nobody)\n"
    "  -p, -D, -I           as for 'cell compile'\n"
    "  -h, --help           show this help\n"
    "\n"
    "exit status: 0 nothing fails, 1 a check fails or a policy cannot run here,\n"
    "2 usage errors. docs/doctor.md describes every check.\n";

enum { EXIT_FAILS = 1, EXIT_USAGE = 2 };

struct doctor_args {
	struct cli_policy_args policy;
	const char *bwrap, *user, *target;
	bool json;
};

/* One policy to weigh: its needs, from a loaded bundle or one compiled here. */
struct target {
	char *name;
	struct rt_limits limits;
	struct hc_needs needs;
	struct hc_result tier[2]; /* bwrap, landlock */
	char *landlock;           /* the landlock piece, for needs */
};

struct targets {
	struct target *v;
	size_t n, cap;
};

/* ---- loading what to weigh ------------------------------------------------------ */

/* Fills a target from a manifest's fields and the limits and args pieces. */
static int add_target(struct targets *t, const struct rt_bundle *b, const void *limits,
                      size_t limits_len, const void *args, size_t args_len, const void *landlock,
                      size_t landlock_len)
{
	char err[512];
	struct target *x;
	xgrow((void **)&t->v, &t->cap, t->n + 1, sizeof(*t->v));
	x = &t->v[t->n];
	memset(x, 0, sizeof(*x));
	if (rt_limits_parse(limits, limits_len, &x->limits, err, sizeof(err)) < 0) {
		fprintf(stderr, "cell: bundle %s: %s\n", b->name, err);
		return -1;
	}
	x->name = xstrdup(b->name);
	x->needs = (struct hc_needs){
	    .name = x->name, .limits = &x->limits, .proc = hc_args_mount_proc(args, args_len)};
	memcpy(x->needs.bwrap_min, b->bwrap_min, sizeof(b->bwrap_min));
	if (b->version >= 2) {
		x->landlock = xstrndup(landlock ? landlock : "", landlock_len);
		x->needs.landlock = x->landlock;
		x->needs.landlock_len = landlock_len;
	}
	x->needs.fallback_landlock = b->fallback_landlock;
	t->n++;
	return 0;
}

static int load_bundle(const char *prefix, struct targets *t)
{
	char err[1024];
	struct rt_bundle b;
	if (rt_bundle_load_path(prefix, &b, err, sizeof(err)) < 0) {
		fprintf(stderr, "cell: %s\n", err);
		return EXIT_FAILS;
	}
	const struct rt_bytes *lim = &b.pieces[RT_PIECE_LIMITS].bytes;
	const struct rt_bytes *args = &b.pieces[RT_PIECE_ARGS].bytes;
	const struct rt_bytes *ll = &b.pieces[RT_PIECE_LANDLOCK].bytes;
	int rc = add_target(t, &b, lim->data, lim->len, args->data, args->len, ll->data, ll->len);
	rt_bundle_free(&b);
	return rc < 0 ? EXIT_FAILS : 0;
}

/* Compiles one resolved policy in memory and reads its manifest back the way
 * cellrun would. */
static int add_compiled(struct diag_ctx *d, const struct ir_policy *p, struct targets *t)
{
	struct bundle b;
	struct buf manifest;
	struct rt_bundle rb;
	char err[512];
	int rc = -1;
	bundle_init(&b, p);
	buf_init(&manifest);
	if (compile_bundle(d, &b) == 0 && bundle_render_manifest(p, &b, &manifest) == 0) {
		if (rt_manifest_parse(manifest.data, manifest.len, &rb, err, sizeof(err)) < 0) {
			fprintf(stderr, "cell: the manifest of %s: %s\n", b.name, err);
		} else {
			rc = add_target(t, &rb, b.limits.data, b.limits.len, b.args.data,
			                b.args.len, b.landlock.data, b.landlock.len);
			rt_bundle_free(&rb);
		}
	}
	buf_free(&manifest);
	bundle_free(&b);
	return rc;
}

static int load_policy(const char *path, const struct resolve_options *ro, struct targets *t)
{
	struct diag_ctx *d = diag_new(stderr);
	struct resolve_result res;
	int rc = resolve_file(d, path, ro, &res) == 0 ? 0 : EXIT_FAILS;
	for (size_t i = 0; rc == 0 && i < res.n_policies; i++)
		if (add_compiled(d, res.policies[i], t) < 0)
			rc = EXIT_FAILS;
	resolve_result_free(&res);
	diag_free(d);
	names_cleanup();
	return rc;
}

/* BUNDLE when PREFIX.manifest exists, else a policy file. */
static int load_target(const struct doctor_args *a, struct targets *t)
{
	struct stat st;
	char *manifest = xasprintf("%s.manifest", a->target);
	bool is_bundle = stat(manifest, &st) == 0;
	free(manifest);
	if (is_bundle)
		return load_bundle(a->target, t);
	if (stat(a->target, &st) < 0 || !S_ISREG(st.st_mode) || access(a->target, R_OK) < 0) {
		fprintf(stderr,
		        "cell: %s is neither a bundle (no %s.manifest) nor a readable policy "
		        "file\n",
		        a->target, a->target);
		return EXIT_USAGE;
	}
	return load_policy(a->target, &a->policy.ro, t);
}

/* ---- printing ---------------------------------------------------------------------- */

/* Text without its closing full stops: the line adds its own. */
static void put_sentence(const char *prefix, const char *text)
{
	int len = (int)strlen(text);
	while (len > 0 && text[len - 1] == '.')
		len--;
	printf("%s%.*s", prefix, len, text);
}

static void print_line(const char *label, const struct hc_result *r)
{
	printf("%-5s %-26s ", r->status == HC_OK ? "ok" : hc_status_name(r->status), label);
	put_sentence("", r->condition);
	if (r->breaks[0])
		put_sentence(". Breaks: ", r->breaks);
	if (r->fix[0])
		put_sentence(". Fix: ", r->fix);
	putchar('\n');
}

static void tier_text(const struct target *x, char *out, size_t size)
{
	const struct hc_result *b = &x->tier[0], *l = &x->tier[1];
	if (b->status == HC_OK)
		hc_text_cut(out, size, "runs here under the bwrap tier: %s", b->condition);
	else if (l->status == HC_OK)
		hc_text_cut(out, size, "runs here under the Landlock tier: %s (%s)", l->condition,
		            b->condition);
	else
		hc_text_cut(out, size, "cannot run here: %s; %s", b->condition, l->condition);
}

static void print_text(const struct hc_result *checks, size_t n, const struct targets *t)
{
	for (size_t i = 0; i < n; i++)
		print_line(checks[i].id, &checks[i]);
	for (size_t i = 0; i < t->n; i++) {
		const struct target *x = &t->v[i];
		struct hc_result r = x->tier[0];
		bool runs = x->tier[0].status == HC_OK || x->tier[1].status == HC_OK;
		r.status = runs ? HC_OK : HC_FAIL;
		tier_text(x, r.condition, sizeof(r.condition));
		r.breaks[0] = '\0';
		snprintf(r.fix, sizeof(r.fix), "%s", runs ? "" : x->tier[0].fix);
		char label[64];
		snprintf(label, sizeof(label), "tier %s", x->name);
		print_line(label, &r);
	}
}

static void json_result(struct buf *o, const struct hc_result *r, bool with_id)
{
	buf_puts(o, "{");
	if (with_id) {
		buf_puts(o, "\"id\":");
		buf_put_json_string(o, r->id);
		buf_puts(o, ",");
	}
	buf_puts(o, "\"status\":");
	buf_put_json_string(o, r->status == HC_FAIL ? "fail" : hc_status_name(r->status));
	const char *keys[] = {"condition", "breaks", "fix"};
	const char *values[] = {r->condition, r->breaks, r->fix};
	for (size_t k = 0; k < 3; k++) {
		buf_printf(o, ",\"%s\":", keys[k]);
		buf_put_json_string(o, values[k]);
	}
	buf_puts(o, "}");
}

static void print_json(const struct hc_result *checks, size_t n, const struct targets *t)
{
	struct buf o;
	buf_init(&o);
	buf_puts(&o, "{\"checks\":[");
	for (size_t i = 0; i < n; i++) {
		buf_puts(&o, i ? "," : "");
		json_result(&o, &checks[i], true);
	}
	buf_puts(&o, "],\"policies\":[");
	for (size_t i = 0; i < t->n; i++) {
		const struct target *x = &t->v[i];
		buf_puts(&o, i ? ",{\"name\":" : "{\"name\":");
		buf_put_json_string(&o, x->name);
		buf_puts(&o, ",\"tier\":");
		buf_puts(&o, x->tier[0].status == HC_OK   ? "\"bwrap\""
		             : x->tier[1].status == HC_OK ? "\"landlock\""
		                                          : "null");
		buf_puts(&o, ",\"bwrap\":");
		json_result(&o, &x->tier[0], false);
		buf_puts(&o, ",\"landlock\":");
		json_result(&o, &x->tier[1], false);
		buf_puts(&o, "}");
	}
	buf_puts(&o, "]}\n");
	fwrite(o.data, 1, o.len, stdout);
	buf_free(&o);
}

/* ---- the command ---------------------------------------------------------------------- */

/* Returns -1 to go on, or an exit status. */
static int parse_args(int argc, char **argv, struct doctor_args *a)
{
	enum { OPT_JSON = 256, OPT_BWRAP, OPT_USER };
	static const struct option options[] = {
	    CLI_POLICY_LONGOPTS,
	    {"json", no_argument, NULL, OPT_JSON},
	    {"bwrap", required_argument, NULL, OPT_BWRAP},
	    {"user", required_argument, NULL, OPT_USER},
	    {"help", no_argument, NULL, 'h'},
	    {NULL, 0, NULL, 0},
	};
	int c;
	optind = 1;
	while ((c = getopt_long(argc, argv, CLI_POLICY_SHORTOPTS "h", options, NULL)) != -1) {
		if (cli_policy_option(&a->policy, c, optarg))
			continue;
		switch (c) {
		case OPT_JSON:
			a->json = true;
			break;
		case OPT_BWRAP:
			a->bwrap = optarg;
			break;
		case OPT_USER:
			a->user = optarg;
			break;
		case 'h':
			fputs(cmd_doctor_usage, stdout);
			return 0;
		default:
			fputs(cmd_doctor_usage, stderr);
			return EXIT_USAGE;
		}
	}
	if (argc - optind > 1) {
		fprintf(stderr, "cell: doctor takes at most one bundle or policy, not '%s'\n%s",
		        argv[optind + 1], cmd_doctor_usage);
		return EXIT_USAGE;
	}
	a->target = optind < argc ? argv[optind] : NULL;
	return -1;
}

/* The user the probes act as: cellrun's choice (nobody, or --user) when root. */
static int probe_options(const struct doctor_args *a, struct hc_probe_options *o)
{
	char err[512];
	*o = (struct hc_probe_options){.bwrap = a->bwrap, .full = true};
	o->drop = geteuid() == 0 || getuid() == 0;
	if (!o->drop && a->user) {
		fprintf(stderr,
		        "cell: --user needs root (cellrun picks that user only when root)\n");
		return EXIT_USAGE;
	}
	if (o->drop && rt_resolve_user(a->user, &o->uid, &o->gid, err, sizeof(err)) < 0) {
		fprintf(stderr, "cell: %s\n", err);
		return EXIT_USAGE;
	}
	return -1;
}

static int diagnose(const struct doctor_args *a, struct targets *t)
{
	struct hc_probe_options po;
	struct hc_host h;
	int rc = probe_options(a, &po);
	if (rc >= 0)
		return rc;
	hc_probe(&h, &po);
	const struct hc_needs *needs = t->n == 1 ? &t->v[0].needs : NULL;
	struct hc_result *checks = xcalloc(hc_n_checks, sizeof(*checks));
	bool fails = false;
	for (size_t i = 0; i < hc_n_checks; i++) {
		hc_check(hc_check_ids[i], &h, needs, &checks[i]);
		fails |= checks[i].status == HC_FAIL;
	}
	if (t->n > 0)
		fails = false; /* with policies, their tiers decide */
	for (size_t i = 0; i < t->n; i++) {
		hc_bwrap_tier(&h, &t->v[i].needs, &t->v[i].tier[0]);
		hc_landlock_tier(&h, &t->v[i].needs, &t->v[i].tier[1]);
		fails |= t->v[i].tier[0].status != HC_OK && t->v[i].tier[1].status != HC_OK;
	}
	if (a->json)
		print_json(checks, hc_n_checks, t);
	else
		print_text(checks, hc_n_checks, t);
	free(checks);
	hc_host_free(&h);
	return fails ? EXIT_FAILS : 0;
}

int cmd_doctor(int argc, char **argv)
{
	struct doctor_args a = {0};
	struct targets t = {0};
	int rc = parse_args(argc, argv, &a);
	if (rc < 0 && a.target) {
		int loaded = load_target(&a, &t);
		rc = loaded ? loaded : -1;
	}
	if (rc < 0)
		rc = diagnose(&a, &t);
	fflush(stdout);
	for (size_t i = 0; i < t.n; i++) {
		free(t.v[i].name);
		free(t.v[i].landlock);
	}
	free(t.v);
	cli_policy_args_free(&a.policy);
	return rc;
}

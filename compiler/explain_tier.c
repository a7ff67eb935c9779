/* explain_tier.c - the tier a policy would run under here (explain_tier.h). */
#include "explain_tier.h"
#include "emit_landlock.h"

#include "../runtime/launch.h"
#include "../runtime/tier.h"
#include "../runtime/tier_run.h"

#include <string.h>
#include <unistd.h>

static void print_indented(FILE *out, const char *lines)
{
	for (const char *l = lines; l && *l;) {
		size_t len = strcspn(l, "\n");
		fprintf(out, "  %.*s\n", (int)len, l);
		l += len + (l[len] == '\n');
	}
}

void explain_tier(const struct ir_policy *p, FILE *out)
{
	char err[512];
	uid_t uid = getuid();
	gid_t gid = getgid();
	bool drop = geteuid() == 0 && rt_resolve_user(NULL, &uid, &gid, err, sizeof(err)) == 0;
	int userns = rt_userns_probe(drop, uid, gid);
	int abi = rt_landlock_abi();

	struct buf text;
	buf_init(&text);
	emit_landlock(p, NULL, &text); /* messages here may name this machine's paths */
	struct rt_ll_piece piece;
	struct rt_ll_plan plan = {0};
	size_t refusals = 1;
	if (rt_ll_piece_parse(text.data, text.len, &piece, err, sizeof(err)) == 0) {
		refusals = rt_ll_plan_preview(&piece, abi, &plan);
		rt_ll_piece_free(&piece);
	}
	bool fallback = p->fallback == IR_FALLBACK_LANDLOCK;
	if (userns == 0)
		fprintf(out, "tier here: bwrap (uid %u can create user namespaces)\n",
		        (unsigned)uid);
	else
		fprintf(out, "tier here: %s (uid %u cannot create user namespaces: %s%s)\n",
		        fallback && refusals == 0 ? "landlock" : "none", (unsigned)uid,
		        userns > 0 ? strerror(userns) : "the probe failed",
		        !fallback ? "; the policy has no `fallback landlock`" : "");
	fprintf(out, "landlock tier (Landlock ABI %d; fallback %s): ", abi,
	        fallback ? "landlock" : "none");
	if (refusals == 0) {
		fprintf(out, "can apply it here%s\n", plan.warnings ? ", with a warning:" : "");
		print_indented(out, plan.warnings);
	} else {
		fprintf(out, "cannot apply it here:\n");
		print_indented(out, plan.refusals ? plan.refusals : err);
	}
	rt_ll_plan_free(&plan);
	buf_free(&text);
}

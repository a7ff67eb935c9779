/*
 * explain_tier.h - which tier a policy would run under on this host, for
 * `cell explain`: bwrap when the user bwrap runs as (nobody, when cell runs
 * as root) can create a user namespace; otherwise the Landlock tier when
 * the policy says `fallback landlock` and that tier can express it here;
 * otherwise none. The Landlock tier's verdict is always given, with every
 * reason it would refuse the policy (runtime/tier.h), so that a policy can
 * be made ready for hosts without user namespaces before it meets one.
 *
 * The probes are cellrun's own (runtime/tier_run.h): a child that tries
 * unshare(CLONE_NEWUSER), and the kernel's Landlock ABI. Paths holding
 * params are left out of the host checks; cellrun checks them at run time.
 */
#ifndef CELL_EXPLAIN_TIER_H
#define CELL_EXPLAIN_TIER_H

#include "ir.h"

#include <stdio.h>

void explain_tier(const struct ir_policy *p, FILE *out);

#endif

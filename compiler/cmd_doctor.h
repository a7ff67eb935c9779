/*
 * cmd_doctor.h - `cell doctor`: can this host run sandboxes, and can it run
 * a given policy, under which tier.
 *
 *   cell doctor [--json] [--bwrap PATH] [--user NAME|UID] [-p NAME] [-D N=V]... [-I DIR]...
 *               [BUNDLE|POLICY]
 *
 * Probes the live host (hostcheck.h: files under /proc and /sys, children
 * that try what bwrap does as the user cellrun would run bwrap as, one real
 * bwrap sandbox, one cgroup per controller, the Landlock ABI) and prints
 * one line per check: `ok`, or the condition, what it breaks and the fix.
 *
 * With BUNDLE (a path prefix, as for cellrun: out/NAME for out/NAME.manifest)
 * the bundle is loaded and verified the way cellrun does; with POLICY (a
 * .cell or .yaml file) each of its policies, or -p's, is compiled in memory.
 * The checks then weigh that bundle's needs (its minimum bwrap, its limits,
 * whether it mounts /proc), and one `tier` line per policy says whether it
 * runs here and under which tier: bwrap, or Landlock (hc_landlock_tier). With several policies the checks are printed without
 * needs and only the tier lines weigh each one.
 *
 * --json prints one object: {"checks": [{"id", "status", "condition",
 * "breaks", "fix"}...], "policies": [{"name", "tier", "bwrap", "landlock"}]}.
 *
 * Exit status: 0 when nothing fails (with a policy: when every policy has a
 * tier here), 1 when a check fails or a policy cannot run here (or has
 * errors), 2 usage errors.
 */
#ifndef CELL_CMD_DOCTOR_H
#define CELL_CMD_DOCTOR_H

/* argv[0] is "doctor". Returns the exit status. */
int cmd_doctor(int argc, char **argv);

extern const char cmd_doctor_usage[];

#endif

/* test_hostcheck.c - every host check on recorded host states: a healthy
 * Debian machine, then one hostile condition at a time (WSL 1, sysctls,
 * AppArmor, a container's seccomp profile, chroot, rootfs, proot, masked
 * /proc, setuid bwrap under NO_NEW_PRIVS, old or missing bwrap, no seccomp,
 * cgroups, Landlock), the diagnosis cellrun prints and the tier verdicts. */
#include "hostcheck.h"

#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#define STATUS(seccomp, nnp, caps, tracer)                                                         \
	"Name:\tcell\nUmask:\t0022\nState:\tR (running)\nTracerPid:\t" tracer "\n"                 \
	"Uid:\t1000\t1000\t1000\t1000\nCapInh:\t0000000000000000\nCapPrm:\t" caps "\n"             \
	"CapEff:\t" caps "\nCapBnd:\t000001ffffffffff\nNoNewPrivs:\t" nnp "\n"                     \
	"Seccomp:\t" seccomp "\nSeccomp_filters:\t" seccomp "\n"

#define FULL_CAPS   "000001ffffffffff"
#define DOCKER_CAPS "00000000a80425fb" /* Docker's default set: no CAP_SYS_ADMIN */
#define NO_SETUID   "000001ffffffff3f" /* full, less CAP_SETGID and CAP_SETUID */

#define ROOT_LINE(fs, opt) "27 1 254:0 / / rw,relatime " opt "- " fs " /dev/vda rw\n"
#define PROC_LINE          "22 27 0:21 / /proc rw,nosuid,nodev,noexec,relatime shared:12 - proc proc rw\n"
#define BINFMT_LINE                                                                                \
	"40 22 0:40 / /proc/sys/fs/binfmt_misc rw,relatime shared:20 - binfmt_misc binfmt_misc "   \
	"rw\n"
#define KCORE_LINE "90 22 0:5 /null /proc/kcore rw,nosuid - devtmpfs udev rw\n"

static const char *const actions_6x = "kill_process kill_thread trap errno user_notif trace log "
                                      "allow\n";

/* The Ubuntu 24.04 profile that lets its bwrap create user namespaces. */
static const char *const ubuntu_profile =
    "abi <abi/4.0>,\ninclude <tunables/global>\n\n"
    "profile bwrap /usr/bin/bwrap flags=(unconfined) {\n  userns,\n\n"
    "  include if exists <local/bwrap>\n}\n";

static struct hc_host healthy(void)
{
	return (struct hc_host){
	    .osrelease = "6.1.0-18-amd64\n",
	    .has_userns = true,
	    .userns_clone = "1\n",
	    .max_userns = "63289\n",
	    .status = STATUS("0", "0", "0000000000000000", "0"),
	    .mountinfo = ROOT_LINE("ext4", "shared:1 ") PROC_LINE BINFMT_LINE,
	    .seccomp_actions = actions_6x,
	    .euid = 1000,
	    .bwrap = "/usr/bin/bwrap",
	    .bwrap_version = {0, 8, 0},
	    .run_uid = 1000,
	    .ns = {0, 0, 0, 0},
	    .bwrap_ran = true,
	    .bwrap_exit = 0,
	    .bwrap_stderr = "",
	    .cgroup_probed = true,
	    .cgroup_version = "v2",
	    .landlock_abi = 3,
	};
}

static struct hc_result check(const char *id, const struct hc_host *h, const struct hc_needs *n)
{
	struct hc_result r;
	assert_int_equal(hc_check(id, h, n, &r), 0);
	assert_string_equal(r.id, id);
	return r;
}

static void assert_has(const char *haystack, const char *needle)
{
	if (!strstr(haystack, needle))
		fail_msg("'%s' not in '%s'", needle, haystack);
}

static void expect(const char *id, const struct hc_host *h, enum hc_status s, const char *needle)
{
	struct hc_result r = check(id, h, NULL);
	if (r.status != s)
		fail_msg("%s: status %s, expected %s (%s)", id, hc_status_name(r.status),
		         hc_status_name(s), r.condition);
	assert_has(r.condition, needle);
	/* A condition that is not ok always says what it breaks. */
	if (s == HC_FAIL || s == HC_WARN)
		assert_true(r.breaks[0] != '\0' && r.fix[0] != '\0');
}

static void diagnosed(const struct hc_host *h, const char *what, const char *cause, const char *fix)
{
	struct hc_diagnosis d;
	assert_true(hc_diagnose(h, NULL, &d));
	assert_string_equal(d.what, what);
	assert_has(d.cause, cause);
	assert_has(d.fix, fix);
}

/* ---- a healthy host --------------------------------------------------------------- */

static void test_healthy_host_has_no_failure(void **state)
{
	(void)state;
	struct hc_host h = healthy();
	struct hc_diagnosis d;
	for (size_t i = 0; i < hc_n_checks; i++) {
		struct hc_result r = check(hc_check_ids[i], &h, NULL);
		if (r.status >= HC_WARN)
			fail_msg("%s: %s", r.id, r.condition);
	}
	assert_false(hc_diagnose(&h, NULL, &d));
	expect("userns", &h, HC_OK, "uid 1000 can create a user namespace");
	expect("bwrap", &h, HC_OK, "bwrap 0.8.0 at /usr/bin/bwrap");
	expect("root-mount", &h, HC_OK, "shared propagation");
}

static void test_unknown_check(void **state)
{
	(void)state;
	struct hc_host h = healthy();
	struct hc_result r;
	assert_int_equal(hc_check("no-such-check", &h, NULL, &r), -1);
}

/* ---- the kernel ------------------------------------------------------------------- */

static void test_wsl1(void **state)
{
	(void)state;
	struct hc_host h = healthy();
	h.osrelease = "4.4.0-19041-Microsoft\n";
	h.has_userns = false;
	h.ns.userns = EINVAL;
	expect("kernel-userns", &h, HC_FAIL, "WSL 1 (kernel 4.4.0-19041-Microsoft)");
	diagnosed(&h, "create a user namespace", "WSL 1", "wsl --set-version");
	h.osrelease = "5.15.90.1-microsoft-standard-WSL2\n";
	h.has_userns = true;
	expect("kernel-userns", &h, HC_OK, "WSL2");
}

static void test_kernel_without_userns(void **state)
{
	(void)state;
	struct hc_host h = healthy();
	h.has_userns = false;
	h.ns.userns = EINVAL;
	expect("kernel-userns", &h, HC_FAIL, "CONFIG_USER_NS is off");
	expect("userns", &h, HC_FAIL, "fails with EINVAL");
	diagnosed(&h, "create a user namespace", "no user namespaces", "CONFIG_USER_NS=y");
}

static void test_unprivileged_userns_clone_off(void **state)
{
	(void)state;
	struct hc_host h = healthy();
	h.userns_clone = "0\n";
	h.ns.userns = EPERM;
	expect("unprivileged-userns-clone", &h, HC_FAIL, "is 0: only root");
	diagnosed(&h, "create a user namespace", "kernel.unprivileged_userns_clone is 0",
	          "sysctl -w kernel.unprivileged_userns_clone=1");
	/* Absent on kernels without Debian's switch. */
	h = healthy();
	h.userns_clone = NULL;
	expect("unprivileged-userns-clone", &h, HC_OK, "does not exist");
}

static void test_max_user_namespaces_zero(void **state)
{
	(void)state;
	struct hc_host h = healthy();
	h.max_userns = "0\n";
	h.ns.userns = ENOSPC;
	expect("max-user-namespaces", &h, HC_FAIL, "user.max_user_namespaces is 0");
	diagnosed(&h, "create a user namespace", "user.max_user_namespaces is 0",
	          "sysctl -w user.max_user_namespaces=");
	/* It stops a setuid bwrap too. */
	h.bwrap_setuid = true;
	expect("max-user-namespaces", &h, HC_FAIL, "is 0");
}

static void test_max_user_namespaces_used_up(void **state)
{
	(void)state;
	struct hc_host h = healthy();
	h.max_userns = "10\n";
	h.ns.userns = ENOSPC;
	expect("max-user-namespaces", &h, HC_FAIL, "(10) is used up");
}

/* ---- AppArmor ---------------------------------------------------------------------- */

static void test_apparmor_restriction_without_profile(void **state)
{
	(void)state;
	struct hc_host h = healthy();
	h.apparmor_restrict = "1\n";
	h.ns.idmap = EACCES;
	h.ns.mount = h.ns.proc = HC_NOT_TRIED;
	expect("apparmor-userns", &h, HC_FAIL,
	       "no profile in /etc/apparmor.d allows them for "
	       "/usr/bin/bwrap");
	expect("userns", &h, HC_FAIL, "cannot map its ids in it (EACCES)");
	diagnosed(&h, "create a user namespace", "AppArmor restricts",
	          "kernel.apparmor_restrict_unprivileged_userns=0");
	/* A profile for another binary does not count. */
	h.apparmor_profiles = ubuntu_profile;
	h.bwrap = "/opt/bwrap/bin/bwrap";
	expect("apparmor-userns", &h, HC_FAIL, "/opt/bwrap/bin/bwrap");
}

static void test_apparmor_restriction_with_profile(void **state)
{
	(void)state;
	struct hc_host h = healthy();
	h.apparmor_restrict = "1\n";
	h.apparmor_profiles = ubuntu_profile;
	expect("apparmor-userns", &h, HC_OK, "profile 'bwrap' allows them for /usr/bin/bwrap");
	/* The probe, unconfined, is restricted; bwrap is not: no failure. */
	h.ns = (struct hc_ns_probe){0, EPERM, HC_NOT_TRIED, HC_NOT_TRIED};
	expect("userns", &h, HC_NOTE, "profile 'bwrap' exempts bwrap");
	struct hc_diagnosis d;
	assert_false(hc_diagnose(&h, NULL, &d));
	/* An older profile without the `profile` keyword. */
	h.apparmor_profiles = "#include <tunables/global>\n"
	                      "/usr/local/bin/bwrap flags=(unconfined) {\n  userns,\n}\n";
	h.bwrap = "/usr/local/bin/bwrap";
	expect("apparmor-userns", &h, HC_OK, "allows them for /usr/local/bin/bwrap");
	/* A profile without `userns` does not count. */
	h.apparmor_profiles = "profile bwrap /usr/local/bin/bwrap {\n  capability,\n}\n"
	                      "profile other /usr/bin/other {\n  userns,\n}\n";
	expect("apparmor-userns", &h, HC_FAIL, "no profile");
	expect("userns", &h, HC_FAIL, "cannot map its ids in it (EPERM)");
	h.apparmor_restrict = "0\n";
	expect("apparmor-userns", &h, HC_OK, "does not restrict");
}

/* ---- containers ------------------------------------------------------------------- */

static void test_container_seccomp_blocks_userns(void **state)
{
	(void)state;
	struct hc_host h = healthy();
	h.status = STATUS("2", "1", "0000000000000000", "0");
	h.dockerenv = true;
	h.ns = (struct hc_ns_probe){EPERM, HC_NOT_TRIED, HC_NOT_TRIED, HC_NOT_TRIED};
	expect("seccomp-userns", &h, HC_FAIL, "blocked by a seccomp filter on this process");
	expect("container", &h, HC_NOTE, "Docker");
	diagnosed(&h, "create a user namespace", "seccomp filter", "CLONE_NEWUSER");
	struct hc_result tier;
	hc_bwrap_tier(&h, NULL, &tier);
	assert_int_equal(tier.status, HC_FAIL);
	assert_has(tier.condition, "seccomp-userns");
}

static void test_seccomp_filter_that_allows_userns(void **state)
{
	(void)state;
	struct hc_host h = healthy();
	h.status = STATUS("2", "1", "0000000000000000", "0");
	expect("seccomp-userns", &h, HC_NOTE, "lets user namespaces through");
	/* When the sysctl explains the EPERM, the filter is not blamed. */
	h.userns_clone = "0\n";
	h.ns.userns = EPERM;
	expect("seccomp-userns", &h, HC_NOTE, "another check explains");
	diagnosed(&h, "create a user namespace", "unprivileged_userns_clone", "sysctl");
	h = healthy();
	h.containerenv = true;
	expect("container", &h, HC_NOTE, "Podman");
}

static void test_root_capabilities(void **state)
{
	(void)state;
	struct hc_host h = healthy();
	h.euid = 0;
	h.run_uid = 65534;
	h.status = STATUS("0", "0", FULL_CAPS, "0");
	expect("root-caps", &h, HC_OK, "bwrap runs as uid 65534");
	h.status = STATUS("0", "0", DOCKER_CAPS, "0");
	expect("root-caps", &h, HC_NOTE, "without CAP_SYS_ADMIN");
	h.status = STATUS("0", "0", NO_SETUID, "0");
	expect("root-caps", &h, HC_FAIL, "without CAP_SETUID or CAP_SETGID");
}

/* ---- mounts ------------------------------------------------------------------------- */

static void test_root_mount(void **state)
{
	(void)state;
	struct hc_host h = healthy();
	h.mountinfo = PROC_LINE; /* a chroot: / is not among the mounts */
	h.ns.userns = EPERM;
	expect("root-mount", &h, HC_FAIL, "not a mount point");
	diagnosed(&h, "create a user namespace", "a chroot?", "pivot_root");
	h.ns.userns = 0;
	h.ns.mount = EINVAL;
	diagnosed(&h, "set up its mount namespace", "a chroot?", "pivot_root");
	h = healthy();
	h.mountinfo = "1 0 0:2 / / rw - rootfs rootfs rw\n" PROC_LINE;
	expect("root-mount", &h, HC_FAIL, "rootfs");
	h.mountinfo = ROOT_LINE("ext4", "") PROC_LINE;
	expect("root-mount", &h, HC_NOTE, "private mount propagation");
	h.mountinfo = ROOT_LINE("overlay", "master:1 ") PROC_LINE;
	expect("root-mount", &h, HC_OK, "overlay, slave propagation");
	h.mountinfo = NULL;
	expect("root-mount", &h, HC_NOTE, "cannot be read");
}

static void test_proot(void **state)
{
	(void)state;
	struct hc_host h = healthy();
	h.status = STATUS("0", "0", "0000000000000000", "4242");
	h.tracer_comm = "proot\n";
	h.ns.userns = ENOSYS;
	expect("ptrace", &h, HC_FAIL, "proot (ptrace emulation, tracer pid 4242)");
	diagnosed(&h, "create a user namespace", "proot", "outside proot");
	h.tracer_comm = "strace\n";
	expect("ptrace", &h, HC_NOTE, "traced by pid 4242 (strace)");
}

static void test_masked_proc(void **state)
{
	(void)state;
	struct hc_host h = healthy();
	h.mountinfo = ROOT_LINE("overlay", "") PROC_LINE BINFMT_LINE KCORE_LINE;
	h.ns.proc = EPERM;
	expect("proc-mount", &h, HC_FAIL, "/proc is partly covered: /proc/kcore");
	struct hc_result r = check("proc-mount", &h, NULL);
	assert_null(strstr(r.condition, "binfmt_misc"));
	diagnosed(&h, "mount a new /proc", "cannot be mounted", "systempaths=unconfined");
	/* A policy without `proc /proc` does not care. */
	struct hc_needs n = {.name = "noproc", .proc = false};
	r = check("proc-mount", &h, &n);
	assert_int_equal(r.status, HC_NOTE);
	struct hc_diagnosis d;
	assert_false(hc_diagnose(&h, &n, &d));
	h.ns.proc = HC_NOT_TRIED;
	expect("proc-mount", &h, HC_NOTE, "not tried");
}

/* ---- bwrap ---------------------------------------------------------------------------- */

static void test_setuid_bwrap_under_no_new_privs(void **state)
{
	(void)state;
	struct hc_host h = healthy();
	h.bwrap_setuid = true;
	expect("setuid-bwrap", &h, HC_NOTE, "is setuid root");
	h.status = STATUS("0", "1", "0000000000000000", "0");
	expect("setuid-bwrap", &h, HC_WARN, "NO_NEW_PRIVS is already set");
	/* With unprivileged user namespaces off, it is what stops bwrap. */
	h.userns_clone = "0\n";
	h.ns.userns = EPERM;
	expect("setuid-bwrap", &h, HC_FAIL, "runs without its privilege");
	expect("unprivileged-userns-clone", &h, HC_FAIL, "is 0");
	diagnosed(&h, "create a user namespace", "NO_NEW_PRIVS is already set", "sysctl");
	/* Without NO_NEW_PRIVS, the setuid bwrap does not need the sysctl. */
	h.status = STATUS("0", "0", "0000000000000000", "0");
	expect("unprivileged-userns-clone", &h, HC_NOTE, "setuid root");
	expect("userns", &h, HC_NOTE, "creates them itself");
	struct hc_diagnosis d;
	assert_false(hc_diagnose(&h, NULL, &d));
}

static void test_missing_bwrap(void **state)
{
	(void)state;
	struct hc_host h = healthy();
	h.bwrap = NULL;
	h.bwrap_error = "cannot find bwrap (bubblewrap) on PATH";
	h.bwrap_ran = false;
	memset(h.bwrap_version, 0, sizeof(h.bwrap_version));
	expect("bwrap", &h, HC_FAIL, "cannot find bwrap");
	expect("bwrap-run", &h, HC_NOTE, "(no bwrap)");
	struct hc_result r = check("bwrap", &h, NULL);
	assert_has(r.fix, "apt install bubblewrap");
}

static void test_old_bwrap(void **state)
{
	(void)state;
	struct hc_host h = healthy();
	unsigned old[3] = {0, 4, 1};
	memcpy(h.bwrap_version, old, sizeof(old));
	struct hc_needs n = {.name = "task", .bwrap_min = {0, 7, 0}, .proc = true};
	struct hc_result r = check("bwrap", &h, &n);
	assert_int_equal(r.status, HC_FAIL);
	assert_has(r.condition, "/usr/bin/bwrap is bwrap 0.4.1; bundle task needs 0.7.0 or newer");
	hc_bwrap_tier(&h, &n, &r);
	assert_int_equal(r.status, HC_FAIL);
	assert_has(r.condition, "failing: bwrap");
	/* Without a bundle there is nothing to compare with. */
	expect("bwrap", &h, HC_OK, "bwrap 0.4.1");
	memset(h.bwrap_version, 0, sizeof(h.bwrap_version));
	h.bwrap_error = "bwrap --version printed 'hello'";
	expect("bwrap", &h, HC_FAIL, "printed 'hello'");
}

static void test_bwrap_run_failure(void **state)
{
	(void)state;
	struct hc_host h = healthy();
	h.bwrap_exit = 1;
	h.bwrap_stderr = "bwrap: Creating new namespace failed: Operation not permitted\nmore\n";
	expect("bwrap-run", &h, HC_FAIL,
	       "(exit status 1): bwrap: Creating new namespace failed: Operation not permitted");
	struct hc_result r = check("bwrap-run", &h, NULL);
	assert_null(strstr(r.condition, "more"));
	h.bwrap_ran = false;
	expect("bwrap-run", &h, HC_NOTE, "no bwrap sandbox was tried");
}

/* ---- seccomp, cgroups, Landlock ---------------------------------------------------------- */

static void test_kernel_seccomp(void **state)
{
	(void)state;
	struct hc_host h = healthy();
	expect("seccomp", &h, HC_OK, "kill_process");
	h.seccomp_actions = NULL;
	expect("seccomp", &h, HC_FAIL, "no seccomp filtering");
	h.seccomp_actions = "kill trap errno trace allow\n"; /* a 4.9 kernel */
	expect("seccomp", &h, HC_FAIL, "lacks the action kill_process");
}

static void test_cgroups(void **state)
{
	(void)state;
	struct hc_host h = healthy();
	h.cgroup_version = "v1";
	expect("cgroups", &h, HC_OK, "cgroup v1: this user can place memory, pids and cpu");
	h.cgroup_error[HC_CPU] = "cannot create a cgroup for the cpu limit: no cpu controller. "
	                         "Fix: mount the cpu controller";
	expect("cgroups", &h, HC_NOTE,
	       "can place memory, pids limits, not cpu: cannot create a "
	       "cgroup for the cpu limit: no cpu controller");
	struct rt_limits l = {.cpu_millicores = {.set = true, .value = 500}};
	struct hc_needs n = {.name = "task", .limits = &l, .proc = true};
	struct hc_result r = check("cgroups", &h, &n);
	assert_int_equal(r.status, HC_FAIL);
	assert_has(r.breaks, "bundle task: its cpu limit cannot be enforced");
	assert_string_equal(r.fix, "mount the cpu controller");
	hc_bwrap_tier(&h, &n, &r);
	assert_int_equal(r.status, HC_FAIL);
	assert_has(r.condition, "cgroups");
	l.cpu_millicores.best_effort = true;
	r = check("cgroups", &h, &n);
	assert_int_equal(r.status, HC_WARN);
	hc_bwrap_tier(&h, &n, &r);
	assert_int_equal(r.status, HC_OK);
	assert_has(r.condition, "best-effort limit is not enforced");
	/* A limit of another kind is enforceable. */
	l = (struct rt_limits){.pids = {.set = true, .value = 64}};
	r = check("cgroups", &h, &n);
	assert_int_equal(r.status, HC_NOTE);
	h.cgroup_error[HC_MEMORY] = h.cgroup_error[HC_PIDS] = "Permission denied";
	expect("cgroups", &h, HC_NOTE, "can place no cgroup limit (memory, pids, cpu)");
	h.cgroup_probed = false;
	expect("cgroups", &h, HC_NOTE, "not probed");
}

static void test_landlock(void **state)
{
	(void)state;
	struct hc_host h = healthy();
	h.landlock_abi = 0;
	expect("landlock", &h, HC_NOTE, "not available");
	h.landlock_abi = 4;
	expect("landlock", &h, HC_OK, "ABI 4: file system rules, TCP bind/connect rules");
	h.landlock_abi = 6;
	expect("landlock", &h, HC_OK, "signal scoping");
	h.landlock_abi = -1;
	expect("landlock", &h, HC_NOTE, "not probed");
}

/* ---- tiers --------------------------------------------------------------------------------- */

static void test_tiers(void **state)
{
	(void)state;
	struct hc_host h = healthy();
	struct rt_limits l = {.memory_bytes = {.set = true, .value = 1 << 20}};
	struct hc_needs n = {.name = "task", .bwrap_min = {0, 7, 0}, .limits = &l, .proc = true};
	struct hc_result r;
	hc_bwrap_tier(&h, &n, &r);
	assert_int_equal(r.status, HC_OK);
	assert_has(r.condition, "bwrap 0.8.0 can run task here");
	hc_landlock_tier(&h, &n, &r);
	assert_int_equal(r.status, HC_FAIL);
	assert_has(r.condition, "not available");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_healthy_host_has_no_failure),
	    cmocka_unit_test(test_unknown_check),
	    cmocka_unit_test(test_wsl1),
	    cmocka_unit_test(test_kernel_without_userns),
	    cmocka_unit_test(test_unprivileged_userns_clone_off),
	    cmocka_unit_test(test_max_user_namespaces_zero),
	    cmocka_unit_test(test_max_user_namespaces_used_up),
	    cmocka_unit_test(test_apparmor_restriction_without_profile),
	    cmocka_unit_test(test_apparmor_restriction_with_profile),
	    cmocka_unit_test(test_container_seccomp_blocks_userns),
	    cmocka_unit_test(test_seccomp_filter_that_allows_userns),
	    cmocka_unit_test(test_root_capabilities),
	    cmocka_unit_test(test_root_mount),
	    cmocka_unit_test(test_proot),
	    cmocka_unit_test(test_masked_proc),
	    cmocka_unit_test(test_setuid_bwrap_under_no_new_privs),
	    cmocka_unit_test(test_missing_bwrap),
	    cmocka_unit_test(test_old_bwrap),
	    cmocka_unit_test(test_bwrap_run_failure),
	    cmocka_unit_test(test_kernel_seccomp),
	    cmocka_unit_test(test_cgroups),
	    cmocka_unit_test(test_landlock),
	    cmocka_unit_test(test_tiers),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}

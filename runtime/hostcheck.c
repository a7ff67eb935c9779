/* hostcheck.c - the host checks, the diagnosis and the tier verdicts: pure
 * functions of a recorded host (hostcheck.h). */
#include "hostcheck.h"
#include "tier.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define CAP_SETGID_BIT    6
#define CAP_SETUID_BIT    7
#define CAP_SYS_ADMIN_BIT 21

static const char landlock_fix[] = "or let the policy fall back to the Landlock tier "
                                   "(`fallback landlock`)";

/* ---- reading the recorded files ---------------------------------------------- */

/* The value of "Key:" in /proc/self/status, without blanks; "" when absent. */
static const char *status_field(const struct hc_host *h, const char *key, char *buf, size_t size)
{
	buf[0] = '\0';
	size_t klen = strlen(key);
	for (const char *line = h->status; line && *line;) {
		if (strncmp(line, key, klen) == 0 && line[klen] == ':') {
			const char *v = line + klen + 1;
			v += strspn(v, " \t");
			snprintf(buf, size, "%.*s", (int)strcspn(v, " \t\n"), v);
			return buf;
		}
		const char *nl = strchr(line, '\n');
		line = nl ? nl + 1 : NULL;
	}
	return buf;
}

static bool has_status_field(const struct hc_host *h, const char *key)
{
	char buf[8];
	return h->status && (status_field(h, key, buf, sizeof(buf))[0] != '\0');
}

static bool no_new_privs(const struct hc_host *h)
{
	char buf[8];
	return strcmp(status_field(h, "NoNewPrivs", buf, sizeof(buf)), "1") == 0;
}

static bool has_capability(const struct hc_host *h, int bit)
{
	char buf[32];
	unsigned long long caps = strtoull(status_field(h, "CapEff", buf, sizeof(buf)), NULL, 16);
	return (caps >> bit) & 1;
}

/* The first word of a sysctl file ("0\n" -> "0"). */
static const char *sysctl_word(const char *text, char *buf, size_t size)
{
	if (!text)
		return NULL;
	text += strspn(text, " \t\n");
	snprintf(buf, size, "%.*s", (int)strcspn(text, " \t\n"), text);
	return buf;
}

static bool sysctl_is(const char *text, const char *value)
{
	char buf[32];
	const char *w = sysctl_word(text, buf, sizeof(buf));
	return w && strcmp(w, value) == 0;
}

/* One line of /proc/self/mountinfo, split into what the checks read. */
struct mount_line {
	char point[256];
	char fstype[64];
	bool shared, slave;
};

static bool parse_mount_line(const char *line, struct mount_line *m)
{
	char fields[8][256];
	int n = 0;
	const char *p = line;
	memset(m, 0, sizeof(*m));
	while (n < 8 && *p && *p != '\n') {
		size_t len = strcspn(p, " \n");
		snprintf(fields[n++], sizeof(fields[0]), "%.*s", (int)len, p);
		p += len;
		p += strspn(p, " ");
		if (n >= 6 && strcmp(fields[n - 1], "-") == 0)
			break;
		if (n >= 7) { /* optional fields: shared:N, master:N, ... */
			m->shared |= strncmp(fields[n - 1], "shared:", 7) == 0;
			m->slave |= strncmp(fields[n - 1], "master:", 7) == 0;
			n = 6;
		}
	}
	if (n < 6 || strcmp(fields[n - 1], "-") != 0)
		return false;
	snprintf(m->point, sizeof(m->point), "%s", fields[4]);
	snprintf(m->fstype, sizeof(m->fstype), "%.*s", (int)strcspn(p, " \n"), p);
	return true;
}

/* Calls fn for every parsable line; stops when fn returns true. */
static bool each_mount(const struct hc_host *h, bool (*fn)(const struct mount_line *, void *),
                       void *ctx)
{
	for (const char *line = h->mountinfo; line && *line;) {
		struct mount_line m;
		if (parse_mount_line(line, &m) && fn(&m, ctx))
			return true;
		const char *nl = strchr(line, '\n');
		line = nl ? nl + 1 : NULL;
	}
	return false;
}

static bool is_root_mount(const struct mount_line *m, void *ctx)
{
	if (strcmp(m->point, "/") != 0)
		return false;
	*(struct mount_line *)ctx = *m; /* the last one wins: it is on top */
	return false;
}

static bool find_root_mount(const struct hc_host *h, struct mount_line *out)
{
	out->point[0] = '\0';
	each_mount(h, is_root_mount, out);
	return out->point[0] != '\0';
}

static bool chrooted(const struct hc_host *h)
{
	struct mount_line root;
	return h->mountinfo && !find_root_mount(h, &root);
}

struct text_list {
	char *text;
	size_t size;
};

static bool add_proc_cover(const struct mount_line *m, void *ctx)
{
	struct text_list *l = ctx;
	/* binfmt_misc sits on an empty directory of /proc/sys, which does not
	 * stop a fresh proc mount; anything else over /proc can. */
	if (strncmp(m->point, "/proc/", 6) == 0 && strcmp(m->fstype, "binfmt_misc") != 0) {
		size_t used = strlen(l->text);
		snprintf(l->text + used, l->size - used, "%s%s", used ? ", " : "", m->point);
	}
	return false;
}

static const char *errno_name(int e)
{
	static char buf[32];
	switch (e) {
	case EPERM:
		return "EPERM";
	case EACCES:
		return "EACCES";
	case EINVAL:
		return "EINVAL";
	case ENOSPC:
		return "ENOSPC";
	case EUSERS:
		return "EUSERS";
	case ENOSYS:
		return "ENOSYS";
	default:
		snprintf(buf, sizeof(buf), "errno %d", e);
		return buf;
	}
}

/* ---- results ----------------------------------------------------------------- */

static void put(char *dst, const char *fmt, va_list ap)
{
	vsnprintf(dst, HC_TEXT, fmt, ap);
}

__attribute__((format(printf, 3, 4))) static void cond(struct hc_result *r, enum hc_status s,
                                                       const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	r->status = s;
	put(r->condition, fmt, ap);
	va_end(ap);
}

__attribute__((format(printf, 2, 3))) static void breaks(struct hc_result *r, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	put(r->breaks, fmt, ap);
	va_end(ap);
}

__attribute__((format(printf, 2, 3))) static void fix(struct hc_result *r, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	put(r->fix, fmt, ap);
	va_end(ap);
}

const char *hc_status_name(enum hc_status s)
{
	static const char *const names[] = {"ok", "note", "warn", "FAIL"};
	return names[s];
}

/* A setuid-root bwrap that the kernel will really run as root creates its
 * namespaces itself: the limits on unprivileged ones do not apply to it. */
static bool setuid_privileged(const struct hc_host *h)
{
	return h->bwrap && h->bwrap_setuid && !no_new_privs(h);
}

static bool probe_failed(int step)
{
	return step != 0 && step != HC_NOT_TRIED;
}

bool hc_args_mount_proc(const void *args, size_t len)
{
	const char *a = args;
	for (size_t at = 0, n; at < len; at += n + 1) {
		n = strnlen(a + at, len - at);
		if (n == 6 && memcmp(a + at, "--proc", 6) == 0)
			return true;
	}
	return false;
}

/* ---- the checks ------------------------------------------------------------------ */

typedef void check_fn(const struct hc_host *h, const struct hc_needs *n, struct hc_result *r);

static void check_kernel_userns(const struct hc_host *h, const struct hc_needs *n,
                                struct hc_result *r)
{
	(void)n;
	const char *rel = h->osrelease ? h->osrelease : "";
	int len = (int)strcspn(rel, "\n");
	if (strstr(rel, "Microsoft") && !strstr(rel, "WSL2")) {
		cond(r, HC_FAIL, "this is WSL 1 (kernel %.*s), which has no user namespaces", len,
		     rel);
		breaks(r, "every bwrap sandbox: cell's argument files always unshare the user "
		          "namespace");
		fix(r, "move the distribution to WSL 2 (wsl --set-version DISTRO 2)");
	} else if (!h->has_userns) {
		cond(r, HC_FAIL,
		     "the kernel has no user namespaces (no /proc/self/ns/user: "
		     "CONFIG_USER_NS is off)");
		breaks(r, "every bwrap sandbox: cell's argument files always unshare the user "
		          "namespace");
		fix(r, "boot a kernel built with CONFIG_USER_NS=y, %s", landlock_fix);
	} else {
		cond(r, HC_OK, "the kernel has user namespaces (%.*s)", len, rel);
	}
}

static void check_userns_clone(const struct hc_host *h, const struct hc_needs *n,
                               struct hc_result *r)
{
	(void)n;
	if (!h->userns_clone) {
		cond(r, HC_OK,
		     "kernel.unprivileged_userns_clone does not exist here (a kernel "
		     "without Debian's switch)");
	} else if (!sysctl_is(h->userns_clone, "0")) {
		cond(r, HC_OK, "kernel.unprivileged_userns_clone is 1");
	} else if (setuid_privileged(h)) {
		cond(r, HC_NOTE,
		     "kernel.unprivileged_userns_clone is 0, but bwrap is setuid root "
		     "and does not need it");
	} else {
		cond(r, HC_FAIL,
		     "kernel.unprivileged_userns_clone is 0: only root may create user "
		     "namespaces");
		breaks(r, "bwrap, which runs as uid %u: \"No permissions to create new namespace\"",
		       (unsigned)h->run_uid);
		fix(r, "sysctl -w kernel.unprivileged_userns_clone=1 (as root; persist it in "
		       "/etc/sysctl.d/)");
	}
}

static void check_max_userns(const struct hc_host *h, const struct hc_needs *n, struct hc_result *r)
{
	(void)n;
	char buf[32];
	const char *v = sysctl_word(h->max_userns, buf, sizeof(buf));
	if (!v) {
		cond(r, HC_NOTE, "user.max_user_namespaces cannot be read");
	} else if (strcmp(v, "0") == 0) {
		cond(r, HC_FAIL,
		     "user.max_user_namespaces is 0: no user namespace may be created "
		     "here");
		breaks(r, "every bwrap sandbox, setuid or not: creating its user namespace fails "
		          "with ENOSPC");
		fix(r,
		    "sysctl -w user.max_user_namespaces=15000 as root where it was set to 0 (the "
		    "host, or the namespace this one runs in); persist it in /etc/sysctl.d/");
	} else if (h->ns.userns == ENOSPC || h->ns.userns == EUSERS) {
		cond(r, HC_FAIL,
		     "user.max_user_namespaces (%s) is used up, here or in a "
		     "namespace above this one",
		     v);
		breaks(r, "every bwrap sandbox: creating its user namespace fails with %s",
		       errno_name(h->ns.userns));
		fix(r, "raise user.max_user_namespaces where it is lower (sysctl -w), or end the "
		       "processes that hold user namespaces");
	} else {
		cond(r, HC_OK, "user.max_user_namespaces is %s", v);
	}
}

/* Whether a profile in the recorded /etc/apparmor.d files attaches to
 * `path` and allows `userns`: a header `profile NAME PATH ... {` or
 * `PATH ... {`, with `userns` before the next header. */
static bool apparmor_covers(const char *profiles, const char *path, char *name, size_t size)
{
	size_t plen = strlen(path);
	for (const char *line = profiles; line && *line;) {
		const char *p = line + strspn(line, " \t");
		const char *attach = p, *word = p;
		if (strncmp(p, "profile ", 8) == 0) {
			word = p + 8 + strspn(p + 8, " \t");
			attach = word + strcspn(word, " \t\n");
			attach += strspn(attach, " \t");
		}
		attach += *attach == '"';
		const char *next = strstr(attach, "\nprofile ");
		const char *allow = strstr(attach, "userns");
		if (strncmp(attach, path, plen) == 0 && attach[plen] &&
		    strchr(" \t\"{", attach[plen]) && allow && (!next || allow < next)) {
			snprintf(name, size, "%.*s", (int)strcspn(word, " \t\n\""), word);
			return true;
		}
		const char *nl = strchr(line, '\n');
		line = nl ? nl + 1 : NULL;
	}
	return false;
}

/* Under AppArmor's restriction the probe, an unconfined program, gets no
 * capabilities in its user namespace; bwrap may have a profile that exempts
 * it. Then the probe's failure says nothing about bwrap. */
static bool apparmor_exempts_bwrap(const struct hc_host *h, char *name, size_t size)
{
	return h->bwrap && sysctl_is(h->apparmor_restrict, "1") &&
	       apparmor_covers(h->apparmor_profiles, h->bwrap, name, size);
}

static void check_apparmor(const struct hc_host *h, const struct hc_needs *n, struct hc_result *r)
{
	(void)n;
	char profile[128];
	if (!h->apparmor_restrict || !sysctl_is(h->apparmor_restrict, "1")) {
		cond(r, HC_OK, "AppArmor does not restrict unprivileged user namespaces");
	} else if (h->bwrap &&
	           apparmor_covers(h->apparmor_profiles, h->bwrap, profile, sizeof(profile))) {
		cond(r, HC_OK,
		     "AppArmor restricts unprivileged user namespaces; profile '%s' "
		     "allows them for %s",
		     profile, h->bwrap);
	} else if (setuid_privileged(h)) {
		cond(r, HC_NOTE,
		     "AppArmor restricts unprivileged user namespaces, but bwrap is "
		     "setuid root");
	} else {
		const char *bwrap = h->bwrap ? h->bwrap : "bwrap";
		cond(r, HC_FAIL,
		     "AppArmor restricts unprivileged user namespaces "
		     "(kernel.apparmor_restrict_unprivileged_userns=1) and no profile "
		     "in /etc/apparmor.d allows them for %s",
		     bwrap);
		breaks(r, "bwrap gets a user namespace without capabilities: \"setting up uid map: "
		          "Permission denied\"");
		fix(r,
		    "give %s a profile with `userns,` (Ubuntu ships "
		    "/etc/apparmor.d/bwrap-userns-restrict for /usr/bin/bwrap) and load it with "
		    "apparmor_parser -r, or sysctl -w "
		    "kernel.apparmor_restrict_unprivileged_userns=0",
		    bwrap);
	}
}

static void check_seccomp_userns(const struct hc_host *h, const struct hc_needs *n,
                                 struct hc_result *r)
{
	(void)n;
	char mode[8];
	if (strcmp(status_field(h, "Seccomp", mode, sizeof(mode)), "2") != 0) {
		cond(r, HC_OK, "no seccomp filter on this process");
	} else if (h->ns.userns == HC_NOT_TRIED) {
		cond(r, HC_NOTE,
		     "this process runs under a seccomp filter (Seccomp: 2); whether "
		     "it blocks user namespaces was not probed");
	} else if (h->ns.userns == 0) {
		cond(r, HC_NOTE,
		     "this process runs under a seccomp filter (Seccomp: 2), which lets "
		     "user namespaces through");
	} else if (h->ns.userns != EPERM || chrooted(h) ||
	           (sysctl_is(h->userns_clone, "0") && !setuid_privileged(h))) {
		cond(r, HC_NOTE,
		     "this process runs under a seccomp filter (Seccomp: 2); another "
		     "check explains why user namespaces fail");
	} else {
		cond(r, HC_FAIL,
		     "user namespaces are blocked by a seccomp filter on this process "
		     "(Seccomp: 2 in /proc/self/status; a container's profile?)");
		breaks(r, "every bwrap sandbox, setuid or not: \"Creating new namespace failed: "
		          "Operation not permitted\"");
		fix(r,
		    "allow clone/unshare with CLONE_NEWUSER in the container's seccomp profile "
		    "(docker/podman run --security-opt seccomp=PROFILE.json), %s",
		    landlock_fix);
	}
}

static void check_container(const struct hc_host *h, const struct hc_needs *n, struct hc_result *r)
{
	(void)n;
	if (!h->dockerenv && !h->containerenv) {
		cond(r, HC_OK, "not inside a container (no /.dockerenv, no /run/.containerenv)");
		return;
	}
	cond(r, HC_NOTE, "inside a container (%s)",
	     h->dockerenv ? "/.dockerenv: Docker" : "/run/.containerenv: Podman or CRI-O");
	breaks(r, "nothing by itself; its seccomp profile, capabilities and masked /proc decide "
	          "(seccomp-userns, root-caps, proc-mount)");
}

static void check_root_caps(const struct hc_host *h, const struct hc_needs *n, struct hc_result *r)
{
	(void)n;
	if (h->euid != 0) {
		cond(r, HC_OK, "running as uid %u; bwrap runs as this user", (unsigned)h->euid);
	} else if (!has_capability(h, CAP_SETUID_BIT) || !has_capability(h, CAP_SETGID_BIT)) {
		cond(r, HC_FAIL, "running as root without CAP_SETUID or CAP_SETGID");
		breaks(r, "cellrun, which drops root before it starts bwrap, and refuses to run "
		          "otherwise");
		fix(r, "grant CAP_SETUID and CAP_SETGID, or run cellrun as an ordinary user");
	} else if (!has_capability(h, CAP_SYS_ADMIN_BIT)) {
		cond(r, HC_NOTE,
		     "running as root without CAP_SYS_ADMIN (a container's default "
		     "capabilities?)");
		breaks(r, "nothing for bwrap, which runs unprivileged; cgroups may not be writable "
		          "(see cgroups)");
	} else {
		cond(r, HC_OK, "running as root with CAP_SYS_ADMIN; bwrap runs as uid %u",
		     (unsigned)h->run_uid);
	}
}

static void check_root_mount(const struct hc_host *h, const struct hc_needs *n, struct hc_result *r)
{
	(void)n;
	struct mount_line root;
	if (!h->mountinfo) {
		cond(r, HC_NOTE, "/proc/self/mountinfo cannot be read");
	} else if (!find_root_mount(h, &root)) {
		cond(r, HC_FAIL, "/ is not a mount point in this mount namespace (a chroot?)");
		breaks(r,
		       "bwrap: the kernel refuses user namespaces to a chrooted process (EPERM), "
		       "and pivot_root cannot leave a chroot");
		fix(r, "run outside the chroot (in a container or on the host), or make its root a "
		       "mount point with pivot_root instead of chroot");
	} else if (strcmp(root.fstype, "rootfs") == 0) {
		cond(r, HC_FAIL, "the root file system is rootfs (still in the initramfs)");
		breaks(r, "bwrap: \"pivot_root: Invalid argument\"");
		fix(r,
		    "switch_root to a real root file system, or run from a tmpfs mounted over /");
	} else if (!root.shared && !root.slave) {
		cond(r, HC_NOTE, "/ (%s) has private mount propagation", root.fstype);
		breaks(r, "nothing for bwrap; mounts the host makes after a sandbox started "
		          "(automounts, removable media) stay invisible in it");
		fix(r, "mount --make-rshared / if sandboxes must see later mounts");
	} else {
		cond(r, HC_OK, "/ is a mount point (%s, %s propagation)", root.fstype,
		     root.shared ? "shared" : "slave");
	}
}

static void check_ptrace(const struct hc_host *h, const struct hc_needs *n, struct hc_result *r)
{
	(void)n;
	char pid[24];
	status_field(h, "TracerPid", pid, sizeof(pid));
	const char *comm = h->tracer_comm ? h->tracer_comm : "?";
	int len = (int)strcspn(comm, "\n");
	if (!pid[0] || strcmp(pid, "0") == 0) {
		cond(r, HC_OK, "not traced (no proot or debugger)");
	} else if (strncmp(comm, "proot", 5) == 0) {
		cond(r, HC_FAIL, "this process runs under proot (ptrace emulation, tracer pid %s)",
		     pid);
		breaks(r, "every sandbox: proot fakes root and paths, but cannot give its tracees "
		          "namespaces or seccomp filters");
		fix(r, "run cell outside proot: in a real container, a VM or on the host");
	} else {
		cond(r, HC_NOTE, "this process is traced by pid %s (%.*s)", pid, len, comm);
		breaks(r,
		       "nothing by itself; the tracer sees the sandbox, and setuid programs lose "
		       "their privilege under it");
	}
}

static void check_userns_probe(const struct hc_host *h, const struct hc_needs *n,
                               struct hc_result *r)
{
	(void)n;
	const struct hc_ns_probe *p = &h->ns;
	unsigned uid = (unsigned)h->run_uid;
	char profile[128];
	if (p->userns == HC_NOT_TRIED) {
		cond(r, HC_NOTE, "the user namespace probe did not run");
	} else if (p->userns != 0 && setuid_privileged(h)) {
		cond(r, HC_NOTE,
		     "uid %u cannot create a user namespace (%s), but bwrap is setuid "
		     "root and creates them itself",
		     uid, errno_name(p->userns));
	} else if (p->userns != 0) {
		cond(r, HC_FAIL,
		     "uid %u cannot create a user namespace: unshare(CLONE_NEWUSER) "
		     "fails with %s",
		     uid, errno_name(p->userns));
		breaks(r, "every bwrap sandbox");
		fix(r,
		    "remove the restriction that applies (`cell doctor` checks the known ones: "
		    "sysctls, AppArmor, a seccomp filter, chroot, proot); an LSM such as SELinux "
		    "can refuse it too");
	} else if (probe_failed(p->idmap) && apparmor_exempts_bwrap(h, profile, sizeof(profile))) {
		cond(r, HC_NOTE,
		     "uid %u's unconfined programs get no capabilities in a new user namespace "
		     "(AppArmor), but profile '%s' exempts bwrap",
		     uid, profile);
	} else if (probe_failed(p->idmap)) {
		cond(r, HC_FAIL,
		     "uid %u can create a user namespace but cannot map its ids in it "
		     "(%s)",
		     uid, errno_name(p->idmap));
		breaks(r, "bwrap: \"setting up uid map: Permission denied\"");
		fix(r, "an LSM restricts the namespace: on Ubuntu 23.10 and later see "
		       "apparmor-userns");
	} else if (probe_failed(p->mount)) {
		cond(r, HC_FAIL, "uid %u cannot make / private in a new mount namespace (%s)", uid,
		     errno_name(p->mount));
		breaks(r, "bwrap: \"Failed to make / slave\"");
		fix(r, "see root-mount: / must be a mount point");
	} else {
		cond(r, HC_OK,
		     "uid %u can create a user namespace, map its ids and make mounts "
		     "private in it",
		     uid);
	}
}

static void check_proc_mount(const struct hc_host *h, const struct hc_needs *n, struct hc_result *r)
{
	char covers[HC_TEXT / 2] = "";
	struct text_list l = {covers, sizeof(covers)};
	if (h->ns.proc == HC_NOT_TRIED) {
		cond(r, HC_NOTE, "a fresh /proc was not tried (%s)",
		     h->ns.userns == HC_NOT_TRIED ? "no probe" : "an earlier step failed");
		return;
	}
	if (h->ns.proc == 0) {
		cond(r, HC_OK, "a fresh /proc can be mounted in a new pid namespace");
		return;
	}
	each_mount(h, add_proc_cover, &l);
	cond(r, n && !n->proc ? HC_NOTE : HC_FAIL,
	     "a fresh /proc cannot be mounted in a new pid namespace (%s)%s%s",
	     errno_name(h->ns.proc), covers[0] ? "; /proc is partly covered: " : "", covers);
	breaks(r, "%s: \"Can't mount proc on /newroot/proc\"",
	       n && !n->proc ? "nothing for this policy, which mounts no /proc; others"
	                     : "policies with `proc /proc`");
	fix(r, "run the container with an unmasked /proc (docker/podman run --security-opt "
	       "systempaths=unconfined), or drop `proc /proc` from the policy");
}

static void check_setuid_bwrap(const struct hc_host *h, const struct hc_needs *n,
                               struct hc_result *r)
{
	(void)n;
	if (!h->bwrap || !h->bwrap_setuid) {
		cond(r, HC_OK, "bwrap is not setuid (it works in unprivileged user namespaces)");
	} else if (no_new_privs(h)) {
		cond(r, probe_failed(h->ns.userns) ? HC_FAIL : HC_WARN,
		     "bwrap (%s) is setuid root, but NO_NEW_PRIVS is already set on this process, "
		     "so it runs without its privilege",
		     h->bwrap);
		breaks(r, "the setuid fallback: bwrap then needs unprivileged user namespaces like "
		          "any other program");
		fix(r,
		    "start cellrun from a process without NO_NEW_PRIVS (not from another sandbox, "
		    "nor a systemd unit with NoNewPrivileges=yes), or make unprivileged user "
		    "namespaces available");
	} else {
		cond(r, HC_NOTE, "bwrap (%s) is setuid root", h->bwrap);
		breaks(r, "nothing today; setuid support is going away upstream (bubblewrap 0.11.2 "
		          "builds without it by default)");
		fix(r, "make unprivileged user namespaces available, or plan for `fallback "
		       "landlock`");
	}
}

static int version_compare(const unsigned a[3], const unsigned b[3])
{
	for (int i = 0; i < 3; i++)
		if (a[i] != b[i])
			return a[i] < b[i] ? -1 : 1;
	return 0;
}

static void check_bwrap(const struct hc_host *h, const struct hc_needs *n, struct hc_result *r)
{
	const unsigned *v = h->bwrap_version;
	if (!h->bwrap || !(v[0] || v[1] || v[2])) {
		cond(r, HC_FAIL, "%s", h->bwrap_error ? h->bwrap_error : "no bwrap was found");
		breaks(r, "every bwrap sandbox");
		fix(r, "install bubblewrap (apt install bubblewrap), or name a working one with "
		       "--bwrap PATH or CELL_BWRAP");
	} else if (n && version_compare(v, n->bwrap_min) < 0) {
		cond(r, HC_FAIL, "%s is bwrap %u.%u.%u; bundle %s needs %u.%u.%u or newer",
		     h->bwrap, v[0], v[1], v[2], n->name, n->bwrap_min[0], n->bwrap_min[1],
		     n->bwrap_min[2]);
		breaks(r, "bundle %s: this bwrap does not know every option its argument file uses",
		       n->name);
		fix(r, "install a newer bubblewrap, or point --bwrap / CELL_BWRAP at one");
	} else {
		cond(r, HC_OK, "bwrap %u.%u.%u at %s", v[0], v[1], v[2], h->bwrap);
	}
}

static void check_bwrap_run(const struct hc_host *h, const struct hc_needs *n, struct hc_result *r)
{
	(void)n;
	const char *msg = h->bwrap_stderr && *h->bwrap_stderr ? h->bwrap_stderr : "no message";
	if (!h->bwrap_ran) {
		cond(r, HC_NOTE, "no bwrap sandbox was tried%s", h->bwrap ? "" : " (no bwrap)");
	} else if (h->bwrap_exit == 0) {
		cond(r, HC_OK, "a real bwrap sandbox started here as uid %u", (unsigned)h->run_uid);
	} else {
		cond(r, HC_FAIL, "bwrap could not start a sandbox as uid %u (exit status %d): %.*s",
		     (unsigned)h->run_uid, h->bwrap_exit, (int)strcspn(msg, "\n"), msg);
		breaks(r, "every bwrap sandbox");
		fix(r, "the failing checks above name the cause");
	}
}

static void check_seccomp(const struct hc_host *h, const struct hc_needs *n, struct hc_result *r)
{
	(void)n;
	static const char *const needed[] = {"allow", "errno", "kill_process"};
	const char *actions = h->seccomp_actions;
	if (!actions || (h->status && !has_status_field(h, "Seccomp"))) {
		cond(r, HC_FAIL,
		     "the kernel has no seccomp filtering "
		     "(/proc/sys/kernel/seccomp/actions_avail is missing)");
		breaks(r, "every sandbox: no command ever runs without its filter");
		fix(r, "boot a kernel built with CONFIG_SECCOMP_FILTER=y");
		return;
	}
	for (size_t i = 0; i < sizeof(needed) / sizeof(needed[0]); i++) {
		const char *at = strstr(actions, needed[i]);
		size_t len = strlen(needed[i]);
		if (!at || (at[len] != ' ' && at[len] != '\n' && at[len] != '\0')) {
			cond(r, HC_FAIL, "the kernel's seccomp lacks the action %s", needed[i]);
			breaks(r, "every sandbox: the filters use allow, errno and kill_process");
			fix(r, "boot a kernel of version 4.14 or newer");
			return;
		}
	}
	cond(r, HC_OK, "seccomp filtering (actions: %.*s)", (int)strcspn(actions, "\n"), actions);
}

static const char *const controller_names[] = {"memory", "pids", "cpu"};

static const struct rt_limit *needed_limit(const struct hc_needs *n, enum hc_controller c)
{
	if (!n || !n->limits)
		return NULL;
	const struct rt_limit *l = c == HC_MEMORY ? &n->limits->memory_bytes
	                           : c == HC_PIDS ? &n->limits->pids
	                                          : &n->limits->cpu_millicores;
	return l->set && !l->infinite ? l : NULL;
}

static void list_append(char *list, size_t size, const char *word)
{
	size_t used = strlen(list);
	snprintf(list + used, size - used, "%s%s", used ? ", " : "", word);
}

static void check_cgroups(const struct hc_host *h, const struct hc_needs *n, struct hc_result *r)
{
	char placeable[64] = "", refused[64] = "", weak[64] = "";
	int first_refused = -1, first_required = -1;
	if (!h->cgroup_probed) {
		cond(r, HC_NOTE, "cgroups were not probed");
		return;
	}
	for (int c = 0; c < HC_N_CONTROLLERS; c++) {
		const struct rt_limit *l = needed_limit(n, c);
		if (!h->cgroup_error[c]) {
			list_append(placeable, sizeof(placeable), controller_names[c]);
			continue;
		}
		list_append(refused, sizeof(refused), controller_names[c]);
		if (first_refused < 0)
			first_refused = c;
		if (l && l->best_effort)
			list_append(weak, sizeof(weak), controller_names[c]);
		else if (l && first_required < 0)
			first_required = c;
	}
	const char *version = h->cgroup_version ? h->cgroup_version : "none";
	if (first_refused < 0) {
		cond(r, HC_OK, "cgroup %s: this user can place memory, pids and cpu limits%s",
		     version, n && n->limits ? "; the bundle's limits are enforceable" : "");
		return;
	}
	/* The runtime's own message: the reason, then ". Fix: ...". */
	const char *why = h->cgroup_error[first_required >= 0 ? first_required : first_refused];
	const char *fix_at = strstr(why, "Fix: ");
	int why_len = fix_at ? (int)(fix_at - why) : (int)strlen(why);
	while (why_len > 0 && strchr(" .", why[why_len - 1]))
		why_len--;
	enum hc_status s = first_required >= 0 ? HC_FAIL : weak[0] ? HC_WARN : HC_NOTE;
	if (placeable[0])
		cond(r, s, "cgroup %s: this user can place %s limits, not %s: %.*s", version,
		     placeable, refused, why_len, why);
	else
		cond(r, s, "this user can place no cgroup limit (%s): %.*s", refused, why_len, why);
	if (first_required >= 0)
		breaks(r, "bundle %s: its %s limit cannot be enforced, so cellrun refuses it",
		       n->name, controller_names[first_required]);
	else if (weak[0])
		breaks(r,
		       "bundle %s: its best-effort %s limit is not enforced (memory falls back "
		       "to RLIMIT_AS)",
		       n->name, weak);
	else
		breaks(r, "policies with a %s limit, unless it is best-effort", refused);
	fix(r, "%s",
	    fix_at ? fix_at + 5
	           : "mark the limit best-effort, or run where cgroups are "
	             "writable");
}

static void check_landlock(const struct hc_host *h, const struct hc_needs *n, struct hc_result *r)
{
	(void)n;
	int abi = h->landlock_abi;
	if (abi < 0) {
		cond(r, HC_NOTE, "the Landlock ABI was not probed");
	} else if (abi == 0) {
		cond(r, HC_NOTE,
		     "Landlock is not available (a kernel before 5.13, or landlock not "
		     "in its lsm= list)");
		breaks(r, "the Landlock tier (`fallback landlock`); bwrap is not affected");
		fix(r, "boot a 5.13 or newer kernel with landlock in lsm=");
	} else {
		cond(r, HC_OK, "Landlock ABI %d: file system rules%s%s", abi,
		     abi >= 4 ? ", TCP bind/connect rules" : "",
		     abi >= 6 ? ", abstract unix socket and signal scoping" : "");
	}
}

static const struct {
	const char *id;
	check_fn *fn;
} checks[] = {
    {"kernel-userns", check_kernel_userns},
    {"unprivileged-userns-clone", check_userns_clone},
    {"max-user-namespaces", check_max_userns},
    {"apparmor-userns", check_apparmor},
    {"seccomp-userns", check_seccomp_userns},
    {"container", check_container},
    {"root-caps", check_root_caps},
    {"root-mount", check_root_mount},
    {"ptrace", check_ptrace},
    {"userns", check_userns_probe},
    {"proc-mount", check_proc_mount},
    {"setuid-bwrap", check_setuid_bwrap},
    {"bwrap", check_bwrap},
    {"bwrap-run", check_bwrap_run},
    {"seccomp", check_seccomp},
    {"cgroups", check_cgroups},
    {"landlock", check_landlock},
};

#define N_CHECKS (sizeof(checks) / sizeof(checks[0]))

const char *const hc_check_ids[] = {"kernel-userns",
                                    "unprivileged-userns-clone",
                                    "max-user-namespaces",
                                    "apparmor-userns",
                                    "seccomp-userns",
                                    "container",
                                    "root-caps",
                                    "root-mount",
                                    "ptrace",
                                    "userns",
                                    "proc-mount",
                                    "setuid-bwrap",
                                    "bwrap",
                                    "bwrap-run",
                                    "seccomp",
                                    "cgroups",
                                    "landlock"};
const size_t hc_n_checks = N_CHECKS;

_Static_assert(sizeof(hc_check_ids) / sizeof(hc_check_ids[0]) == N_CHECKS,
               "hc_check_ids lists every check");

int hc_check(const char *id, const struct hc_host *h, const struct hc_needs *n,
             struct hc_result *out)
{
	for (size_t i = 0; i < N_CHECKS; i++) {
		if (strcmp(checks[i].id, id) == 0) {
			memset(out, 0, sizeof(*out));
			out->id = checks[i].id;
			checks[i].fn(h, n, out);
			return 0;
		}
	}
	return -1;
}

/* ---- diagnosis ---------------------------------------------------------------------- */

/* The checks that explain a failed start, most specific first, with what
 * bwrap could not do when they fail (NULL: the namespace probe tells). */
static const struct {
	const char *id, *what;
} causes[] = {
    {"kernel-userns", "create a user namespace"},
    {"ptrace", "create a user namespace"},
    {"root-mount", NULL},
    {"max-user-namespaces", "create a user namespace"},
    {"unprivileged-userns-clone", "create a user namespace"},
    {"apparmor-userns", "create a user namespace"},
    {"seccomp-userns", "create a user namespace"},
    {"userns", "create a user namespace"},
    {"setuid-bwrap", "create a user namespace"},
    {"proc-mount", "mount a new /proc"},
};

/* Messages are cut to their buffers: a cut message is better than none. */
void hc_text_cut(char *out, size_t size, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(out, size, fmt, ap);
	va_end(ap);
}

bool hc_diagnose(const struct hc_host *h, const struct hc_needs *n, struct hc_diagnosis *d)
{
	struct hc_result r, nnp;
	for (size_t i = 0; i < sizeof(causes) / sizeof(causes[0]); i++) {
		hc_check(causes[i].id, h, n, &r);
		if (r.status != HC_FAIL)
			continue;
		d->what = causes[i].what               ? causes[i].what
		          : probe_failed(h->ns.userns) ? "create a user namespace"
		                                       : "set up its mount namespace";
		hc_check("setuid-bwrap", h, n, &nnp);
		bool add_nnp = nnp.status >= HC_WARN && strcmp(causes[i].id, "setuid-bwrap") != 0;
		hc_text_cut(d->cause, sizeof(d->cause), "%s%s%s", r.condition,
		            add_nnp ? "; and " : "", add_nnp ? nnp.condition : "");
		hc_text_cut(d->fix, sizeof(d->fix), "%s", r.fix);
		return true;
	}
	return false;
}

/* ---- tiers -------------------------------------------------------------------------- */

void hc_bwrap_tier(const struct hc_host *h, const struct hc_needs *n, struct hc_result *out)
{
	char failing[HC_TEXT] = "";
	struct hc_result r;
	for (size_t i = 0; i < N_CHECKS; i++) {
		hc_check(checks[i].id, h, n, &r);
		if (r.status == HC_FAIL)
			list_append(failing, sizeof(failing), checks[i].id);
	}
	memset(out, 0, sizeof(*out));
	out->id = "tier-bwrap";
	const char *name = n ? n->name : "a policy";
	if (failing[0]) {
		cond(out, HC_FAIL, "bwrap cannot run %s here (failing: %s)", name, failing);
		breaks(out, "the bwrap tier");
		fix(out, "the fixes of the failing checks, %s", landlock_fix);
		return;
	}
	hc_check("cgroups", h, n, &r);
	cond(out, HC_OK, "bwrap %u.%u.%u can run %s here%s", h->bwrap_version[0],
	     h->bwrap_version[1], h->bwrap_version[2], name,
	     r.status == HC_WARN ? " (a best-effort limit is not enforced)" : "");
}

void hc_landlock_tier(const struct hc_host *h, const struct hc_needs *n, struct hc_result *out)
{
	char why[HC_TEXT - 64];
	memset(out, 0, sizeof(*out));
	out->id = "tier-landlock";
	if (!n || !n->landlock) {
		cond(out, HC_FAIL, "the Landlock tier is not available: %s",
		     n ? "the bundle has no Landlock piece (format 1); recompile it" : "no policy");
		return;
	}
	if (h->landlock_abi < 0) {
		cond(out, HC_NOTE, "the Landlock ABI was not probed");
		return;
	}
	if (rt_ll_verdict(n->landlock, n->landlock_len, h->landlock_abi, why, sizeof(why)) > 0) {
		cond(out, HC_FAIL, "the Landlock tier cannot apply %s here: %s", n->name, why);
		breaks(out, "the fallback for hosts without user namespaces");
		fix(out, "docs/landlock.md says what maps and what is refused");
		return;
	}
	if (n->fallback_landlock)
		cond(out, HC_OK, "the Landlock tier (ABI %d) can apply %s here", h->landlock_abi,
		     n->name);
	else
		cond(out, HC_NOTE,
		     "the Landlock tier (ABI %d) could apply %s here, but its policy says "
		     "`fallback none` (cellrun --fallback landlock overrides it)",
		     h->landlock_abi, n->name);
}

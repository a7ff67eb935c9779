/* landlock.c - Landlock's ABI probe and a ruleset applied to the caller. */
#include "landlock.h"
#include "rt_util.h"

#include <errno.h>
#include <linux/landlock.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

/* Newer than Debian 12's uapi header: the kernel's values (stable ABI). */
#define LL_RULE_PATH_BENEATH 1
#define LL_NET_BIND_TCP      (1ULL << 0)
#define LL_NET_CONNECT_TCP   (1ULL << 1)

/* The ruleset attribute as of ABI 6; older kernels are given its prefix. */
struct ll_ruleset_attr {
	uint64_t handled_access_fs;
	uint64_t handled_access_net; /* ABI 4 */
	uint64_t scoped;             /* ABI 6 */
};

struct ll_path_beneath_attr {
	uint64_t allowed_access;
	int32_t parent_fd;
} __attribute__((packed));

int rt_landlock_abi(void)
{
	long abi = syscall(SYS_landlock_create_ruleset, NULL, 0, LANDLOCK_CREATE_RULESET_VERSION);
	return abi < 0 ? 0 : (int)abi;
}

uint64_t rt_landlock_fs_handled(int abi)
{
	if (abi < 1)
		return 0;
	if (abi == 1)
		return RT_LL_REFER - 1;
	if (abi == 2)
		return RT_LL_TRUNCATE - 1;
	if (abi < 5)
		return RT_LL_IOCTL_DEV - 1;
	return (RT_LL_IOCTL_DEV << 1) - 1;
}

static size_t attr_size(int abi)
{
	if (abi >= RT_LL_ABI_SCOPE)
		return sizeof(struct ll_ruleset_attr);
	if (abi >= RT_LL_ABI_TCP)
		return offsetof(struct ll_ruleset_attr, scoped);
	return offsetof(struct ll_ruleset_attr, handled_access_net);
}

static int add_rules(int ruleset, const struct rt_landlock_spec *s, char *err, size_t err_size)
{
	uint64_t handled = rt_landlock_fs_handled(s->abi);
	for (size_t i = 0; i < s->n_rules; i++) {
		const struct rt_landlock_rule *r = &s->rules[i];
		uint64_t rights = r->rights & handled & (r->is_dir ? ~0ULL : RT_LL_FILE_RIGHTS);
		struct ll_path_beneath_attr attr = {.allowed_access = rights, .parent_fd = r->fd};
		/* A rule that grants nothing is refused by the kernel, and means
		 * what leaving it out means. */
		if (rights != 0 &&
		    syscall(SYS_landlock_add_rule, ruleset, LL_RULE_PATH_BENEATH, &attr, 0) < 0)
			return rt_fail(err, err_size, "landlock_add_rule (rule %zu): %s", i + 1,
			               strerror(errno));
	}
	return 0;
}

int rt_landlock_restrict(const struct rt_landlock_spec *s, char *err, size_t err_size)
{
	if (s->abi < 1)
		return rt_fail(err, err_size, "Landlock is not available in this kernel");
	if (s->deny_tcp && s->abi < RT_LL_ABI_TCP)
		return rt_fail(err, err_size, "Landlock ABI %d cannot restrict TCP (needs %d)",
		               s->abi, RT_LL_ABI_TCP);
	if (s->scoped && s->abi < RT_LL_ABI_SCOPE)
		return rt_fail(err, err_size, "Landlock ABI %d cannot scope IPC (needs %d)", s->abi,
		               RT_LL_ABI_SCOPE);
	struct ll_ruleset_attr attr = {
	    .handled_access_fs = rt_landlock_fs_handled(s->abi),
	    .handled_access_net = s->deny_tcp ? LL_NET_BIND_TCP | LL_NET_CONNECT_TCP : 0,
	    .scoped = s->scoped,
	};
	int ruleset = (int)syscall(SYS_landlock_create_ruleset, &attr, attr_size(s->abi), 0);
	if (ruleset < 0)
		return rt_fail(err, err_size, "landlock_create_ruleset: %s", strerror(errno));
	int rc = add_rules(ruleset, s, err, err_size);
	if (rc == 0 && syscall(SYS_landlock_restrict_self, ruleset, 0) < 0)
		rc = rt_fail(err, err_size, "landlock_restrict_self: %s", strerror(errno));
	close(ruleset);
	return rc;
}

/*
 * landlock.h - the kernel's Landlock LSM, through its three raw system
 * calls, as the Landlock tier uses it (tier.h says what that tier is).
 *
 * Landlock lets an unprivileged process give up access rights for itself
 * and every process it starts: a ruleset names the rights it "handles"
 * (those are denied unless a rule grants them), rules grant rights beneath
 * a path (or on a TCP port), and landlock_restrict_self() makes it final.
 * What the kernel can enforce grows with its ABI version:
 *
 *   ABI 1 (Linux 5.13)  files: execute, read, write, list, create, remove
 *   ABI 2 (5.19)        REFER: renames and links across directories
 *   ABI 3 (6.2)         TRUNCATE
 *   ABI 4 (6.7)         TCP bind and connect
 *   ABI 5 (6.10)        IOCTL_DEV: ioctl on device files
 *   ABI 6 (6.12)        scoping: abstract UNIX sockets and signals stay
 *                       inside the sandbox
 *   ABI 7 (6.15)        audit logging flags (not used here)
 *
 * The uapi header of the build machine may be older than the kernel the
 * runtime meets (Debian 12's knows ABI 2), so the later constants and the
 * grown ruleset struct are defined here, from the kernel's ABI, and the
 * struct is passed with the size the running kernel's ABI knows.
 *
 * Everything here is libc only; none of it prints.
 */
#ifndef CELLRUN_LANDLOCK_H
#define CELLRUN_LANDLOCK_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Filesystem rights (the uapi's LANDLOCK_ACCESS_FS_* bits). */
#define RT_LL_EXECUTE     (1ULL << 0)
#define RT_LL_WRITE_FILE  (1ULL << 1)
#define RT_LL_READ_FILE   (1ULL << 2)
#define RT_LL_READ_DIR    (1ULL << 3)
#define RT_LL_REMOVE_DIR  (1ULL << 4)
#define RT_LL_REMOVE_FILE (1ULL << 5)
#define RT_LL_MAKE_CHAR   (1ULL << 6)
#define RT_LL_MAKE_DIR    (1ULL << 7)
#define RT_LL_MAKE_REG    (1ULL << 8)
#define RT_LL_MAKE_SOCK   (1ULL << 9)
#define RT_LL_MAKE_FIFO   (1ULL << 10)
#define RT_LL_MAKE_BLOCK  (1ULL << 11)
#define RT_LL_MAKE_SYM    (1ULL << 12)
#define RT_LL_REFER       (1ULL << 13) /* ABI 2 */
#define RT_LL_TRUNCATE    (1ULL << 14) /* ABI 3 */
#define RT_LL_IOCTL_DEV   (1ULL << 15) /* ABI 5 */

/* The rights that make sense on a file (not a directory): the kernel
 * refuses a rule on a file that grants any other. */
#define RT_LL_FILE_RIGHTS                                                                          \
	(RT_LL_EXECUTE | RT_LL_WRITE_FILE | RT_LL_READ_FILE | RT_LL_TRUNCATE | RT_LL_IOCTL_DEV)

/* What the policy's words grant. `ro`: read and execute, as a read-only
 * bind mount does. `rw`: everything a writable bind mount allows an
 * unprivileged process, so neither device nodes (bwrap mounts binds nodev
 * and the sandbox has no CAP_MKNOD) nor ioctl on devices. */
#define RT_LL_RIGHTS_RO (RT_LL_EXECUTE | RT_LL_READ_FILE | RT_LL_READ_DIR)
#define RT_LL_RIGHTS_RW                                                                            \
	(RT_LL_RIGHTS_RO | RT_LL_WRITE_FILE | RT_LL_REMOVE_DIR | RT_LL_REMOVE_FILE |               \
	 RT_LL_MAKE_DIR | RT_LL_MAKE_REG | RT_LL_MAKE_SOCK | RT_LL_MAKE_FIFO | RT_LL_MAKE_SYM |    \
	 RT_LL_REFER | RT_LL_TRUNCATE)

/* Scopes (ABI 6). */
#define RT_LL_SCOPE_ABSTRACT_UNIX (1ULL << 0)
#define RT_LL_SCOPE_SIGNAL        (1ULL << 1)

/* The ABIs that the tier's features need. */
#define RT_LL_ABI_TRUNCATE 3
#define RT_LL_ABI_TCP      4
#define RT_LL_ABI_SCOPE    6

/* The running kernel's Landlock ABI: 0 when Landlock is not built in or
 * not enabled (ENOSYS, EOPNOTSUPP). */
int rt_landlock_abi(void);

/* Every filesystem right the kernel of `abi` handles (0 for abi < 1). */
uint64_t rt_landlock_fs_handled(int abi);

/* One rule: `rights` beneath the file or directory open on `fd` (O_PATH
 * is enough). The rights are trimmed to what the ABI handles and, on a
 * file, to RT_LL_FILE_RIGHTS. */
struct rt_landlock_rule {
	int fd;
	uint64_t rights;
	bool is_dir;
};

struct rt_landlock_spec {
	int abi;
	const struct rt_landlock_rule *rules;
	size_t n_rules;
	bool deny_tcp;   /* handle TCP bind and connect with no port allowed (ABI 4) */
	uint64_t scoped; /* RT_LL_SCOPE_* (ABI 6) */
};

/* Builds the ruleset and restricts the calling thread with it, for good.
 * The caller must have set PR_SET_NO_NEW_PRIVS (or hold CAP_SYS_ADMIN).
 * Asking for what the ABI cannot do (deny_tcp below 4, scopes below 6,
 * abi below 1) is an error, never a silent omission. Returns 0, or -1 with
 * the failing step in err. */
int rt_landlock_restrict(const struct rt_landlock_spec *s, char *err, size_t err_size);

#endif

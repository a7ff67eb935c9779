/*
 * ir.h - one resolved policy: what every backend, lint pass and test reads.
 *
 * The resolver (resolve.h) produces a struct ir_policy from the AST:
 * inheritance is flattened, includes and constants are gone, groups are
 * expanded to single syscalls, every name has been checked, and every
 * quantity carries its unit in the field name (bytes, milliseconds,
 * millicores). What is left is order and data:
 *
 *  - syscalls.rules is a first-match list. The rules of the most derived
 *    policy come first, then those of its bases in linearised order (see
 *    docs/language.md, "Inheritance"); within a policy, source order. A
 *    syscall no rule matches gets syscalls.default_action.
 *  - fs.ops is in mount order: the bases' operations first, the derived
 *    policy's last, so that what the derived policy says shadows what it
 *    inherits, exactly as bwrap applies later mounts over earlier ones.
 *  - env.ops is applied in order, the same way.
 *
 * Strings may contain ${NAME} references to params (struct ir_param); those
 * are filled by the runtime, never by a backend. Constants and params given
 * with -D have already been substituted.
 *
 * The IR owns all its memory; ir_policy_free() releases it.
 */
#ifndef CELL_IR_H
#define CELL_IR_H

#include "diag.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* ---- syscalls ------------------------------------------------------------- */

enum ir_action_kind {
	IR_ACTION_ALLOW,
	IR_ACTION_ERRNO, /* fail the call with errno_value */
	IR_ACTION_KILL,  /* kill the whole process (SECCOMP_RET_KILL_PROCESS) */
	IR_ACTION_TRAP,  /* SIGSYS to the thread */
	IR_ACTION_LOG,   /* allow, and log */
};

struct ir_action {
	enum ir_action_kind kind;
	uint16_t errno_value; /* IR_ACTION_ERRNO only; 1..4095 */
};

bool ir_action_equal(struct ir_action a, struct ir_action b);
/* "allow", "errno EPERM", "kill", ... (errno by name where one is known). */
const char *ir_action_describe(struct ir_action a, char *buf, size_t size);

/* An argument condition. Comparisons are already resolved: the argument is a
 * position, its width is known (32-bit arguments are compared on their low 32
 * bits only, whatever the caller put in the upper half: CVE-2019-10063), and
 * constants are numbers. `in (...)` has become an OR of EQ. */
enum ir_cond_kind { IR_COND_CMP, IR_COND_AND, IR_COND_OR, IR_COND_NOT };
enum ir_cmp_op { IR_CMP_EQ, IR_CMP_NE, IR_CMP_LT, IR_CMP_LE, IR_CMP_GT, IR_CMP_GE };

struct ir_cond {
	enum ir_cond_kind kind;
	/* IR_COND_CMP: ((arg_value & mask) OP value), all on `width` bits.
	 * mask is all ones of the width when the policy wrote no mask. */
	unsigned arg;   /* 0..5 */
	unsigned width; /* 32 or 64 */
	enum ir_cmp_op op;
	uint64_t mask;
	uint64_t value;
	/* IR_COND_AND / IR_COND_OR: lhs, rhs; IR_COND_NOT: lhs */
	struct ir_cond *lhs, *rhs;
	struct src_loc loc;
};

struct ir_cond *ir_cond_cmp(unsigned arg, unsigned width, enum ir_cmp_op op, uint64_t mask,
                            uint64_t value, struct src_loc loc);
struct ir_cond *ir_cond_binary(enum ir_cond_kind kind, struct ir_cond *lhs, struct ir_cond *rhs,
                               struct src_loc loc);
struct ir_cond *ir_cond_not(struct ir_cond *c, struct src_loc loc);
struct ir_cond *ir_cond_clone(const struct ir_cond *c);
void ir_cond_free(struct ir_cond *c);
/* Evaluates the condition on concrete arguments, the reference semantics the
 * lowering is tested against. */
bool ir_cond_eval(const struct ir_cond *c, const uint64_t args[6]);

/* Where a rule came from, for messages ("rule at demo.cell:12:5, via
 * @basic-io, inherited from base"). */
enum ir_rule_origin {
	IR_ORIGIN_POLICY, /* written in a syscalls section */
	IR_ORIGIN_NET,    /* synthesised from `net none` */
};

struct ir_rule {
	char *syscall; /* one syscall name; groups are expanded */
	struct ir_action action;
	struct ir_cond *cond; /* NULL: unconditional */
	bool optional;        /* the name may be missing on a target architecture */
	bool explicit_name;   /* named directly, not through a group */
	char *group;          /* the group as written in the rule, or NULL */
	char *policy;         /* the policy whose section holds the rule */
	char *reason;         /* `because "..."`, or NULL */
	enum ir_rule_origin origin;
	struct src_loc loc;
};

struct ir_syscalls {
	struct ir_action default_action;
	struct src_loc default_loc; /* line 0 when the built-in default applies */
	struct ir_rule *rules;
	size_t n_rules;
};

/* ---- filesystem ----------------------------------------------------------- */

enum ir_fs_kind {
	IR_FS_BIND_RO, /* src (host) -> dst, read-only */
	IR_FS_BIND_RW, /* src (host) -> dst, read-write */
	IR_FS_DEV,     /* a minimal private /dev at dst */
	IR_FS_PROC,    /* a fresh procfs at dst */
	IR_FS_TMPFS,   /* size_bytes / mode when has_size / has_mode */
	IR_FS_SYMLINK, /* dst is a symlink whose target is src (verbatim) */
	IR_FS_DIR,     /* an empty directory, mode when has_mode */
	IR_FS_FILE,    /* a file at dst holding data[0..data_len), mode when has_mode */
	IR_FS_MASK,    /* hide what is at dst: an empty read-only tmpfs for a
	                * directory, /dev/null for anything else */
};

struct ir_fs_op {
	enum ir_fs_kind kind;
	char *src;     /* binds: host path; symlink: target; else NULL */
	char *dst;     /* path inside the sandbox */
	bool optional; /* binds and masks: skip when the host path is missing */
	bool has_size, has_mode;
	uint64_t size_bytes;
	uint32_t mode;
	char *data; /* IR_FS_FILE */
	size_t data_len;
	char *policy;
	struct src_loc loc;
};

struct ir_fs {
	struct ir_fs_op *ops;
	size_t n_ops;
	char *cwd; /* NULL: bwrap's default */
	struct src_loc cwd_loc;
};

/* ---- network, limits, environment, process -------------------------------- */

enum ir_net_mode {
	IR_NET_NONE,     /* own network namespace, and no AF_INET/AF_INET6 sockets */
	IR_NET_LOOPBACK, /* own network namespace with a private loopback */
	IR_NET_HOST,     /* the host's network */
};

struct ir_limit {
	bool set;
	bool infinite;    /* `infinity`: explicitly unlimited */
	bool best_effort; /* enforce if possible, warn otherwise */
	uint64_t value;   /* unit given by the field name below */
	struct src_loc loc;
};

struct ir_limits {
	struct ir_limit memory_bytes;
	struct ir_limit pids;
	struct ir_limit cpu_millicores; /* 1.5 cores = 1500 */
	struct ir_limit time_ms;        /* wall clock */
	struct ir_limit nofile;
	struct ir_limit fsize_bytes;
};

enum ir_env_kind {
	IR_ENV_CLEAR, /* start from an empty environment */
	IR_ENV_KEEP,  /* pass the host's value through (filled by the runtime) */
	IR_ENV_SET,
	IR_ENV_UNSET,
};

struct ir_env_op {
	enum ir_env_kind kind;
	char *name;  /* NULL for clear */
	char *value; /* set only */
	struct src_loc loc;
};

struct ir_env {
	struct ir_env_op *ops;
	size_t n_ops;
};

struct ir_process {
	char *hostname; /* NULL: not set (and no UTS change beyond the namespace) */
	int64_t uid;    /* -1: not set */
	int64_t gid;    /* -1: not set */
	bool new_session;
	struct src_loc hostname_loc, uid_loc, gid_loc, new_session_loc;
};

/* ---- params and architectures --------------------------------------------- */

struct ir_param {
	char *name;
	bool used_as_path; /* appears in an fs path or cwd: must be absolute */
	struct src_loc loc;
	char *within; /* `param NAME in PATH`: the value must be PATH or below
	               * it, symbolic links resolved (checked by the runtime);
	               * NULL: any absolute path */
};

struct ir_arch {
	uint32_t token; /* libseccomp's SCMP_ARCH_* value */
	char *name;     /* "x86_64", ... */
};

/* ---- test expectations ---------------------------------------------------- *
 *
 * A policy's own `test` blocks (not its bases': a derived policy may change
 * what a base promised). Syscall expectations are checked on the emitted BPF,
 * filesystem and limit facts on this IR (see cmd_test.h).
 */
enum ir_test_kind { IR_TEST_SYSCALL, IR_TEST_FS, IR_TEST_LIMIT };

enum ir_fs_fact { IR_FS_HIDDEN, IR_FS_VISIBLE, IR_FS_READONLY, IR_FS_WRITABLE };

enum ir_limit_kind {
	IR_LIMIT_MEMORY,
	IR_LIMIT_PIDS,
	IR_LIMIT_CPU,
	IR_LIMIT_TIME,
	IR_LIMIT_NOFILE,
	IR_LIMIT_FSIZE,
};
#define IR_LIMIT_COUNT 6

struct ir_test {
	enum ir_test_kind kind;
	struct src_loc loc;
	/* IR_TEST_SYSCALL: the call (arguments past n_args are 0) and the verdict */
	char *syscall;
	uint64_t args[6];
	unsigned n_args;
	struct ir_action action;
	uint32_t arch; /* an SCMP_ARCH_* token, or 0: every architecture of the policy */
	/* IR_TEST_FS: a sandbox path, ${PARAM} kept as written */
	char *path;
	enum ir_fs_fact fact;
	/* IR_TEST_LIMIT: expected.set false means `none` */
	enum ir_limit_kind limit;
	struct ir_limit expected;
};

/* "memory", "pids", ... and the field of `l` that holds that limit. */
const char *ir_limit_name(enum ir_limit_kind kind);
const struct ir_limit *ir_limits_get(const struct ir_limits *l, enum ir_limit_kind kind);
/* "hidden", "visible", "readonly", "writable". */
const char *ir_fs_fact_name(enum ir_fs_fact fact);

/* ---- what the policy says about itself ------------------------------------- */

/* What cellrun may do when user namespaces are unavailable (`fallback`). */
enum ir_fallback {
	IR_FALLBACK_NONE,     /* refuse to run (the default) */
	IR_FALLBACK_LANDLOCK, /* apply the policy in-process: Landlock, seccomp, limits */
};

/* A lint suppression: `lint { ignore ID because "..." }` in the policy or one
 * of its bases (scoped false), or a `# lint: ID` comment on a line of one of
 * their files (scoped true: only findings that start on that line). A
 * comment's reason is the `because` written in the comment, else that of the
 * rule on its line. */
struct ir_suppression {
	char *id;     /* as written: the lint pass checks it names a rule */
	char *reason; /* NULL when none was given (itself a finding) */
	bool scoped;
	struct src_loc loc; /* the `ignore` keyword, or the comment */
	char *policy;       /* the policy that holds it */
};

/* One policy of a lineage: where it is defined and the bases it names, in
 * the order written, so that a message can say how a construct was
 * inherited (lint's chains) without resolving anything again. */
struct ir_ancestor {
	struct src_loc loc; /* its name where it is defined */
	char **bases;
	size_t n_bases;
};

/* ---- the policy ----------------------------------------------------------- */

struct ir_policy {
	char *name;
	struct src_loc loc;
	char **lineage; /* this policy and its bases, in precedence order */
	size_t n_lineage;
	struct ir_ancestor *ancestors; /* parallel to lineage */
	struct ir_arch *arches;        /* never empty: `native` resolves to this machine */
	size_t n_arches;
	struct ir_syscalls syscalls;
	struct ir_fs fs;
	enum ir_net_mode net;
	struct src_loc net_loc;
	struct ir_limits limits;
	struct ir_env env;
	struct ir_process process;
	struct ir_param *params; /* params still open at run time */
	size_t n_params;
	struct ir_test *tests; /* the policy's own test blocks, in source order */
	size_t n_tests;
	/* Declarations: the first policy in the lineage that makes one wins,
	 * except `untrusted`, which any policy in the lineage may set. */
	bool untrusted; /* runs code nobody vouches for (lint asks for limits) */
	struct src_loc untrusted_loc;
	char *description; /* shown to people; NULL if none */
	struct src_loc description_loc;
	char *bwrap_required;               /* `requires bwrap "X.Y.Z"`: the oldest bwrap the
	                                     * policy promises to run with, as "X.Y.Z";
	                                     * NULL if none */
	unsigned bwrap_required_version[3]; /* the same, X, Y and Z */
	struct src_loc bwrap_required_loc;
	enum ir_fallback fallback;
	struct src_loc fallback_loc;
	struct ir_suppression *suppressions; /* the whole lineage's, in order */
	size_t n_suppressions;
};

void ir_policy_free(struct ir_policy *p);

/* Appenders used by the resolver; they copy nothing, the IR takes ownership
 * of the pointers inside the struct given. */
void ir_add_rule(struct ir_policy *p, struct ir_rule rule);
void ir_add_fs_op(struct ir_policy *p, struct ir_fs_op op);
void ir_add_env_op(struct ir_policy *p, struct ir_env_op op);
void ir_add_param(struct ir_policy *p, struct ir_param param);
void ir_add_test(struct ir_policy *p, struct ir_test test);
void ir_add_suppression(struct ir_policy *p, struct ir_suppression s);

#endif

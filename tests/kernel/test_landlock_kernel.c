/* Kernel truth for runtime/landlock.c: rulesets built by
 * rt_landlock_restrict() are applied in forked children on this machine's
 * kernel, which then read, write, truncate, connect and signal; the
 * kernel's answers must be the ones the tier promises. Each test that needs
 * a Landlock ABI this kernel lacks is skipped, saying so. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

#include "landlock.h"

static char root[64];

static char *at(const char *rel)
{
	static char path[4][256];
	static int next;
	char *p = path[next++ % 4];
	snprintf(p, sizeof(path[0]), "%s/%s", root, rel);
	return p;
}

static void need_abi(int abi)
{
	int have = rt_landlock_abi();
	if (have < abi) {
		print_message("skipped: needs Landlock ABI %d, this kernel has %d\n", abi, have);
		skip();
	}
}

static int tree_setup(void **state)
{
	(void)state;
	strcpy(root, "/tmp/cell-test-landlock-kernel-XXXXXX");
	assert_non_null(mkdtemp(root));
	assert_int_equal(mkdir(at("ro"), 0755), 0);
	assert_int_equal(mkdir(at("rw"), 0755), 0);
	assert_int_equal(mkdir(at("out"), 0755), 0);
	const char *files[] = {"ro/f", "out/f", "out/single"};
	for (size_t i = 0; i < 3; i++) {
		FILE *f = fopen(at(files[i]), "w");
		assert_non_null(f);
		fputs("data\n", f);
		fclose(f);
	}
	return 0;
}

static int tree_teardown(void **state)
{
	(void)state;
	char cmd[128];
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", root);
	assert_int_equal(system(cmd), 0);
	return 0;
}

/* The child's side: restrict (unless spec is NULL), run `probe`, and
 * report 0 or the errno it ended with. */
typedef int (*probe_fn)(const void *arg);

static int in_child(const struct rt_landlock_spec *spec, probe_fn probe, const void *arg)
{
	pid_t pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		char err[256];
		if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0)
			_exit(250);
		if (spec && rt_landlock_restrict(spec, err, sizeof(err)) < 0) {
			fprintf(stderr, "%s\n", err);
			_exit(251);
		}
		int e = probe(arg);
		_exit(e > 0 && e < 250 ? e : 0);
	}
	int status;
	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_true(WIFEXITED(status));
	assert_true(WEXITSTATUS(status) < 250);
	return WEXITSTATUS(status);
}

static int open_path(const char *path)
{
	int fd = open(path, O_PATH | O_CLOEXEC);
	assert_true(fd >= 0);
	return fd;
}

/* ---- files ------------------------------------------------------------------------ */

struct file_op {
	const char *path;
	int flags; /* for open; -1: truncate(2) */
};

static int file_probe(const void *arg)
{
	const struct file_op *op = arg;
	if (op->flags == -1)
		return truncate(op->path, 1) == 0 ? 0 : errno;
	int fd = open(op->path, op->flags | O_CLOEXEC, 0644);
	if (fd < 0)
		return errno;
	close(fd);
	return 0;
}

static int file_result(const struct rt_landlock_spec *spec, const char *rel, int flags)
{
	struct file_op op = {at(rel), flags};
	return in_child(spec, file_probe, &op);
}

static void test_files(void **state)
{
	(void)state;
	need_abi(RT_LL_ABI_TRUNCATE);
	struct rt_landlock_rule rules[] = {
	    {open_path(at("ro")), RT_LL_RIGHTS_RO, true},
	    {open_path(at("rw")), RT_LL_RIGHTS_RW, true},
	    {open_path(at("out/single")), RT_LL_RIGHTS_RO, false}, /* a file: trimmed */
	};
	struct rt_landlock_spec spec = {.abi = rt_landlock_abi(), .rules = rules, .n_rules = 3};
	/* The controls: unrestricted, everything works (the test runs as root). */
	assert_int_equal(file_result(NULL, "out/f", O_RDONLY), 0);
	assert_int_equal(file_result(NULL, "ro/f", O_WRONLY), 0);
	assert_int_equal(file_result(NULL, "out/f", -1), 0);
	/* Under the ruleset. */
	assert_int_equal(file_result(&spec, "ro/f", O_RDONLY), 0);
	assert_int_equal(file_result(&spec, "ro", O_RDONLY | O_DIRECTORY), 0);
	assert_int_equal(file_result(&spec, "ro/f", O_WRONLY), EACCES);
	assert_int_equal(file_result(&spec, "ro/new", O_WRONLY | O_CREAT), EACCES);
	assert_int_equal(file_result(&spec, "ro/f", -1), EACCES); /* truncate (ABI 3) */
	assert_int_equal(file_result(&spec, "rw/new", O_WRONLY | O_CREAT), 0);
	assert_int_equal(file_result(&spec, "rw/new", -1), 0);
	assert_int_equal(file_result(&spec, "out/f", O_RDONLY), EACCES);
	assert_int_equal(file_result(&spec, "out", O_RDONLY | O_DIRECTORY), EACCES);
	assert_int_equal(file_result(&spec, "out/f", O_WRONLY), EACCES);
	assert_int_equal(file_result(&spec, "out/f", -1), EACCES);
	assert_int_equal(file_result(&spec, "out/single", O_RDONLY), 0);
	assert_int_equal(file_result(&spec, "out/single", O_WRONLY), EACCES);
	for (size_t i = 0; i < 3; i++)
		close(rules[i].fd);
}

/* ---- TCP ---------------------------------------------------------------------------- */

static int tcp_probe(const void *arg)
{
	const struct sockaddr_in *a = arg;
	int s = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (s < 0)
		return errno;
	int rc = connect(s, (const struct sockaddr *)a, sizeof(*a)) == 0 ? 0 : errno;
	close(s);
	return rc;
}

static void test_tcp(void **state)
{
	(void)state;
	need_abi(RT_LL_ABI_TCP);
	int l = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	struct sockaddr_in a = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
	socklen_t len = sizeof(a);
	assert_int_equal(bind(l, (struct sockaddr *)&a, sizeof(a)), 0);
	assert_int_equal(listen(l, 8), 0);
	assert_int_equal(getsockname(l, (struct sockaddr *)&a, &len), 0);
	struct rt_landlock_spec open_net = {.abi = rt_landlock_abi()};
	struct rt_landlock_spec no_tcp = {.abi = rt_landlock_abi(), .deny_tcp = true};
	assert_int_equal(in_child(NULL, tcp_probe, &a), 0);
	assert_int_equal(in_child(&open_net, tcp_probe, &a), 0);
	assert_int_equal(in_child(&no_tcp, tcp_probe, &a), EACCES);
	close(l);
}

/* ---- scoping ------------------------------------------------------------------------ */

/* The test's abstract socket, named after the process that listens. */
static socklen_t abstract_address(struct sockaddr_un *a, pid_t listener)
{
	memset(a, 0, sizeof(*a));
	a->sun_family = AF_UNIX;
	snprintf(a->sun_path + 1, sizeof(a->sun_path) - 1, "cell-test-landlock-kernel-%d",
	         (int)listener);
	return (socklen_t)(offsetof(struct sockaddr_un, sun_path) + 1 + strlen(a->sun_path + 1));
}

static int abstract_probe(const void *arg)
{
	(void)arg;
	struct sockaddr_un a;
	socklen_t len = abstract_address(&a, getppid());
	int s = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (s < 0)
		return errno;
	int rc = connect(s, (struct sockaddr *)&a, len) == 0 ? 0 : errno;
	close(s);
	return rc;
}

static int signal_probe(const void *arg)
{
	(void)arg;
	return kill(getppid(), 0) == 0 ? 0 : errno;
}

static void test_scopes(void **state)
{
	(void)state;
	need_abi(RT_LL_ABI_SCOPE);
	struct sockaddr_un a;
	socklen_t len = abstract_address(&a, getpid());
	int l = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	assert_int_equal(bind(l, (struct sockaddr *)&a, len), 0);
	assert_int_equal(listen(l, 8), 0);
	struct rt_landlock_spec none = {.abi = rt_landlock_abi()};
	struct rt_landlock_spec unix_scoped = {.abi = rt_landlock_abi(),
	                                       .scoped = RT_LL_SCOPE_ABSTRACT_UNIX};
	struct rt_landlock_spec signal_scoped = {.abi = rt_landlock_abi(),
	                                         .scoped = RT_LL_SCOPE_SIGNAL};
	assert_int_equal(in_child(&none, abstract_probe, NULL), 0);
	assert_int_equal(in_child(&unix_scoped, abstract_probe, NULL), EPERM);
	assert_int_equal(in_child(&signal_scoped, abstract_probe, NULL), 0);
	assert_int_equal(in_child(&none, signal_probe, NULL), 0);
	assert_int_equal(in_child(&signal_scoped, signal_probe, NULL), EPERM);
	assert_int_equal(in_child(&unix_scoped, signal_probe, NULL), 0);
	close(l);
}

/* ---- what the ABI cannot do is an error, never an omission -------------------------- */

static int nothing(const void *arg)
{
	(void)arg;
	return 0;
}

static void test_refuses_beyond_the_abi(void **state)
{
	(void)state;
	char err[256];
	struct rt_landlock_spec tcp_on_3 = {.abi = 3, .deny_tcp = true};
	assert_int_equal(rt_landlock_restrict(&tcp_on_3, err, sizeof(err)), -1);
	assert_string_equal(err, "Landlock ABI 3 cannot restrict TCP (needs 4)");
	struct rt_landlock_spec scope_on_5 = {.abi = 5, .scoped = RT_LL_SCOPE_SIGNAL};
	assert_int_equal(rt_landlock_restrict(&scope_on_5, err, sizeof(err)), -1);
	assert_string_equal(err, "Landlock ABI 5 cannot scope IPC (needs 6)");
	struct rt_landlock_spec none = {.abi = 0};
	assert_int_equal(rt_landlock_restrict(&none, err, sizeof(err)), -1);
	assert_string_equal(err, "Landlock is not available in this kernel");
	/* An older ABI than the kernel's is accepted: the struct's prefix. */
	need_abi(RT_LL_ABI_TRUNCATE);
	struct rt_landlock_spec old = {.abi = RT_LL_ABI_TRUNCATE};
	assert_int_equal(in_child(&old, nothing, NULL), 0);
}

static void test_handled_rights(void **state)
{
	(void)state;
	assert_int_equal(rt_landlock_fs_handled(0), 0);
	assert_int_equal(rt_landlock_fs_handled(1), 0x1fff);
	assert_int_equal(rt_landlock_fs_handled(2), 0x3fff);
	assert_int_equal(rt_landlock_fs_handled(3), 0x7fff);
	assert_int_equal(rt_landlock_fs_handled(4), 0x7fff);
	assert_int_equal(rt_landlock_fs_handled(5), 0xffff);
	assert_int_equal(rt_landlock_fs_handled(7), 0xffff);
	/* rw grants no device creation and no device ioctl. */
	assert_int_equal(RT_LL_RIGHTS_RW & (RT_LL_MAKE_CHAR | RT_LL_MAKE_BLOCK | RT_LL_IOCTL_DEV),
	                 0);
}

int main(void)
{
	print_message("Landlock ABI of this kernel: %d\n", rt_landlock_abi());
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup_teardown(test_files, tree_setup, tree_teardown),
	    cmocka_unit_test(test_tcp),
	    cmocka_unit_test(test_scopes),
	    cmocka_unit_test(test_refuses_beyond_the_abi),
	    cmocka_unit_test(test_handled_rights),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}

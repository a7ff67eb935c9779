/*
 * kernel_support.h - what the kernel-truth tests share: compiling a policy
 * written as text, and making one raw syscall in a forked child under a
 * filter the kernel really loads. Include after <cmocka.h>.
 */
#ifndef CELL_TESTS_KERNEL_SUPPORT_H
#define CELL_TESTS_KERNEL_SUPPORT_H

#include <errno.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "emit_seccomp.h"
#include "resolve.h"

#define KILLED (-100000) /* the child died of SIGSYS */

/* Compiles a policy file's text (includes searched in policies/lib) into
 * its BPF; fails the test with the diagnostics when it does not compile. */
static struct buf compile_policy(const char *text)
{
	char *log = NULL;
	size_t log_len = 0;
	FILE *out = open_memstream(&log, &log_len);
	struct diag_ctx *d = diag_new(out);
	const char *dirs[] = {CELL_SOURCE_DIR "/policies/lib"};
	struct resolve_options opt = {.include_dirs = dirs, .n_include_dirs = 1};
	struct resolve_result res;
	struct buf bpf;
	buf_init(&bpf);
	int rc = resolve_text(d, CELL_SOURCE_DIR "/tests/kernel/inline.cell", text, strlen(text),
	                      &opt, &res);
	if (rc == 0 && res.n_policies == 1)
		rc = emit_seccomp_bpf(res.policies[0], d, &bpf);
	diag_free(d);
	fclose(out);
	if (rc != 0)
		fail_msg("policy did not compile:\n%s", log);
	free(log);
	resolve_result_free(&res);
	return bpf;
}

/* Makes syscall `nr` in a child, under `bpf` when not NULL. Returns the
 * non-negative result, -errno, or KILLED. Every call a test makes must be
 * harmless even when the filter lets it through. */
static long kernel_run(const struct buf *bpf, long nr, const long args[6])
{
	int pipefd[2];
	assert_int_equal(pipe(pipefd), 0);
	pid_t pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		close(pipefd[0]);
		if (bpf) {
			struct sock_fprog prog = {
			    (unsigned short)(bpf->len / sizeof(struct sock_filter)),
			    (struct sock_filter *)bpf->data};
			if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0 ||
			    syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, 0, &prog) != 0)
				_exit(99);
		}
		long r = syscall(nr, args[0], args[1], args[2], args[3], args[4], args[5]);
		long report = r < 0 ? -errno : r;
		if (write(pipefd[1], &report, sizeof(report)) != sizeof(report))
			_exit(98);
		_exit(0);
	}
	close(pipefd[1]);
	long report = 0;
	ssize_t n = read(pipefd[0], &report, sizeof(report));
	close(pipefd[0]);
	int status;
	assert_int_equal(waitpid(pid, &status, 0), pid);
	if (WIFSIGNALED(status)) {
		assert_int_equal(WTERMSIG(status), SIGSYS);
		return KILLED;
	}
	assert_true(WIFEXITED(status));
	if (WEXITSTATUS(status) == 99)
		fail_msg("the child could not load the filter");
	assert_int_equal(n, (ssize_t)sizeof(report));
	return report;
}

#endif

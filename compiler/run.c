/*
 * run.c - `cell run`: compile in memory, then become cellrun.
 *
 * The bundle never touches the disk: each piece goes into a memfd that is
 * sealed against any change before cellrun sees it, and cellrun is told the
 * descriptors with --bundle-fds. cellrun is looked for in $CELLRUN, next to
 * this binary (installed layout), in ../runtime/ (build tree), then on PATH.
 */
#include "bundle.h"
#include "compile.h"
#include "diag.h"
#include "embedded.h"
#include "names.h"
#include "util.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

/* A sealed memfd holding `data`, inherited by cellrun (no CLOEXEC). */
static int sealed_memfd(const char *name, const void *data, size_t len)
{
	int fd = memfd_create(name, MFD_ALLOW_SEALING);
	if (fd < 0)
		return -1;
	const char *p = data;
	size_t left = len;
	while (left > 0) {
		ssize_t n = write(fd, p, left);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			close(fd);
			return -1;
		}
		p += n;
		left -= (size_t)n;
	}
	if (lseek(fd, 0, SEEK_SET) < 0 ||
	    fcntl(fd, F_ADD_SEALS, F_SEAL_SHRINK | F_SEAL_GROW | F_SEAL_WRITE | F_SEAL_SEAL) < 0) {
		close(fd);
		return -1;
	}
	return fd;
}

static char *find_cellrun(void)
{
	const char *env = getenv("CELLRUN");
	if (env && *env)
		return xstrdup(env);
	char self[PATH_MAX];
	ssize_t n = readlink("/proc/self/exe", self, sizeof(self) - 1);
	if (n > 0) {
		self[n] = '\0';
		char *slash = strrchr(self, '/');
		if (slash) {
			*slash = '\0';
			char *candidates[] = {xasprintf("%s/cellrun", self),
			                      xasprintf("%s/runtime/cellrun", self)};
			char *found = NULL;
			for (size_t i = 0; i < ARRAY_SIZE(candidates); i++) {
				if (!found && access(candidates[i], X_OK) == 0)
					found = candidates[i];
				else
					free(candidates[i]);
			}
			if (found)
				return found;
		}
	}
	return xstrdup("cellrun"); /* execvp searches PATH */
}

static int resolve_for_run(struct diag_ctx *d, const char *policy_file,
                           const struct resolve_options *ropt, struct resolve_result *res)
{
	if (policy_file)
		return resolve_file(d, policy_file, ropt, res);
	/* The embedded default binds the current directory: fill its param here. */
	char cwd[PATH_MAX];
	if (!getcwd(cwd, sizeof(cwd))) {
		struct src_loc none = {0};
		diag_error(d, none, "cannot read the current directory: %s", strerror(errno));
		return -1;
	}
	char *define = xasprintf("CWD=%s", cwd);
	struct resolve_options opt = *ropt;
	const char **defines = xcalloc(opt.n_defines + 1, sizeof(*defines));
	memcpy(defines, opt.defines, opt.n_defines * sizeof(*defines));
	defines[opt.n_defines] = define;
	opt.defines = defines;
	opt.n_defines++;
	const struct embedded_file *f = embedded_find(EMBEDDED_DEFAULT_PATH);
	int rc = resolve_text(d, f->path, f->text, *f->len, &opt, res);
	free(defines);
	free(define);
	return rc;
}

int run_policy(const char *policy_file, const struct resolve_options *ropt,
               char *const *cellrun_args, size_t n_cellrun_args, char *const *cmd, FILE *out)
{
	struct diag_ctx *d = diag_new(out);
	struct resolve_result res;
	struct bundle b;
	struct buf manifest;
	buf_init(&manifest);
	bool have_bundle = false;
	int rc = resolve_for_run(d, policy_file, ropt, &res);
	if (rc == 0 && res.n_policies != 1) {
		struct src_loc loc = {diag_intern(d, policy_file), 0, 0, 0, 0};
		diag_error(d, loc, "%zu policies are defined here; choose one with -p NAME",
		           res.n_policies);
	}
	if (diag_error_count(d) == 0) {
		bundle_init(&b, res.policies[0]);
		have_bundle = true;
		if (compile_bundle(d, &b) == 0 &&
		    bundle_render_manifest(res.policies[0], &b, &manifest) < 0) {
			struct src_loc none = {0};
			diag_error(d, none, "cannot write the manifest of '%s'", b.name);
		}
	}
	int exit_code = 1;
	if (diag_error_count(d) == 0) {
		int fds[5] = {sealed_memfd("cell-manifest", manifest.data, manifest.len),
		              sealed_memfd("cell-bpf", b.bpf.data, b.bpf.len),
		              sealed_memfd("cell-args", b.args.data, b.args.len),
		              sealed_memfd("cell-limits", b.limits.data, b.limits.len),
		              sealed_memfd("cell-landlock", b.landlock.data, b.landlock.len)};
		if (fds[0] < 0 || fds[1] < 0 || fds[2] < 0 || fds[3] < 0 || fds[4] < 0) {
			fprintf(out, "cell: cannot hand the bundle over in memory: %s\n",
			        strerror(errno));
			exit_code = 125;
		} else {
			char *cellrun = find_cellrun();
			size_t n_cmd = 0;
			while (cmd[n_cmd])
				n_cmd++;
			char **argv = xcalloc(n_cellrun_args + n_cmd + 5, sizeof(*argv));
			size_t i = 0;
			argv[i++] = cellrun;
			for (size_t j = 0; j < n_cellrun_args; j++)
				argv[i++] = cellrun_args[j];
			argv[i++] = "--bundle-fds";
			argv[i++] =
			    xasprintf("%d,%d,%d,%d,%d", fds[0], fds[1], fds[2], fds[3], fds[4]);
			argv[i++] = "--";
			for (size_t j = 0; j < n_cmd; j++)
				argv[i++] = cmd[j];
			fflush(NULL);
			execvp(cellrun, argv);
			fprintf(out,
			        "cell: cannot run '%s': %s (build it, put it on PATH, or set "
			        "CELLRUN)\n",
			        cellrun, strerror(errno));
			exit_code = 125;
		}
	}
	buf_free(&manifest);
	if (have_bundle)
		bundle_free(&b);
	resolve_result_free(&res);
	diag_free(d);
	names_cleanup();
	return exit_code;
}

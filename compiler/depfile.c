/* depfile.c - make-style dependency files, written atomically. */
#include "depfile.h"

#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static bool path_writable(const char *path)
{
	if (!*path)
		return false;
	for (const unsigned char *p = (const unsigned char *)path; *p; p++)
		if (*p < 0x20 || *p == 0x7f || *p == '\\')
			return false;
	return true;
}

static void put_path(struct buf *out, const char *path)
{
	for (const char *p = path; *p; p++) {
		if (*p == ' ' || *p == '#')
			buf_puts(out, "\\");
		else if (*p == '$')
			buf_puts(out, "$");
		buf_append(out, p, 1);
	}
}

static int put_list(struct buf *out, const char *const *paths, size_t n, const char *sep,
                    const char **bad)
{
	for (size_t i = 0; i < n; i++) {
		if (!path_writable(paths[i])) {
			*bad = paths[i];
			return -1;
		}
		if (i > 0)
			buf_puts(out, sep);
		put_path(out, paths[i]);
	}
	return 0;
}

int depfile_render(struct buf *out, const char *const *targets, size_t n_targets,
                   const char *const *deps, size_t n_deps, const char **bad)
{
	if (put_list(out, targets, n_targets, " ", bad) < 0)
		return -1;
	buf_puts(out, ":");
	if (n_deps)
		buf_puts(out, " \\\n  ");
	if (put_list(out, deps, n_deps, " \\\n  ", bad) < 0)
		return -1;
	buf_puts(out, "\n");
	return 0;
}

int depfile_write(const char *path, const struct buf *content)
{
	char *temp = xasprintf("%s.XXXXXX", path);
	int fd = mkostemp(temp, O_CLOEXEC);
	if (fd < 0) {
		int err = -errno;
		free(temp);
		return err;
	}
	/* mkstemp makes 0600; a depfile is as public as the bundle beside it. */
	int err = fchmod(fd, 0644) < 0 ? -errno : 0;
	if (err == 0)
		err = write_all(fd, content->data, content->len);
	if (close(fd) < 0 && err == 0)
		err = -errno;
	if (err == 0 && rename(temp, path) < 0)
		err = -errno;
	if (err < 0)
		unlink(temp);
	free(temp);
	return err;
}

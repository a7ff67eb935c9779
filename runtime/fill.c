/* fill.c - params, the filled argument file, sealed memfds. */
#include "fill.h"
#include "rt_util.h"

#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

static struct rt_param *find_param(struct rt_bundle *b, const char *name, size_t len)
{
	for (size_t i = 0; i < b->n_params; i++)
		if (strlen(b->params[i].name) == len && memcmp(b->params[i].name, name, len) == 0)
			return &b->params[i];
	return NULL;
}

static bool has_dotdot(const char *path)
{
	for (const char *c = path; (c = strstr(c, "..")); c += 2)
		if ((c == path || c[-1] == '/') && (c[2] == '\0' || c[2] == '/'))
			return true;
	return false;
}

static int check_value(const struct rt_param *p, const char *value, char *err, size_t err_size)
{
	if (strchr(value, '\n'))
		return rt_fail(err, err_size, "param %s: the value contains a newline", p->name);
	if (!p->is_path)
		return 0;
	if (value[0] != '/')
		return rt_fail(err, err_size,
		               "param %s is a path and needs an absolute path, not '%s'", p->name,
		               value);
	if (has_dotdot(value))
		return rt_fail(err, err_size, "param %s: the path '%s' contains a '..' component",
		               p->name, value);
	return 0;
}

/* `param NAME path in DIR`: the value, symbolic links resolved, must be DIR
 * or below it. The resolved path is what bwrap gets, so that a link swapped
 * in after the check cannot redirect the bind. */
static int check_within(struct rt_param *p, const char *value, char *err, size_t err_size)
{
	char *dir = realpath(p->within, NULL);
	if (!dir)
		return rt_fail(err, err_size,
		               "param %s must be in %s, which cannot be resolved: %s", p->name,
		               p->within, strerror(errno));
	char *real = realpath(value, NULL);
	if (!real) {
		int e = errno;
		free(dir);
		return rt_fail(err, err_size, "param %s: cannot resolve '%s': %s", p->name, value,
		               strerror(e));
	}
	size_t n = strlen(dir);
	bool inside = strcmp(dir, "/") == 0 ||
	              (strncmp(real, dir, n) == 0 && (real[n] == '\0' || real[n] == '/'));
	free(dir);
	if (!inside) {
		rt_fail(err, err_size, "param %s: '%s' (resolved: %s) is not in %s", p->name, value,
		        real, p->within);
		free(real);
		return -1;
	}
	p->resolved = real;
	return 0;
}

int rt_params_bind(struct rt_bundle *b, char *const *assignments, size_t n, char *err,
                   size_t err_size)
{
	for (size_t i = 0; i < n; i++) {
		const char *eq = strchr(assignments[i], '=');
		if (!eq || eq == assignments[i])
			return rt_fail(err, err_size, "--param '%s' is not NAME=VALUE",
			               assignments[i]);
		size_t len = (size_t)(eq - assignments[i]);
		struct rt_param *p = find_param(b, assignments[i], len);
		if (!p)
			return rt_fail(err, err_size, "--param %.*s: bundle %s has no such param%s",
			               (int)len, assignments[i], b->name,
			               b->n_params ? "" : " (it takes none)");
		if (p->value)
			return rt_fail(err, err_size, "--param %s is given twice", p->name);
		if (check_value(p, eq + 1, err, err_size) < 0)
			return -1;
		if (p->within && check_within(p, eq + 1, err, err_size) < 0)
			return -1;
		p->value = p->resolved ? p->resolved : eq + 1;
	}
	for (size_t i = 0; i < b->n_params; i++)
		if (!b->params[i].value)
			return rt_fail(err, err_size, "param %s is missing: give --param %s=%s",
			               b->params[i].name, b->params[i].name,
			               b->params[i].is_path ? "/ABSOLUTE/PATH" : "VALUE");
	return 0;
}

static void append(struct rt_bytes *out, size_t *cap, const void *data, size_t len)
{
	if (len == 0)
		return; /* out->data may still be NULL: no memcpy to it */
	if (out->len + len > *cap) {
		while (out->len + len > *cap)
			*cap = *cap ? *cap * 2 : 4096;
		out->data = realloc(out->data, *cap);
		if (!out->data) {
			fputs("cellrun: out of memory\n", stderr);
			exit(125);
		}
	}
	memcpy(out->data + out->len, data, len);
	out->len += len;
}

/* Replaces every ${NAME} of s[0..len) by its param's value; `what` names
 * the piece in the error. */
static int fill_bytes(const struct rt_bundle *b, const char *s, size_t len, const char *what,
                      struct rt_bytes *out, char *err, size_t err_size)
{
	const char *end = s + len;
	size_t cap = 0;
	out->data = NULL;
	out->len = 0;
	while (s < end) {
		const char *open = memmem(s, (size_t)(end - s), "${", 2);
		const char *close = open ? memchr(open, '}', (size_t)(end - open)) : NULL;
		if (!open) {
			append(out, &cap, s, (size_t)(end - s));
			break;
		}
		struct rt_param *p =
		    close ? find_param((struct rt_bundle *)b, open + 2, (size_t)(close - open - 2))
		          : NULL;
		if (!p || memchr(open, '\0', (size_t)(close - open))) {
			free(out->data);
			out->data = NULL;
			return rt_fail(
			    err, err_size,
			    "the %s piece has a '${' that names no param of the manifest: "
			    "the bundle is inconsistent",
			    what);
		}
		append(out, &cap, s, (size_t)(open - s));
		append(out, &cap, p->value, strlen(p->value));
		s = close + 1;
	}
	return 0;
}

int rt_args_fill(const struct rt_bundle *b, struct rt_bytes *out, char *err, size_t err_size)
{
	const struct rt_bytes *in = &b->pieces[RT_PIECE_ARGS].bytes;
	out->data = NULL;
	out->len = 0;
	if (in->len == 0 || in->data[in->len - 1] != '\0')
		return rt_fail(err, err_size, "the args piece does not end with a NUL");
	return fill_bytes(b, (const char *)in->data, in->len, "args", out, err, err_size);
}

char *rt_string_fill(const struct rt_bundle *b, const char *s, const char *what, char *err,
                     size_t err_size)
{
	struct rt_bytes out;
	if (fill_bytes(b, s, strlen(s) + 1, what, &out, err, err_size) < 0)
		return NULL;
	return (char *)out.data;
}

int rt_sealed_memfd(const char *name, const void *data, size_t len, char *err, size_t err_size)
{
	int fd = memfd_create(name, MFD_CLOEXEC | MFD_ALLOW_SEALING);
	if (fd < 0)
		return rt_fail(err, err_size, "memfd_create(%s): %s", name, strerror(errno));
	const char *p = data;
	for (size_t done = 0; done < len;) {
		ssize_t n = write(fd, p + done, len - done);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			int e = n < 0 ? errno : EIO;
			close(fd);
			return rt_fail(err, err_size, "writing memfd %s: %s", name, strerror(e));
		}
		done += (size_t)n;
	}
	if (fcntl(fd, F_ADD_SEALS, F_SEAL_SHRINK | F_SEAL_GROW | F_SEAL_WRITE | F_SEAL_SEAL) < 0 ||
	    lseek(fd, 0, SEEK_SET) != 0) {
		int e = errno;
		close(fd);
		return rt_fail(err, err_size, "sealing memfd %s: %s", name, strerror(e));
	}
	return fd;
}

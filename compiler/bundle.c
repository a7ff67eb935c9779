/* bundle.c - the manifest, and all-or-nothing output of a set of bundles. */
#include "bundle.h"
#include "emit_landlock.h"
#include "emit_limits.h"
#include "sha256.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define BUNDLE_NAME_MAX 200

void bundle_init(struct bundle *b, const struct ir_policy *p)
{
	memset(b, 0, sizeof(*b));
	b->name = xstrdup(p->name ? p->name : "");
	b->policy = p;
	buf_init(&b->bpf);
	buf_init(&b->args);
	buf_init(&b->limits);
	buf_init(&b->landlock);
	bwrap_needs_init(&b->needs);
}

void bundle_free(struct bundle *b)
{
	free(b->name);
	buf_free(&b->bpf);
	buf_free(&b->args);
	buf_free(&b->limits);
	buf_free(&b->landlock);
	bwrap_needs_free(&b->needs);
	for (size_t i = 0; i < b->n_extras; i++)
		buf_free(&b->extras[i].content);
	memset(b, 0, sizeof(*b));
}

int bundle_emit_args_and_limits(struct bundle *b, struct diag_ctx *d)
{
	int args_result = emit_bwrap_args(b->policy, d, &b->args, &b->needs);
	int limits_result = emit_limits(b->policy, d, &b->limits);
	emit_landlock(b->policy, d, &b->landlock);
	return args_result < 0 || limits_result < 0 ? -1 : 0;
}

/* ---- the manifest --------------------------------------------------------- */

/* A manifest word: printable ASCII, no spaces, so that every line splits on
 * single spaces and nothing else. */
static bool is_word(const char *s)
{
	if (!s || !*s)
		return false;
	for (const unsigned char *c = (const unsigned char *)s; *c; c++)
		if (*c <= ' ' || *c >= 0x7f)
			return false;
	return true;
}

bool bundle_name_valid(const char *name)
{
	return is_word(name) && name[0] != '.' && !strchr(name, '/') &&
	       strlen(name) <= BUNDLE_NAME_MAX;
}

static void put_hex(struct buf *out, const void *data, size_t len)
{
	static const char digits[] = "0123456789abcdef";
	const unsigned char *bytes = data;
	for (size_t i = 0; i < len; i++) {
		char pair[2] = {digits[bytes[i] >> 4], digits[bytes[i] & 0xf]};
		buf_append(out, pair, 2);
	}
}

static void put_piece(struct buf *out, const char *kind, const char *name, const struct buf *piece)
{
	uint8_t digest[SHA256_DIGEST_SIZE];
	char hex[SHA256_HEX_SIZE];
	sha256(piece->data ? piece->data : "", piece->len, digest);
	sha256_to_hex(digest, hex);
	buf_printf(out, "piece %s %s.%s %zu sha256:%s\n", kind, name, kind, piece->len, hex);
}

static int put_header(struct buf *out, const struct ir_policy *p, const struct bundle *b)
{
	if (!bundle_name_valid(b->name) || p->n_arches == 0)
		return -EINVAL;
	buf_printf(out, "cell-bundle %d\n", BUNDLE_FORMAT_VERSION);
	buf_printf(out, "name %s\n", b->name);
	buf_printf(out, "compiler cell %s\n", CELL_VERSION);
	for (size_t i = 0; i < p->n_arches; i++) {
		if (!is_word(p->arches[i].name))
			return -EINVAL;
		buf_printf(out, "arch %s\n", p->arches[i].name);
	}
	char version[32];
	buf_printf(out, "bwrap-min %s\n",
	           bwrap_version_format(b->needs.min_version, version, sizeof(version)));
	buf_printf(out, "fallback %s\n", p->fallback == IR_FALLBACK_LANDLOCK ? "landlock" : "none");
	return 0;
}

static int put_needs(struct buf *out, const struct ir_policy *p, const struct bwrap_needs *needs)
{
	for (size_t i = 0; i < p->n_params; i++) {
		if (!is_word(p->params[i].name))
			return -EINVAL;
		const char *within = p->params[i].within;
		if (within && (within[0] != '/' || strpbrk(within, " \t\n")))
			return -EINVAL;
		buf_printf(out, "param %s %s%s%s\n", p->params[i].name,
		           p->params[i].used_as_path ? "path" : "value", within ? " in " : "",
		           within ? within : "");
	}
	for (size_t i = 0; i < needs->n_env_keep; i++) {
		if (!is_word(needs->env_keep[i]) || strchr(needs->env_keep[i], '='))
			return -EINVAL;
		buf_printf(out, "env-keep %s\n", needs->env_keep[i]);
	}
	for (size_t i = 0; i < needs->n_data_fds; i++) {
		const struct bwrap_data_fd *data = &needs->data_fds[i];
		if (data->len > BWRAP_MAX_DATA_SIZE)
			return -EFBIG;
		buf_printf(out, "data %d %zu ", data->fd, data->len);
		if (data->len == 0)
			buf_puts(out, "-");
		put_hex(out, data->data, data->len);
		buf_puts(out, "\n");
	}
	return 0;
}

int bundle_render_manifest(const struct ir_policy *p, const struct bundle *b, struct buf *out)
{
	int err = put_header(out, p, b);
	if (err == 0)
		err = put_needs(out, p, &b->needs);
	if (err < 0)
		return err;
	put_piece(out, "bpf", b->name, &b->bpf);
	put_piece(out, "args", b->name, &b->args);
	put_piece(out, "limits", b->name, &b->limits);
	put_piece(out, "landlock", b->name, &b->landlock);
	return 0;
}

/* ---- atomic output -------------------------------------------------------- */

enum staged_state {
	STAGED_WRITTEN,   /* complete under its temp name only */
	STAGED_PLACED,    /* moved to its final name, where nothing was before */
	STAGED_EXCHANGED, /* swapped with the previous file, now under the temp name */
	STAGED_REPLACED,  /* renamed over the previous file: that one is gone */
};

struct staged_file {
	char *final_name; /* relative to the directory */
	char *temp_name;
	enum staged_state state;
};

struct output {
	struct diag_ctx *diag;
	const char *dir;
	int dir_fd;
	struct staged_file *files;
	size_t n_files;
};

static void report(struct output *out, const char *name, const char *what, int err)
{
	struct src_loc none = {0};
	diag_error(out->diag, none, "cannot %s %s/%s: %s", what, out->dir, name, strerror(err));
}

const char *const bundle_pieces[BUNDLE_N_PIECES] = {"manifest", "bpf", "args", "limits",
                                                    "landlock"};

static int open_output_dir(struct diag_ctx *d, const char *dir)
{
	struct src_loc none = {0};
	if (mkdir(dir, 0755) < 0 && errno != EEXIST) {
		diag_error(d, none, "cannot create output directory %s: %s", dir, strerror(errno));
		return -1;
	}
	int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0)
		diag_error(d, none, "cannot open output directory %s: %s", dir, strerror(errno));
	return fd;
}

/* Creates a fresh temp file next to `final_name`: O_EXCL so that nothing
 * already there (a file, or a planted symlink) is ever written through. */
static int create_temp(struct output *out, const char *final_name, char **temp_name)
{
	static unsigned counter;
	for (int attempt = 0; attempt < 100; attempt++) {
		char *name = xasprintf(".%s.tmp-%ld-%u", final_name, (long)getpid(), counter++);
		int fd = openat(out->dir_fd, name,
		                O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, 0644);
		if (fd >= 0) {
			*temp_name = name;
			return fd;
		}
		int err = errno;
		free(name);
		if (err != EEXIST)
			return -err;
	}
	return -EEXIST;
}

/* Writes one piece to a temp file, complete and on disk, and records it. */
static int stage(struct output *out, const char *final_name, const struct buf *content)
{
	char *temp_name = NULL;
	int fd = create_temp(out, final_name, &temp_name);
	if (fd < 0) {
		report(out, final_name, "create a temporary file for", -fd);
		return -1;
	}
	struct staged_file *file = &out->files[out->n_files++];
	file->final_name = xstrdup(final_name);
	file->temp_name = temp_name;
	file->state = STAGED_WRITTEN;

	/* fchmod: the mode is the same whatever the umask of the caller. */
	int err = write_all(fd, content->data, content->len);
	if (err == 0 && fchmod(fd, 0644) < 0)
		err = -errno;
	if (err == 0 && fsync(fd) < 0)
		err = -errno;
	if (close(fd) < 0 && err == 0)
		err = -errno;
	if (err < 0) {
		report(out, final_name, "write", -err);
		return -1;
	}
	return 0;
}

/* Stages NAME.SUFFIX. */
static int stage_named(struct output *out, const char *name, const char *suffix,
                       const struct buf *content)
{
	char *final_name = xasprintf("%s.%s", name, suffix);
	int result = stage(out, final_name, content);
	free(final_name);
	return result;
}

static int stage_bundle(struct output *out, const struct bundle *b)
{
	struct buf manifest;
	buf_init(&manifest);
	int err = bundle_render_manifest(b->policy, b, &manifest);
	if (err < 0) {
		struct src_loc none = {0};
		diag_error(out->diag, none, "cannot render the manifest of bundle '%s': %s",
		           b->name, strerror(-err));
		buf_free(&manifest);
		return -1;
	}
	/* The pieces (bundle_pieces[1..]), then the manifest (bundle_pieces[0]):
	 * it is what the runtime opens first. Extras (exports) come after it;
	 * nothing reads them together. */
	const struct buf *contents[BUNDLE_N_PIECES] = {&manifest, &b->bpf, &b->args, &b->limits,
	                                               &b->landlock};
	int result = 0;
	for (size_t i = 1; i < BUNDLE_N_PIECES && result == 0; i++)
		result = stage_named(out, b->name, bundle_pieces[i], contents[i]);
	if (result == 0)
		result = stage_named(out, b->name, bundle_pieces[0], contents[0]);
	for (size_t i = 0; i < b->n_extras && result == 0; i++)
		result = stage_named(out, b->name, b->extras[i].suffix, &b->extras[i].content);
	buf_free(&manifest);
	return result;
}

/* Moves one staged file to its final name. The previous file, if any, is
 * swapped to the temp name rather than destroyed, so that a later failure
 * can put it back. Filesystems without renameat2 flags get a plain rename. */
static int commit_one(struct output *out, struct staged_file *file)
{
	struct stat st;
	int fd = out->dir_fd;
	if (fstatat(fd, file->final_name, &st, AT_SYMLINK_NOFOLLOW) == 0) {
		if (!S_ISREG(st.st_mode) && !S_ISLNK(st.st_mode)) {
			struct src_loc none = {0};
			diag_error(out->diag, none,
			           "cannot replace %s/%s: it exists and is not a file", out->dir,
			           file->final_name);
			return -1;
		}
		if (renameat2(fd, file->temp_name, fd, file->final_name, RENAME_EXCHANGE) == 0) {
			file->state = STAGED_EXCHANGED;
			return 0;
		}
	} else if (errno == ENOENT) {
		if (renameat2(fd, file->temp_name, fd, file->final_name, RENAME_NOREPLACE) == 0) {
			file->state = STAGED_PLACED;
			return 0;
		}
	}
	if (errno != EINVAL && errno != ENOSYS) {
		report(out, file->final_name, "move into place", errno);
		return -1;
	}
	bool existed = fstatat(fd, file->final_name, &st, AT_SYMLINK_NOFOLLOW) == 0;
	if (renameat(fd, file->temp_name, fd, file->final_name) < 0) {
		report(out, file->final_name, "move into place", errno);
		return -1;
	}
	file->state = existed ? STAGED_REPLACED : STAGED_PLACED;
	return 0;
}

/* Undoes one commit_one(). */
static void uncommit_one(struct output *out, struct staged_file *file)
{
	struct src_loc none = {0};
	int fd = out->dir_fd;
	switch (file->state) {
	case STAGED_EXCHANGED:
		if (renameat2(fd, file->temp_name, fd, file->final_name, RENAME_EXCHANGE) < 0)
			report(out, file->final_name, "restore the previous", errno);
		else
			file->state = STAGED_WRITTEN;
		break;
	case STAGED_PLACED:
		if (unlinkat(fd, file->final_name, 0) < 0)
			report(out, file->final_name, "remove the new", errno);
		file->state = STAGED_WRITTEN;
		break;
	case STAGED_REPLACED:
		diag_note(out->diag, none,
		          "%s/%s was already replaced; this filesystem cannot swap files, so the "
		          "previous one is lost",
		          out->dir, file->final_name);
		break;
	case STAGED_WRITTEN:
		break;
	}
}

/* Removes what is left under temp names: new pieces after a failure, the
 * previous files after a success. */
static void remove_temps(struct output *out)
{
	for (size_t i = 0; i < out->n_files; i++) {
		struct staged_file *file = &out->files[i];
		bool temp_exists = file->state == STAGED_WRITTEN || file->state == STAGED_EXCHANGED;
		if (temp_exists && unlinkat(out->dir_fd, file->temp_name, 0) < 0 && errno != ENOENT)
			report(out, file->temp_name, "remove", errno);
	}
}

static int commit_all(struct output *out)
{
	size_t done = 0;
	int result = 0;
	while (done < out->n_files && result == 0)
		if ((result = commit_one(out, &out->files[done])) == 0)
			done++;
	if (result == 0 && fsync(out->dir_fd) < 0) {
		report(out, ".", "sync", errno);
		result = -1;
	}
	if (result < 0)
		while (done > 0)
			uncommit_one(out, &out->files[--done]);
	return result;
}

static int check_names(struct diag_ctx *d, struct bundle *const *bundles, size_t n)
{
	struct src_loc none = {0};
	int result = 0;
	for (size_t i = 0; i < n; i++) {
		if (!bundle_name_valid(bundles[i]->name)) {
			diag_error(d, none,
			           "'%s' cannot name a bundle: a file name of printable characters "
			           "without spaces or '/', not starting with '.', is needed",
			           bundles[i]->name);
			result = -1;
		}
		for (size_t j = 0; j < i; j++)
			if (strcmp(bundles[i]->name, bundles[j]->name) == 0) {
				diag_error(d, none, "two bundles are both named '%s'",
				           bundles[i]->name);
				result = -1;
			}
	}
	return result;
}

int bundle_write_all(struct diag_ctx *d, const char *dir, struct bundle *const *bundles, size_t n)
{
	if (check_names(d, bundles, n) < 0)
		return -1;
	struct output out = {.diag = d, .dir = dir};
	out.dir_fd = open_output_dir(d, dir);
	if (out.dir_fd < 0)
		return -1;
	out.files = xcalloc((BUNDLE_N_PIECES + BUNDLE_MAX_EXTRAS) * n + 1, sizeof(*out.files));

	int result = 0;
	for (size_t i = 0; i < n && result == 0; i++)
		result = stage_bundle(&out, bundles[i]);
	if (result == 0)
		result = commit_all(&out);
	remove_temps(&out);

	for (size_t i = 0; i < out.n_files; i++) {
		free(out.files[i].final_name);
		free(out.files[i].temp_name);
	}
	free(out.files);
	close(out.dir_fd);
	return result;
}

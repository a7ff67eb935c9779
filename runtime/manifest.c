/* manifest.c - load a bundle: trust checks, the manifest grammar, digests. */
#include "manifest.h"
#include "rt_util.h"
#include "sha256.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define MAX_FIELDS    6
#define MAX_FILE_SIZE (64u << 20) /* far above any real bundle piece */

static const char *const piece_kinds[RT_PIECE_COUNT] = {"bpf", "args", "limits", "landlock"};

static char *dup_str(const char *s)
{
	return rt_must_alloc(strdup(s));
}

static void *grow(void *array, size_t n, size_t elem)
{
	return rt_must_alloc(realloc(array, (n + 1) * elem));
}

/* ---- the grammar --------------------------------------------------------- */

/* uint = "0" / %x31-39 *DIGIT, fitting in 64 bits. */
static bool parse_uint(const char *s, uint64_t *out)
{
	if (!*s || (s[0] == '0' && s[1]))
		return false;
	uint64_t v = 0;
	for (; *s; s++) {
		if (*s < '0' || *s > '9' || v > (UINT64_MAX - (uint64_t)(*s - '0')) / 10)
			return false;
		v = v * 10 + (uint64_t)(*s - '0');
	}
	*out = v;
	return true;
}

static bool is_word(const char *s)
{
	if (!*s)
		return false;
	for (; *s; s++)
		if (*s <= ' ' || *s >= 0x7f)
			return false;
	return true;
}

static bool is_param_name(const char *s)
{
	if (!((*s >= 'A' && *s <= 'Z') || (*s >= 'a' && *s <= 'z') || *s == '_'))
		return false;
	for (s++; *s; s++)
		if (!((*s >= 'A' && *s <= 'Z') || (*s >= 'a' && *s <= 'z') || *s == '_' ||
		      (*s >= '0' && *s <= '9')))
			return false;
	return true;
}

static bool is_lower_hex(const char *s, size_t len)
{
	for (size_t i = 0; i < len; i++)
		if (!((s[i] >= '0' && s[i] <= '9') || (s[i] >= 'a' && s[i] <= 'f')))
			return false;
	return strlen(s) == len;
}

static int hex_value(char c)
{
	return c <= '9' ? c - '0' : c - 'a' + 10;
}

/* Splits a line in place on single spaces; empty fields are refused. */
static int split(char *line, char **fields)
{
	int n = 0;
	for (char *p = line;; p++) {
		char *space = strchr(p, ' ');
		if (n == MAX_FIELDS || *p == ' ' || *p == '\0')
			return -1;
		fields[n++] = p;
		if (!space)
			return n;
		*space = '\0';
		p = space;
	}
}

struct parser {
	struct rt_bundle *b;
	int line;
	int stage; /* index of the next key allowed, in manifest order */
	int next_data_fd;
	char *err;
	size_t err_size;
};

enum stage {
	S_VERSION,
	S_NAME,
	S_COMPILER,
	S_ARCH,
	S_BWRAP_MIN,
	S_FALLBACK, /* version 2 */
	S_LISTS,
	S_PIECES,
};

/* Version 1 has no landlock piece. */
static int n_pieces(const struct rt_bundle *b)
{
	return b->version >= 2 ? RT_PIECE_COUNT : RT_PIECE_LANDLOCK;
}

static int bad(struct parser *p, const char *what)
{
	return rt_fail(p->err, p->err_size, "manifest line %d: %s", p->line, what);
}

static int parse_bwrap_min(struct parser *p, const char *v)
{
	char copy[64];
	char *parts[3];
	int n = 0;
	if (strlen(v) >= sizeof(copy))
		return bad(p, "bwrap-min is not a version X.Y.Z");
	strcpy(copy, v);
	for (char *s = copy, *dot; n < 3; s = dot + 1) {
		parts[n++] = s;
		if (!(dot = strchr(s, '.')))
			break;
		*dot = '\0';
	}
	for (int i = 0; i < 3; i++) {
		uint64_t value;
		if (n != 3 || !parse_uint(parts[i], &value) || value > 99999)
			return bad(p, "bwrap-min is not a version X.Y.Z");
		p->b->bwrap_min[i] = (unsigned)value;
	}
	return 0;
}

static int parse_data(struct parser *p, char **f)
{
	struct rt_bundle *b = p->b;
	uint64_t fd, size;
	if (!parse_uint(f[1], &fd) || !parse_uint(f[2], &size))
		return bad(p, "data needs FD SIZE HEX");
	if (fd != (uint64_t)p->next_data_fd || b->n_data >= RT_MAX_DATA_FDS)
		return bad(p, "data fds must count up from 10 (at most 64 of them)");
	if (size > 65536)
		return bad(p, "data is larger than 65536 bytes");
	bool empty_ok = size == 0 && strcmp(f[3], "-") == 0;
	if (!empty_ok && (size == 0 || !is_lower_hex(f[3], 2 * size)))
		return bad(p, "data HEX must be 2*SIZE lowercase hex digits, or - for size 0");
	b->data = grow(b->data, b->n_data, sizeof(*b->data));
	struct rt_data *d = &b->data[b->n_data++];
	d->fd = p->next_data_fd++;
	d->bytes.len = size;
	d->bytes.data = rt_must_alloc(malloc(size + 1));
	for (size_t i = 0; i < size; i++)
		d->bytes.data[i] =
		    (unsigned char)(hex_value(f[3][2 * i]) * 16 + hex_value(f[3][2 * i + 1]));
	return 0;
}

static int parse_piece(struct parser *p, char **f, int n)
{
	struct rt_bundle *b = p->b;
	int kind = p->stage - S_PIECES;
	uint64_t size;
	char expected[256];
	static const char *const expected_piece[RT_PIECE_COUNT] = {
	    "expected `piece bpf`", "expected `piece args`", "expected `piece limits`",
	    "expected `piece landlock`"};
	if (n != 5 || strcmp(f[1], piece_kinds[kind]) != 0)
		return bad(p, expected_piece[kind]);
	snprintf(expected, sizeof(expected), "%s.%s", b->name, piece_kinds[kind]);
	if (strcmp(f[2], expected) != 0)
		return bad(p, "a piece's file must be NAME.KIND");
	if (!parse_uint(f[3], &size) || size > MAX_FILE_SIZE)
		return bad(p, "a piece's size is not a number in range");
	if (strncmp(f[4], "sha256:", 7) != 0 || !is_lower_hex(f[4] + 7, 64))
		return bad(p, "a piece's digest must be sha256: and 64 lowercase hex digits");
	struct rt_piece *piece = &b->pieces[kind];
	piece->file = dup_str(f[2]);
	piece->size = (size_t)size;
	memcpy(piece->digest, f[4] + 7, 65);
	p->stage++;
	return 0;
}

/* The optional, repeatable lines, each kind after the previous ones. */
static int parse_list_line(struct parser *p, char **f, int n, int *list_order)
{
	struct rt_bundle *b = p->b;
	int order = strcmp(f[0], "param") == 0      ? 1
	            : strcmp(f[0], "env-keep") == 0 ? 2
	            : strcmp(f[0], "data") == 0     ? 3
	                                            : 0;
	if (order == 0)
		return bad(p, "unknown key or key out of order");
	if (order < *list_order)
		return bad(p, "param, env-keep and data lines must come in that order");
	*list_order = order;
	if (order == 1) {
		bool constrained = n == 5 && strcmp(f[2], "path") == 0 && strcmp(f[3], "in") == 0 &&
		                   f[4][0] == '/';
		if ((n != 3 && !constrained) || !is_param_name(f[1]) ||
		    (strcmp(f[2], "path") != 0 && strcmp(f[2], "value") != 0))
			return bad(p,
			           "expected `param NAME path|value` or `param NAME path in DIR`");
		for (size_t i = 0; i < b->n_params; i++)
			if (strcmp(b->params[i].name, f[1]) == 0)
				return bad(p, "param listed twice");
		b->params = grow(b->params, b->n_params, sizeof(*b->params));
		b->params[b->n_params++] =
		    (struct rt_param){.name = dup_str(f[1]),
		                      .is_path = f[2][0] == 'p',
		                      .within = constrained ? dup_str(f[4]) : NULL};
	} else if (order == 2) {
		if (n != 2 || !is_word(f[1]) || strchr(f[1], '='))
			return bad(p, "expected `env-keep NAME`");
		b->env_keep = grow(b->env_keep, b->n_env_keep, sizeof(char *));
		b->env_keep[b->n_env_keep++] = dup_str(f[1]);
	} else {
		if (n != 4)
			return bad(p, "expected `data FD SIZE HEX`");
		return parse_data(p, f);
	}
	return 0;
}

static int parse_line(struct parser *p, char *line, int *list_order)
{
	struct rt_bundle *b = p->b;
	char *f[MAX_FIELDS];
	int n = split(line, f);
	if (n < 0)
		return bad(p, "fields must be separated by exactly one space");
	switch (p->stage) {
	case S_VERSION:
		if (n != 2 || strcmp(f[0], "cell-bundle") != 0)
			return bad(p, "the first line must be `cell-bundle VERSION`");
		if (strcmp(f[1], "1") != 0 && strcmp(f[1], "2") != 0)
			return rt_fail(p->err, p->err_size,
			               "bundle format version %s is not supported: this cellrun "
			               "reads versions 1 to %d",
			               f[1], RT_BUNDLE_VERSION);
		b->version = (unsigned)(f[1][0] - '0');
		break;
	case S_NAME:
		if (n != 2 || strcmp(f[0], "name") != 0 || !is_word(f[1]) || f[1][0] == '.' ||
		    strchr(f[1], '/') || strlen(f[1]) > 200)
			return bad(p, "expected `name NAME`");
		b->name = dup_str(f[1]);
		break;
	case S_COMPILER:
		if (n != 3 || strcmp(f[0], "compiler") != 0 || strcmp(f[1], "cell") != 0)
			return bad(p, "expected `compiler cell VERSION`");
		break;
	case S_ARCH:
	case S_BWRAP_MIN:
		if (n == 2 && strcmp(f[0], "arch") == 0 && is_word(f[1])) {
			b->arches = grow(b->arches, b->n_arches, sizeof(char *));
			b->arches[b->n_arches++] = dup_str(f[1]);
			p->stage = S_BWRAP_MIN;
			return 0;
		}
		if (p->stage == S_ARCH || n != 2 || strcmp(f[0], "bwrap-min") != 0)
			return bad(p, p->stage == S_ARCH ? "expected `arch NAME`"
			                                 : "expected `arch` or `bwrap-min`");
		if (parse_bwrap_min(p, f[1]) < 0)
			return -1;
		p->stage = b->version >= 2 ? S_FALLBACK : S_LISTS;
		return 0;
	case S_FALLBACK:
		if (n != 2 || strcmp(f[0], "fallback") != 0 ||
		    (strcmp(f[1], "landlock") != 0 && strcmp(f[1], "none") != 0))
			return bad(p, "expected `fallback landlock|none`");
		b->fallback_landlock = f[1][0] == 'l';
		break;
	case S_LISTS:
		if (strcmp(f[0], "piece") != 0)
			return parse_list_line(p, f, n, list_order);
		p->stage = S_PIECES;
		return parse_piece(p, f, n);
	default:
		if (p->stage >= S_PIECES + n_pieces(b))
			return bad(p, "nothing may follow the last piece");
		if (strcmp(f[0], "piece") != 0)
			return bad(p, "unknown key or key out of order");
		return parse_piece(p, f, n);
	}
	p->stage++;
	return 0;
}

int rt_manifest_parse(const char *text, size_t len, struct rt_bundle *b, char *err, size_t err_size)
{
	memset(b, 0, sizeof(*b));
	struct parser p = {
	    .b = b, .stage = S_VERSION, .next_data_fd = 10, .err = err, .err_size = err_size};
	int list_order = 0;
	if (len == 0 || text[len - 1] != '\n')
		return rt_fail(err, err_size, "manifest is empty or does not end with a newline");
	if (memchr(text, '\0', len) || memchr(text, '\r', len))
		return rt_fail(err, err_size, "manifest contains a NUL or carriage return");
	char *copy = rt_must_alloc(malloc(len + 1));
	memcpy(copy, text, len);
	copy[len] = '\0';
	int result = 0;
	for (char *line = copy, *nl; result == 0 && (nl = strchr(line, '\n')); line = nl + 1) {
		*nl = '\0';
		p.line++;
		for (char *c = line; *c; c++)
			if ((unsigned char)*c < ' ' || (unsigned char)*c >= 0x7f)
				result = bad(&p, "non-ASCII or control character");
		if (result == 0)
			result = parse_line(&p, line, &list_order);
	}
	free(copy);
	if (result == 0 && p.stage != S_PIECES + n_pieces(b))
		result = rt_fail(err, err_size, "manifest ends early: line %d is missing `%s`",
		                 p.line + 1, p.stage >= S_PIECES ? "piece" : "a required key");
	return result;
}

/* ---- trust: sshd's StrictModes --------------------------------------------- */

/* `above` is true for the directories above the file. A root-owned sticky
 * directory (/tmp) is accepted there: in it, nobody but an entry's owner can
 * rename or remove the entry, so the next component, checked in turn, cannot
 * be swapped for someone else's. */
static int check_owner_mode(const char *path, const struct stat *st, uid_t caller, bool above,
                            char *err, size_t err_size)
{
	if (above && S_ISDIR(st->st_mode) && (st->st_mode & S_ISVTX) && st->st_uid == 0)
		return 0;
	if (st->st_uid != 0 && st->st_uid != caller)
		return rt_fail(
		    err, err_size,
		    "refusing %s: it is owned by uid %u, not by root or the caller (uid %u)", path,
		    (unsigned)st->st_uid, (unsigned)caller);
	if (st->st_mode & (S_IWGRP | S_IWOTH))
		return rt_fail(err, err_size,
		               "refusing %s: it is writable by %s (mode %04o); chmod go-w it", path,
		               (st->st_mode & S_IWOTH) ? "every user" : "its group",
		               (unsigned)(st->st_mode & 07777));
	return 0;
}

int rt_path_trusted(const char *path, uid_t caller, char *err, size_t err_size)
{
	char *real = realpath(path, NULL);
	if (!real)
		return rt_fail(err, err_size, "cannot resolve %s: %s", path, strerror(errno));
	int result = 0;
	bool above = false;
	/* The file itself, then each directory above it, up to and with /. */
	for (;; above = true) {
		struct stat st;
		if (stat(real, &st) < 0)
			result =
			    rt_fail(err, err_size, "cannot stat %s: %s", real, strerror(errno));
		else
			result = check_owner_mode(real, &st, caller, above, err, err_size);
		if (result < 0 || strcmp(real, "/") == 0)
			break;
		char *slash = strrchr(real, '/');
		slash[slash == real ? 1 : 0] = '\0';
	}
	free(real);
	return result;
}

/* ---- reading and verifying ---------------------------------------------- */

static int read_all(int fd, const char *what, struct rt_bytes *out, char *err, size_t err_size)
{
	size_t cap = 4096, len = 0;
	unsigned char *data = rt_must_alloc(malloc(cap));
	for (;;) {
		if (len == cap) {
			if (cap >= MAX_FILE_SIZE) {
				free(data);
				return rt_fail(err, err_size, "%s is larger than %u bytes", what,
				               MAX_FILE_SIZE);
			}
			data = rt_must_alloc(realloc(data, cap *= 2));
		}
		ssize_t n = pread(fd, data + len, cap - len, (off_t)len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			int e = errno;
			free(data);
			return rt_fail(err, err_size, "cannot read %s: %s", what, strerror(e));
		}
		if (n == 0)
			break;
		len += (size_t)n;
	}
	out->data = data;
	out->len = len;
	return 0;
}

static int verify_piece(struct rt_piece *piece, const char *what, char *err, size_t err_size)
{
	uint8_t digest[SHA256_DIGEST_SIZE];
	char hex[SHA256_HEX_SIZE];
	if (piece->bytes.len != piece->size)
		return rt_fail(err, err_size,
		               "%s has %zu bytes, the manifest says %zu: the bundle was altered or "
		               "mixed with another compile",
		               what, piece->bytes.len, piece->size);
	sha256(piece->bytes.data, piece->bytes.len, digest);
	sha256_to_hex(digest, hex);
	if (strcmp(hex, piece->digest) != 0)
		return rt_fail(
		    err, err_size,
		    "%s does not match the manifest's SHA-256: the bundle was altered or "
		    "mixed with another compile",
		    what);
	return 0;
}

/* Opens a bundle file without following a final symlink into somewhere
 * unchecked, and checks it and its directories. */
static int open_trusted(const char *path, char *err, size_t err_size)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);
	if (fd < 0)
		return rt_fail(err, err_size, "cannot open %s: %s", path, strerror(errno));
	struct stat st;
	if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode)) {
		close(fd);
		return rt_fail(err, err_size, "refusing %s: not a regular file", path);
	}
	if (check_owner_mode(path, &st, getuid(), false, err, err_size) < 0 ||
	    rt_path_trusted(path, getuid(), err, err_size) < 0) {
		close(fd);
		return -1;
	}
	return fd;
}

static int load_manifest_bytes(struct rt_bundle *b, const struct rt_bytes *text, char *err,
                               size_t err_size)
{
	char inner[512];
	if (rt_manifest_parse((const char *)text->data, text->len, b, inner, sizeof(inner)) < 0)
		return rt_fail(err, err_size, "invalid bundle manifest: %s", inner);
	return 0;
}

int rt_bundle_load_path(const char *prefix, struct rt_bundle *b, char *err, size_t err_size)
{
	memset(b, 0, sizeof(*b));
	size_t plen = strlen(prefix);
	char *path = rt_must_alloc(malloc(plen + 256 + 16));
	snprintf(path, plen + 16, "%s.manifest", prefix);
	struct rt_bytes text = {0};
	int fd = open_trusted(path, err, err_size);
	int result = fd < 0 ? -1 : read_all(fd, path, &text, err, err_size);
	if (fd >= 0)
		close(fd);
	if (result == 0)
		result = load_manifest_bytes(b, &text, err, err_size);
	free(text.data);
	/* The pieces live next to the manifest, under the names it gives. */
	const char *slash = strrchr(prefix, '/');
	size_t dir_len = slash ? (size_t)(slash - prefix) + 1 : 0;
	for (int k = 0; result == 0 && k < n_pieces(b); k++) {
		snprintf(path, plen + 256 + 16, "%.*s%s", (int)dir_len, prefix, b->pieces[k].file);
		fd = open_trusted(path, err, err_size);
		result = fd < 0 ? -1 : read_all(fd, path, &b->pieces[k].bytes, err, err_size);
		if (fd >= 0)
			close(fd);
		if (result == 0)
			result = verify_piece(&b->pieces[k], path, err, err_size);
	}
	free(path);
	return result;
}

int rt_bundle_load_fds(const int *fds, size_t n_fds, struct rt_bundle *b, char *err,
                       size_t err_size)
{
	memset(b, 0, sizeof(*b));
	struct rt_bytes text = {0};
	char what[64];
	snprintf(what, sizeof(what), "the manifest on fd %d", fds[0]);
	int result = read_all(fds[0], what, &text, err, err_size);
	if (result == 0)
		result = load_manifest_bytes(b, &text, err, err_size);
	free(text.data);
	if (result == 0 && n_fds != (size_t)n_pieces(b) + 1)
		result = rt_fail(err, err_size,
		                 "--bundle-fds gave %zu descriptors; a version %u bundle has %d "
		                 "(the manifest and %d pieces)",
		                 n_fds, b->version, n_pieces(b) + 1, n_pieces(b));
	for (int k = 0; result == 0 && k < n_pieces(b); k++) {
		snprintf(what, sizeof(what), "the %s piece on fd %d", piece_kinds[k], fds[k + 1]);
		result = read_all(fds[k + 1], what, &b->pieces[k].bytes, err, err_size);
		if (result == 0)
			result = verify_piece(&b->pieces[k], what, err, err_size);
	}
	return result;
}

/* uname -m to libseccomp's architecture names. */
static const char *seccomp_arch_name(const char *machine)
{
	static const char *const map[][2] = {
	    {"x86_64", "x86_64"},   {"i386", "x86"},
	    {"i486", "x86"},        {"i586", "x86"},
	    {"i686", "x86"},        {"aarch64", "aarch64"},
	    {"armv7l", "arm"},      {"armv6l", "arm"},
	    {"riscv64", "riscv64"}, {"ppc64le", "ppc64le"},
	    {"ppc64", "ppc64"},     {"s390x", "s390x"},
	    {"mips64", "mips64"},   {"loongarch64", "loongarch64"},
	};
	for (size_t i = 0; i < sizeof(map) / sizeof(map[0]); i++)
		if (strcmp(machine, map[i][0]) == 0)
			return map[i][1];
	return machine;
}

int rt_bundle_check_arch(const struct rt_bundle *b, const char *machine, char *err, size_t err_size)
{
	const char *mine = seccomp_arch_name(machine);
	for (size_t i = 0; i < b->n_arches; i++)
		if (strcmp(b->arches[i], mine) == 0)
			return 0;
	return rt_fail(err, err_size,
	               "bundle %s was compiled for %s%s, not for this machine (%s): its filter "
	               "would kill every system call; recompile it here",
	               b->name, b->n_arches ? b->arches[0] : "?",
	               b->n_arches > 1 ? " and others" : "", mine);
}

void rt_bundle_free(struct rt_bundle *b)
{
	free(b->name);
	for (size_t i = 0; i < b->n_arches; i++)
		free(b->arches[i]);
	free(b->arches);
	for (size_t i = 0; i < b->n_params; i++) {
		free(b->params[i].name);
		free(b->params[i].within);
		free(b->params[i].resolved);
	}
	free(b->params);
	for (size_t i = 0; i < b->n_env_keep; i++)
		free(b->env_keep[i]);
	free(b->env_keep);
	for (size_t i = 0; i < b->n_data; i++)
		free(b->data[i].bytes.data);
	free(b->data);
	for (int k = 0; k < RT_PIECE_COUNT; k++) {
		free(b->pieces[k].file);
		free(b->pieces[k].bytes.data);
	}
	memset(b, 0, sizeof(*b));
}

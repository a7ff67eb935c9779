/*
 * rt_limits.c - the `.limits` file, the cgroups that hold a sandbox's limits,
 * and the rlimits that complement them. See rt_limits.h for the contract and
 * docs/limits.md for how each limit is enforced and what was tested where.
 *
 * A note on "emulated" hierarchies: the unit tests build fake cgroup trees
 * in a temporary directory. There the kernel does not populate a new
 * directory with its interface files, so this module does it (an empty file
 * for each regular file of the parent) and removes them again before rmdir.
 * That only ever happens for a tree found by its layout (no cgroup mount at
 * or under `root` in /proc/self/mountinfo) that statfs() says is not a
 * cgroup filesystem. Real hierarchies are found in mountinfo only.
 */
#include "rt_limits.h"
#include "rt_util.h"

#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <signal.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/vfs.h>
#include <time.h>
#include <unistd.h>

#ifndef CGROUP_SUPER_MAGIC
#define CGROUP_SUPER_MAGIC 0x27e0eb
#endif
#ifndef CGROUP2_SUPER_MAGIC
#define CGROUP2_SUPER_MAGIC 0x63677270
#endif

#define LIMITS_VERSION      1
#define CPU_PERIOD_USEC     100000
#define KILL_ROUNDS         200 /* x KILL_ROUND_PAUSE_MS: how long we wait for a */
#define KILL_ROUND_PAUSE_MS 10  /* cgroup to empty before giving up */
#define SIGNAL_ROUNDS       20  /* passes over cgroup.procs for a non-fatal signal */
#define HINT_MAX            64
#define ERR_TEXT_MAX        512
#define FIX_CGROUP                                                                                 \
	"Fix: run as root, or delegate a cgroup v2 subtree (systemd-run --user --scope -p "        \
	"Delegate=yes ...), or mark the limit best-effort"

/* ---- small helpers ------------------------------------------------------- */

static char *path_join(const char *dir, const char *name)
{
	char *p;
	if (asprintf(&p, "%s/%s", dir, name) < 0)
		rt_out_of_memory();
	return p;
}

static char *dup_or_die(const char *s)
{
	char *p = strdup(s);
	if (!p)
		rt_out_of_memory();
	return p;
}

static bool file_exists(const char *dir, const char *name)
{
	char *p = path_join(dir, name);
	bool exists = access(p, F_OK) == 0;
	free(p);
	return exists;
}

/* Reads a whole (small, virtual) file. Returns a NUL-terminated copy, or
 * NULL with errno set. */
static char *read_text(const char *path)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
	if (fd < 0)
		return NULL;
	size_t cap = 4096, len = 0;
	char *text = malloc(cap);
	if (!text)
		rt_out_of_memory();
	for (;;) {
		if (len + 1 >= cap) {
			cap *= 2;
			text = realloc(text, cap);
			if (!text)
				rt_out_of_memory();
		}
		ssize_t n = read(fd, text + len, cap - len - 1);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			int saved = errno;
			free(text);
			close(fd);
			errno = saved;
			return NULL;
		}
		if (n == 0)
			break;
		len += (size_t)n;
	}
	close(fd);
	text[len] = '\0';
	return text;
}

/* Writes `value` to an existing control file. Never creates one: a missing
 * file means the controller is not there, and that must fail, not pass. */
static int write_control(const char *dir, const char *name, const char *value, char *err,
                         size_t err_size)
{
	char *path = path_join(dir, name);
	int fd = open(path, O_WRONLY | O_CLOEXEC | O_NOFOLLOW);
	int result = -1;
	if (fd < 0) {
		(void)rt_fail(err, err_size, "cannot open %s: %s", path, strerror(errno));
		goto out;
	}
	size_t len = strlen(value);
	ssize_t n;
	do
		n = write(fd, value, len);
	while (n < 0 && errno == EINTR);
	if (n < 0)
		(void)rt_fail(err, err_size, "cannot write \"%s\" to %s: %s", value, path,
		              strerror(errno));
	else if ((size_t)n != len)
		(void)rt_fail(err, err_size, "short write of \"%s\" to %s", value, path);
	else
		result = 0;
	close(fd);
out:
	free(path);
	return result;
}

static int write_control_u64(const char *dir, const char *name, uint64_t value, char *err,
                             size_t err_size)
{
	char text[32];
	snprintf(text, sizeof(text), "%" PRIu64, value);
	return write_control(dir, name, text, err, err_size);
}

/* Parses a decimal uint64 at s (no sign, no leading zeros unless "0"),
 * ending at `end`. */
static bool parse_u64(const char *s, const char *end, uint64_t *out)
{
	uint64_t v = 0;
	if (s == end || (s[0] == '0' && end - s > 1))
		return false;
	for (const char *p = s; p < end; p++) {
		if (*p < '0' || *p > '9')
			return false;
		unsigned digit = (unsigned)(*p - '0');
		if (v > (UINT64_MAX - digit) / 10)
			return false;
		v = v * 10 + digit;
	}
	*out = v;
	return true;
}

/* A cgroup file holding one number ("123\n"). */
static bool read_u64_file(const char *dir, const char *name, uint64_t *out)
{
	char *path = path_join(dir, name);
	char *text = read_text(path);
	free(path);
	if (!text)
		return false;
	char *end = text + strcspn(text, "\n");
	bool ok = parse_u64(text, end, out);
	free(text);
	return ok;
}

/* A flat keyed file ("oom_kill 3\n..."): the value for `key`. */
static bool read_keyed_u64(const char *dir, const char *name, const char *key, uint64_t *out)
{
	char *path = path_join(dir, name);
	char *text = read_text(path);
	free(path);
	if (!text)
		return false;
	bool found = false;
	size_t key_len = strlen(key);
	for (char *line = text; *line && !found;) {
		char *eol = line + strcspn(line, "\n");
		if ((size_t)(eol - line) > key_len && strncmp(line, key, key_len) == 0 &&
		    line[key_len] == ' ')
			found = parse_u64(line + key_len + 1, eol, out);
		line = *eol ? eol + 1 : eol;
	}
	free(text);
	return found;
}

/* Whether the space/comma separated `list` contains `word`. */
static bool list_has(const char *list, const char *word, const char *separators)
{
	size_t word_len = strlen(word);
	for (const char *p = list; *p;) {
		size_t n = strcspn(p, separators);
		if (n == word_len && strncmp(p, word, n) == 0)
			return true;
		p += n;
		p += strspn(p, separators);
	}
	return false;
}

/* ---- the limits file ----------------------------------------------------- */

struct limit_key {
	const char *key;
	size_t offset; /* of the struct rt_limit inside struct rt_limits */
	bool zero_allowed;
};

/* The order of the file (docs/bundle.md). */
static const struct limit_key limit_keys[] = {
    {"memory-bytes", offsetof(struct rt_limits, memory_bytes), false},
    {"pids", offsetof(struct rt_limits, pids), false},
    {"cpu-millicores", offsetof(struct rt_limits, cpu_millicores), false},
    {"time-ms", offsetof(struct rt_limits, time_ms), false},
    {"nofile", offsetof(struct rt_limits, nofile), false},
    {"fsize-bytes", offsetof(struct rt_limits, fsize_bytes), true},
};
#define N_LIMIT_KEYS (sizeof(limit_keys) / sizeof(limit_keys[0]))

static int find_limit_key(const char *key, size_t len)
{
	for (size_t i = 0; i < N_LIMIT_KEYS; i++)
		if (strlen(limit_keys[i].key) == len && strncmp(limit_keys[i].key, key, len) == 0)
			return (int)i;
	return -1;
}

static int parse_header(const char *line, const char *eol, char *err, size_t err_size)
{
	static const char prefix[] = "cell-limits ";
	size_t prefix_len = sizeof(prefix) - 1;
	uint64_t version;
	if ((size_t)(eol - line) <= prefix_len || strncmp(line, prefix, prefix_len) != 0) {
		(void)rt_fail(err, err_size,
		              "limits file: the first line must be `cell-limits %d`; this is not a "
		              "limits file",
		              LIMITS_VERSION);
		return -1;
	}
	if (!parse_u64(line + prefix_len, eol, &version)) {
		(void)rt_fail(err, err_size, "limits file line 1: bad version number \"%.*s\"",
		              (int)(eol - line - (ptrdiff_t)prefix_len), line + prefix_len);
		return -1;
	}
	if (version != LIMITS_VERSION) {
		(void)rt_fail(
		    err, err_size,
		    "limits file: unsupported format version %" PRIu64
		    " (this cellrun reads version %d); use a cellrun as new as the cell that "
		    "compiled the bundle",
		    version, LIMITS_VERSION);
		return -1;
	}
	return 0;
}

/* One "KEY VALUE[ best-effort]" line; `seen` tracks keys for duplicates and
 * order. */
static int parse_limit_line(const char *line, const char *eol, unsigned lineno,
                            struct rt_limits *out, int *last_index, char *err, size_t err_size)
{
	const char *key_end = memchr(line, ' ', (size_t)(eol - line));
	if (!key_end) {
		(void)rt_fail(err, err_size,
		              "limits file line %u: expected `KEY VALUE`, got \"%.*s\"", lineno,
		              (int)(eol - line), line);
		return -1;
	}
	int index = find_limit_key(line, (size_t)(key_end - line));
	if (index < 0) {
		(void)rt_fail(err, err_size, "limits file line %u: unknown key \"%.*s\"", lineno,
		              (int)(key_end - line), line);
		return -1;
	}
	const struct limit_key *key = &limit_keys[index];
	struct rt_limit *limit = (struct rt_limit *)((char *)out + key->offset);
	if (limit->set) {
		(void)rt_fail(err, err_size, "limits file line %u: duplicate key %s", lineno,
		              key->key);
		return -1;
	}
	if (index < *last_index) {
		(void)rt_fail(err, err_size, "limits file line %u: %s is out of order (after %s)",
		              lineno, key->key, limit_keys[*last_index].key);
		return -1;
	}
	const char *value = key_end + 1;
	const char *value_end = memchr(value, ' ', (size_t)(eol - value));
	bool best_effort = false;
	if (value_end) {
		static const char be[] = "best-effort";
		if ((size_t)(eol - value_end - 1) != sizeof(be) - 1 ||
		    strncmp(value_end + 1, be, sizeof(be) - 1) != 0) {
			(void)rt_fail(
			    err, err_size,
			    "limits file line %u: after the value of %s, only \" best-effort\" "
			    "may follow, not \"%.*s\"",
			    lineno, key->key, (int)(eol - value_end), value_end);
			return -1;
		}
		best_effort = true;
	} else {
		value_end = eol;
	}
	struct rt_limit parsed = {.set = true, .best_effort = best_effort};
	if ((size_t)(value_end - value) == strlen("infinity") &&
	    strncmp(value, "infinity", strlen("infinity")) == 0) {
		parsed.infinite = true;
	} else if (!parse_u64(value, value_end, &parsed.value)) {
		(void)rt_fail(err, err_size,
		              "limits file line %u: bad value \"%.*s\" for %s: expected a decimal "
		              "integer (no sign, no leading zeros, at most 2^64-1) or `infinity`",
		              lineno, (int)(value_end - value), value, key->key);
		return -1;
	} else if (parsed.value == 0 && !key->zero_allowed) {
		(void)rt_fail(err, err_size, "limits file line %u: %s may not be 0", lineno,
		              key->key);
		return -1;
	}
	*limit = parsed;
	*last_index = index;
	return 0;
}

int rt_limits_parse(const char *text, size_t len, struct rt_limits *out, char *err, size_t err_size)
{
	struct rt_limits parsed;
	memset(&parsed, 0, sizeof(parsed));
	if (len == 0) {
		(void)rt_fail(err, err_size,
		              "limits file is empty; expected `cell-limits %d` first",
		              LIMITS_VERSION);
		return -1;
	}
	if (memchr(text, '\0', len)) {
		(void)rt_fail(err, err_size, "limits file contains a NUL byte; it must be text");
		return -1;
	}
	const char *end = text + len;
	unsigned lineno = 1;
	int last_index = 0;
	for (const char *line = text; line < end; lineno++) {
		const char *eol = memchr(line, '\n', (size_t)(end - line));
		if (!eol) {
			(void)rt_fail(err, err_size,
			              "limits file line %u does not end with a newline", lineno);
			return -1;
		}
		int rc = lineno == 1 ? parse_header(line, eol, err, err_size)
		                     : parse_limit_line(line, eol, lineno, &parsed, &last_index,
		                                        err, err_size);
		if (rc < 0)
			return -1;
		line = eol + 1;
	}
	*out = parsed;
	return 0;
}

/* ---- cgroup hierarchies -------------------------------------------------- */

enum controller { CTL_MEMORY, CTL_PIDS, CTL_CPU, CTL_CPUACCT, CTL_COUNT };
static const char *const controller_names[CTL_COUNT] = {"memory", "pids", "cpu", "cpuacct"};
#define BIT(c) (1u << (c))

struct hierarchy {
	char *mount_point;
	char *mount_root; /* the path inside the hierarchy that is mounted there */
	char *options;    /* v1: the super options, which name the controllers */
	enum rt_cgroup_version version;
	bool emulated;
};

struct hierarchies {
	struct hierarchy *items;
	size_t count;
};

struct cg_dir {
	char *path;
	unsigned controllers; /* BIT(CTL_...) held by this directory */
	bool emulated;
};

struct rt_cgroup {
	enum rt_cgroup_version version;
	struct cg_dir dirs[CTL_COUNT];
	size_t n_dirs;
	FILE *log;
};

static void hierarchies_free(struct hierarchies *hs)
{
	for (size_t i = 0; i < hs->count; i++) {
		free(hs->items[i].mount_point);
		free(hs->items[i].mount_root);
		free(hs->items[i].options);
	}
	free(hs->items);
	hs->items = NULL;
	hs->count = 0;
}

static void hierarchies_add(struct hierarchies *hs, const char *mount_point, const char *mount_root,
                            const char *options, enum rt_cgroup_version version, bool emulated)
{
	hs->items = realloc(hs->items, (hs->count + 1) * sizeof(*hs->items));
	if (!hs->items)
		rt_out_of_memory();
	hs->items[hs->count++] = (struct hierarchy){
	    .mount_point = dup_or_die(mount_point),
	    .mount_root = dup_or_die(mount_root),
	    .options = dup_or_die(options),
	    .version = version,
	    .emulated = emulated,
	};
}

/* mountinfo escapes space, tab, newline and backslash as \ooo. */
static void unescape_octal(char *s)
{
	char *out = s;
	for (char *in = s; *in;) {
		if (in[0] == '\\' && in[1] >= '0' && in[1] <= '3' && in[2] >= '0' && in[2] <= '7' &&
		    in[3] >= '0' && in[3] <= '7') {
			*out++ = (char)((in[1] - '0') * 64 + (in[2] - '0') * 8 + (in[3] - '0'));
			in += 4;
		} else {
			*out++ = *in++;
		}
	}
	*out = '\0';
}

/* Whether `path` is `root` or lies below it (NULL root: everywhere). */
static bool path_is_under(const char *path, const char *root)
{
	if (!root)
		return true;
	size_t n = strlen(root);
	while (n > 1 && root[n - 1] == '/')
		n--;
	if (strncmp(path, root, n) != 0)
		return false;
	return path[n] == '\0' || path[n] == '/' || (n == 1 && root[0] == '/');
}

/* One mountinfo line: "ID PARENT MAJ:MIN ROOT MOUNTPOINT OPTS [TAGS...] -
 * FSTYPE SOURCE SUPEROPTS". Adds it when it is a cgroup mount under root. */
static void consider_mount(char *line, const char *root, struct hierarchies *hs)
{
	char *fields[16];
	size_t n = 0;
	for (char *save = NULL, *tok = strtok_r(line, " \n", &save); tok && n < 16;
	     tok = strtok_r(NULL, " \n", &save))
		fields[n++] = tok;
	size_t dash = 6;
	while (dash < n && strcmp(fields[dash], "-") != 0)
		dash++;
	if (dash + 3 >= n)
		return;
	const char *fstype = fields[dash + 1], *superopts = fields[dash + 3];
	enum rt_cgroup_version version;
	if (strcmp(fstype, "cgroup2") == 0)
		version = RT_CGROUP_V2;
	else if (strcmp(fstype, "cgroup") == 0)
		version = RT_CGROUP_V1;
	else
		return;
	unescape_octal(fields[3]);
	unescape_octal(fields[4]);
	if (path_is_under(fields[4], root))
		hierarchies_add(hs, fields[4], fields[3], superopts, version, false);
}

static int read_mountinfo(const char *root, struct hierarchies *hs, char *err, size_t err_size)
{
	FILE *f = fopen("/proc/self/mountinfo", "re");
	if (!f) {
		(void)rt_fail(err, err_size,
		              "cannot read /proc/self/mountinfo to find the cgroup "
		              "hierarchies: %s (is /proc mounted?)",
		              strerror(errno));
		return -1;
	}
	char *line = NULL;
	size_t cap = 0;
	while (getline(&line, &cap, f) > 0)
		consider_mount(line, root, hs);
	free(line);
	fclose(f);
	return 0;
}

static bool is_cgroupfs(const char *path)
{
	struct statfs sfs;
	if (statfs(path, &sfs) < 0)
		return false;
	return sfs.f_type == CGROUP_SUPER_MAGIC || sfs.f_type == CGROUP2_SUPER_MAGIC;
}

/* No cgroup mount at or under root: a tree recognised by its layout (the
 * unit tests' fake trees). v2 where cgroup.controllers is; v1 where only
 * cgroup.procs is, its controllers named by the directory ("cpu,cpuacct"). */
static void discover_by_layout(const char *root, struct hierarchies *hs)
{
	bool emulated = !is_cgroupfs(root);
	if (file_exists(root, "cgroup.controllers")) {
		hierarchies_add(hs, root, "/", "", RT_CGROUP_V2, emulated);
		return;
	}
	DIR *d = opendir(root);
	if (!d)
		return;
	for (struct dirent *e; (e = readdir(d));) {
		if (e->d_name[0] == '.')
			continue;
		char *sub = path_join(root, e->d_name);
		if (file_exists(sub, "cgroup.controllers"))
			hierarchies_add(hs, sub, "/", "", RT_CGROUP_V2, emulated);
		else if (file_exists(sub, "cgroup.procs"))
			hierarchies_add(hs, sub, "/", e->d_name, RT_CGROUP_V1, emulated);
		free(sub);
	}
	closedir(d);
}

static int find_hierarchies(const char *root, struct hierarchies *hs, char *err, size_t err_size)
{
	if (read_mountinfo(root, hs, err, err_size) < 0)
		return -1;
	if (hs->count == 0 && root)
		discover_by_layout(root, hs);
	if (hs->count == 0) {
		(void)rt_fail(
		    err, err_size,
		    "no cgroup hierarchy is mounted at or under %s (see /proc/self/mountinfo)",
		    root ? root : "/");
		return -1;
	}
	return 0;
}

static const struct hierarchy *find_v2(const struct hierarchies *hs)
{
	for (size_t i = 0; i < hs->count; i++)
		if (hs->items[i].version == RT_CGROUP_V2)
			return &hs->items[i];
	return NULL;
}

static const struct hierarchy *find_v1(const struct hierarchies *hs, enum controller c)
{
	for (size_t i = 0; i < hs->count; i++)
		if (hs->items[i].version == RT_CGROUP_V1 &&
		    list_has(hs->items[i].options, controller_names[c], ","))
			return &hs->items[i];
	return NULL;
}

static bool has_dotdot(const char *path)
{
	for (const char *p = path; *p;) {
		size_t n = strcspn(p, "/");
		if (n == 2 && p[0] == '.' && p[1] == '.')
			return true;
		p += n;
		p += strspn(p, "/");
	}
	return false;
}

/* The caller's cgroup in hierarchy h, from /proc/self/cgroup's text, as a
 * directory under h's mount point; NULL when it is not visible there. */
static char *own_cgroup_dir(const struct hierarchy *h, const char *self_cgroup)
{
	if (!self_cgroup)
		return NULL;
	for (const char *line = self_cgroup; *line;) {
		const char *eol = line + strcspn(line, "\n");
		const char *c1 = memchr(line, ':', (size_t)(eol - line));
		const char *c2 = c1 ? memchr(c1 + 1, ':', (size_t)(eol - c1 - 1)) : NULL;
		if (c2) {
			char *ctls = strndup(c1 + 1, (size_t)(c2 - c1 - 1));
			char *path = strndup(c2 + 1, (size_t)(eol - c2 - 1));
			if (!ctls || !path)
				rt_out_of_memory();
			bool match = false;
			if (h->version == RT_CGROUP_V2)
				match = strncmp(line, "0::", 3) == 0;
			else
				for (const char *p = ctls; *p && !match;) {
					size_t n = strcspn(p, ",");
					char *word = strndup(p, n);
					if (!word)
						rt_out_of_memory();
					match = n > 0 && list_has(h->options, word, ",");
					free(word);
					p += n + (p[n] == ',');
				}
			free(ctls);
			if (match) {
				char *dir = NULL;
				size_t rl = strlen(h->mount_root);
				if (strcmp(h->mount_root, "/") == 0)
					rl = 0;
				bool under = path[0] == '/' &&
				             strncmp(path, h->mount_root, rl) == 0 &&
				             (path[rl] == '/' || path[rl] == '\0');
				/* A caller-supplied path must not climb out of the mount. */
				if (under && !has_dotdot(path)) {
					const char *rel = path + rl;
					if (strcmp(rel, "/") == 0 || rel[0] == '\0')
						dir = dup_or_die(h->mount_point);
					else if (asprintf(&dir, "%s%s", h->mount_point, rel) < 0)
						rt_out_of_memory();
				}
				free(path);
				return dir;
			}
			free(path);
		}
		line = *eol ? eol + 1 : eol;
	}
	return NULL;
}

/* ---- making and removing directories ------------------------------------ */

/* Emulated trees only: give a new directory the files the kernel would. */
static int populate_like_parent(const char *parent, const char *dir, char *err, size_t err_size)
{
	DIR *d = opendir(parent);
	if (!d) {
		(void)rt_fail(err, err_size, "cannot list %s: %s", parent, strerror(errno));
		return -1;
	}
	int result = 0;
	for (struct dirent *e; (e = readdir(d)) && result == 0;) {
		char *src = path_join(parent, e->d_name);
		struct stat st;
		if (lstat(src, &st) == 0 && S_ISREG(st.st_mode)) {
			char *dst = path_join(dir, e->d_name);
			int fd = open(dst, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
			if (fd < 0) {
				(void)rt_fail(err, err_size, "cannot create %s: %s", dst,
				              strerror(errno));
				result = -1;
			} else {
				close(fd);
			}
			free(dst);
		}
		free(src);
	}
	closedir(d);
	return result;
}

static void unlink_regular_files(const char *dir)
{
	DIR *d = opendir(dir);
	if (!d)
		return;
	for (struct dirent *e; (e = readdir(d));) {
		char *p = path_join(dir, e->d_name);
		struct stat st;
		if (lstat(p, &st) == 0 && S_ISREG(st.st_mode))
			unlink(p);
		free(p);
	}
	closedir(d);
}

static void sleep_ms(long ms)
{
	struct timespec ts = {.tv_sec = ms / 1000, .tv_nsec = (ms % 1000) * 1000000L};
	while (nanosleep(&ts, &ts) < 0 && errno == EINTR)
		;
}

static int remove_dir(const struct cg_dir *d, char *err, size_t err_size)
{
	if (d->emulated)
		unlink_regular_files(d->path);
	/* A cgroup whose last task just died can stay busy for a moment. */
	for (int attempt = 0; attempt < 50; attempt++) {
		if (rmdir(d->path) == 0 || errno == ENOENT)
			return 0;
		if (errno != EBUSY)
			break;
		sleep_ms(KILL_ROUND_PAUSE_MS);
	}
	(void)rt_fail(err, err_size, "cannot remove cgroup %s: %s", d->path, strerror(errno));
	return -1;
}

/* Makes `parent/name` and records it in cg. */
static struct cg_dir *make_dir(struct rt_cgroup *cg, const char *parent, const char *name,
                               bool emulated, char *err, size_t err_size)
{
	char *path = path_join(parent, name);
	if (mkdir(path, 0755) < 0) {
		int saved = errno;
		(void)rt_fail(
		    err, err_size, "cannot create directory %s: %s%s", path, strerror(saved),
		    saved == EEXIST ? " (left over from an earlier run? remove it with rmdir)"
		                    : "");
		if (saved == EACCES || saved == EPERM || saved == EROFS) {
			size_t used = err ? strlen(err) : 0;
			if (err && used < err_size)
				snprintf(err + used, err_size - used,
				         " (%s is not writable by uid %u)", parent,
				         (unsigned)geteuid());
		}
		free(path);
		return NULL;
	}
	struct cg_dir *d = &cg->dirs[cg->n_dirs++];
	*d = (struct cg_dir){.path = path, .emulated = emulated};
	if (emulated && populate_like_parent(parent, path, err, err_size) < 0) {
		remove_dir(d, NULL, 0);
		free(d->path);
		cg->n_dirs--;
		return NULL;
	}
	return d;
}

/* "cell-<hint>-<pid>", the hint reduced to characters safe in a path. */
static void cgroup_name(const char *hint, char *out, size_t out_size)
{
	char clean[HINT_MAX + 1];
	size_t n = 0;
	for (const char *p = hint ? hint : ""; *p && n < HINT_MAX; p++) {
		unsigned char c = (unsigned char)*p;
		clean[n++] = (char)(isalnum(c) || c == '-' || c == '_' || c == '.' ? c : '_');
	}
	clean[n] = '\0';
	snprintf(out, out_size, "cell-%s-%ld", n ? clean : "run", (long)getpid());
}

/* ---- placing the controllers -------------------------------------------- */

struct placement;
static void add_v2_reason(struct placement *pl, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

struct placement {
	unsigned needed;   /* controllers a finite limit asks for */
	unsigned required; /* of those, the ones that are not best-effort */
	const char *name;
	char v2_reason[ERR_TEXT_MAX];
	char v1_reason[CTL_COUNT][ERR_TEXT_MAX];
};

/* Whether candidate directory `dir` of a v2 hierarchy can hold every
 * required controller; enables the missing ones in its subtree_control.
 * Returns the usable controllers, or 0 with the reason. */
static unsigned v2_usable_controllers(const char *dir, struct placement *pl)
{
	char *path = path_join(dir, "cgroup.controllers");
	char *available = read_text(path);
	size_t reasons_before = strlen(pl->v2_reason);
	free(path);
	if (!available) {
		add_v2_reason(pl, "cannot read %s/cgroup.controllers: %s", dir, strerror(errno));
		return 0;
	}
	path = path_join(dir, "cgroup.subtree_control");
	char *enabled = read_text(path);
	free(path);
	unsigned usable = 0;
	for (int c = 0; c < CTL_COUNT; c++) {
		if (!(pl->needed & BIT(c)))
			continue;
		const char *ctl = controller_names[c];
		if (!list_has(available, ctl, " \n")) {
			if (pl->required & BIT(c)) {
				add_v2_reason(pl,
				              "the %s controller is not available in %s (its "
				              "cgroup.controllers lists: %.*s)",
				              ctl, dir, (int)strcspn(available, "\n"), available);
				usable = 0;
				break;
			}
			continue;
		}
		char plus[32], why[ERR_TEXT_MAX];
		snprintf(plus, sizeof(plus), "+%s", ctl);
		if ((enabled && list_has(enabled, ctl, " \n")) ||
		    write_control(dir, "cgroup.subtree_control", plus, why, sizeof(why)) == 0) {
			usable |= BIT(c);
		} else if (pl->required & BIT(c)) {
			add_v2_reason(pl,
			              "cannot enable the %s controller for the children of %s: %s",
			              ctl, dir, why);
			usable = 0;
			break;
		}
	}
	if (!usable && strlen(pl->v2_reason) == reasons_before)
		add_v2_reason(pl, "none of the controllers the limits need is available in %s",
		              dir);
	free(available);
	free(enabled);
	return usable;
}

/* cgroup v2: a sibling of our own cgroup (its parent being writable, as in a
 * delegated user slice), else a child of our own cgroup. */
static int place_v2(struct rt_cgroup *cg, const struct hierarchies *hs, const char *self_cgroup,
                    struct placement *pl)
{
	const struct hierarchy *h = find_v2(hs);
	if (!h) {
		add_v2_reason(pl, "no cgroup v2 hierarchy is mounted");
		return -1;
	}
	char *own = own_cgroup_dir(h, self_cgroup);
	char *candidates[2] = {NULL, NULL};
	if (own && strcmp(own, h->mount_point) != 0) {
		candidates[0] = dup_or_die(own);
		*strrchr(candidates[0], '/') = '\0';
	}
	candidates[1] = own ? own : dup_or_die(h->mount_point);
	int result = -1;
	for (int i = 0; i < 2 && result < 0; i++) {
		if (!candidates[i])
			continue;
		unsigned usable = v2_usable_controllers(candidates[i], pl);
		if (!usable)
			continue;
		char why[ERR_TEXT_MAX];
		struct cg_dir *d =
		    make_dir(cg, candidates[i], pl->name, h->emulated, why, sizeof(why));
		if (!d) {
			add_v2_reason(pl, "%s", why);
			continue;
		}
		d->controllers = usable;
		cg->version = RT_CGROUP_V2;
		result = 0;
	}
	free(candidates[0]);
	free(candidates[1]);
	return result;
}

/* cgroup v1: one directory per hierarchy, in our own cgroup there, else at
 * the hierarchy's root. Controllers sharing a hierarchy share a directory. */
static void place_v1_controller(struct rt_cgroup *cg, const struct hierarchies *hs,
                                const char *self_cgroup, enum controller c, struct placement *pl)
{
	const struct hierarchy *h = find_v1(hs, c);
	char *reason = pl->v1_reason[c];
	if (!h) {
		snprintf(reason, ERR_TEXT_MAX, "no cgroup v1 hierarchy has the %s controller",
		         controller_names[c]);
		return;
	}
	for (size_t i = 0; i < cg->n_dirs; i++)
		if (path_is_under(cg->dirs[i].path, h->mount_point)) {
			cg->dirs[i].controllers |= BIT(c);
			return;
		}
	char *own = own_cgroup_dir(h, self_cgroup);
	const char *candidates[2] = {own, h->mount_point};
	for (int i = 0; i < 2; i++) {
		if (!candidates[i] || (i == 1 && own && strcmp(own, h->mount_point) == 0))
			continue;
		struct cg_dir *d =
		    make_dir(cg, candidates[i], pl->name, h->emulated, reason, ERR_TEXT_MAX);
		if (d) {
			d->controllers = BIT(c);
			cg->version = RT_CGROUP_V1;
			break;
		}
	}
	free(own);
}

/* Each v2 candidate that failed adds its reason. */
static void add_v2_reason(struct placement *pl, const char *fmt, ...)
{
	size_t used = strlen(pl->v2_reason);
	if (used && used + 2 < sizeof(pl->v2_reason)) {
		strcpy(pl->v2_reason + used, "; ");
		used += 2;
	}
	if (used >= sizeof(pl->v2_reason))
		return;
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(pl->v2_reason + used, sizeof(pl->v2_reason) - used, fmt, ap);
	va_end(ap);
}

static const struct cg_dir *dir_for(const struct rt_cgroup *cg, enum controller c)
{
	for (size_t i = 0; cg && i < cg->n_dirs; i++)
		if (cg->dirs[i].controllers & BIT(c))
			return &cg->dirs[i];
	return NULL;
}

/* ---- writing the limits -------------------------------------------------- */

static bool swap_is_active(void)
{
	char *swaps = read_text("/proc/swaps");
	if (!swaps)
		return false;
	/* A header line, then one line per active swap area. */
	char *first_eol = strchr(swaps, '\n');
	bool active = first_eol && first_eol[1] != '\0';
	free(swaps);
	return active;
}

static int write_memory(struct rt_cgroup *cg, const char *dir, uint64_t bytes, char *err,
                        size_t err_size)
{
	if (cg->version == RT_CGROUP_V2) {
		if (write_control_u64(dir, "memory.max", bytes, err, err_size) < 0)
			return -1;
		if (file_exists(dir, "memory.swap.max") &&
		    write_control(dir, "memory.swap.max", "0", err, err_size) < 0)
			return -1;
		return 0;
	}
	/* memsw must stay >= the memory limit: write the memory limit first. */
	if (write_control_u64(dir, "memory.limit_in_bytes", bytes, err, err_size) < 0)
		return -1;
	if (file_exists(dir, "memory.memsw.limit_in_bytes"))
		return write_control_u64(dir, "memory.memsw.limit_in_bytes", bytes, err, err_size);
	if (swap_is_active() && cg->log)
		fprintf(cg->log,
		        "cellrun: warning: swap is active but the kernel does not account it per "
		        "cgroup (no memory.memsw.limit_in_bytes in %s): the sandbox may use swap "
		        "beyond its memory limit. Fix: boot with swapaccount=1, or disable swap\n",
		        dir);
	return 0;
}

static int write_cpu(struct rt_cgroup *cg, const char *dir, uint64_t millicores, char *err,
                     size_t err_size)
{
	/* millicores / 1000 cores = quota / period. */
	uint64_t quota = millicores * (CPU_PERIOD_USEC / 1000);
	if (millicores > UINT64_MAX / (CPU_PERIOD_USEC / 1000)) {
		(void)rt_fail(err, err_size, "cpu limit of %" PRIu64 " millicores is out of range",
		              millicores);
		return -1;
	}
	if (cg->version == RT_CGROUP_V2) {
		char value[64];
		snprintf(value, sizeof(value), "%" PRIu64 " %d", quota, CPU_PERIOD_USEC);
		return write_control(dir, "cpu.max", value, err, err_size);
	}
	if (write_control_u64(dir, "cpu.cfs_period_us", CPU_PERIOD_USEC, err, err_size) < 0)
		return -1;
	return write_control_u64(dir, "cpu.cfs_quota_us", quota, err, err_size);
}

static int write_limit(struct rt_cgroup *cg, const struct rt_limits *l, enum controller c,
                       char *err, size_t err_size)
{
	const struct cg_dir *d = dir_for(cg, c);
	switch (c) {
	case CTL_MEMORY:
		return write_memory(cg, d->path, l->memory_bytes.value, err, err_size);
	case CTL_PIDS:
		return write_control_u64(d->path, "pids.max", l->pids.value, err, err_size);
	case CTL_CPU:
		return write_cpu(cg, d->path, l->cpu_millicores.value, err, err_size);
	default:
		return 0;
	}
}

/* ---- the public cgroup interface ---------------------------------------- */

static const char *limit_name(enum controller c)
{
	return c == CTL_MEMORY ? "memory" : c == CTL_PIDS ? "pids" : "cpu";
}

static void warn_best_effort(FILE *log, enum controller c, const char *why)
{
	if (log)
		fprintf(log,
		        "cellrun: warning: the %s limit is best-effort and is not enforced: %s\n",
		        limit_name(c), why);
}

static void limit_masks(const struct rt_limits *l, unsigned *needed, unsigned *required)
{
	const struct rt_limit *by_ctl[3] = {&l->memory_bytes, &l->pids, &l->cpu_millicores};
	*needed = *required = 0;
	for (int c = 0; c < 3; c++) {
		if (!by_ctl[c]->set || by_ctl[c]->infinite)
			continue;
		*needed |= BIT(c);
		if (!by_ctl[c]->best_effort)
			*required |= BIT(c);
	}
}

/* Where each needed controller goes: v2 when one leaf can hold every
 * required controller, else v1 controller by controller. */
static void place_all(struct rt_cgroup *cg, const struct hierarchies *hs, const char *self_cgroup,
                      struct placement *pl)
{
	if (place_v2(cg, hs, self_cgroup, pl) == 0)
		return;
	for (int c = 0; c < CTL_CPUACCT; c++)
		if (pl->needed & BIT(c))
			place_v1_controller(cg, hs, self_cgroup, (enum controller)c, pl);
	if (cg->n_dirs == 0)
		return;
	/* cpuacct only measures; without it the CPU time is unknown. */
	place_v1_controller(cg, hs, self_cgroup, CTL_CPUACCT, pl);
	if (!dir_for(cg, CTL_CPUACCT) && cg->log)
		fprintf(cg->log, "cellrun: note: CPU time will not be reported: %s\n",
		        pl->v1_reason[CTL_CPUACCT]);
}

static int check_placed(struct rt_cgroup *cg, const struct placement *pl, char *err,
                        size_t err_size)
{
	for (int c = 0; c < CTL_CPUACCT; c++) {
		if (!(pl->needed & BIT(c)) || dir_for(cg, c))
			continue;
		char why[2 * ERR_TEXT_MAX + 32];
		snprintf(why, sizeof(why), "%s; cgroup v2: %s",
		         pl->v1_reason[c][0] ? pl->v1_reason[c] : "cgroup v1 was not tried",
		         pl->v2_reason[0] ? pl->v2_reason : "not usable");
		if (pl->required & BIT(c)) {
			(void)rt_fail(err, err_size,
			              "cannot create a cgroup for the %s limit: %s. %s",
			              limit_name(c), why, FIX_CGROUP);
			return -1;
		}
		warn_best_effort(cg->log, c, why);
	}
	return 0;
}

int rt_cgroup_create(const struct rt_limits *l, const char *root, const char *self_cgroup,
                     const char *name_hint, struct rt_cgroup **out, FILE *log, char *err,
                     size_t err_size)
{
	struct placement pl = {0};
	char name[HINT_MAX + 32];
	*out = NULL;
	limit_masks(l, &pl.needed, &pl.required);
	if (!pl.needed)
		return 0;
	cgroup_name(name_hint, name, sizeof(name));
	pl.name = name;

	struct hierarchies hs = {0};
	char why[ERR_TEXT_MAX];
	if (find_hierarchies(root, &hs, why, sizeof(why)) < 0) {
		hierarchies_free(&hs);
		for (int c = 0; c < CTL_CPUACCT; c++)
			if (pl.required & BIT(c)) {
				(void)rt_fail(err, err_size,
				              "cannot create a cgroup for the %s limit: %s. %s",
				              limit_name(c), why, FIX_CGROUP);
				return -1;
			}
		for (int c = 0; c < CTL_CPUACCT; c++)
			if (pl.needed & BIT(c))
				warn_best_effort(log, c, why);
		return 0;
	}
	struct rt_cgroup *cg = calloc(1, sizeof(*cg));
	if (!cg)
		rt_out_of_memory();
	cg->log = log;
	place_all(cg, &hs, self_cgroup, &pl);
	hierarchies_free(&hs);
	if (check_placed(cg, &pl, err, err_size) < 0)
		goto fail;
	for (int c = 0; c < CTL_CPUACCT; c++) {
		if (!dir_for(cg, c) || !(pl.needed & BIT(c)))
			continue;
		if (write_limit(cg, l, c, why, sizeof(why)) == 0)
			continue;
		if (pl.required & BIT(c)) {
			(void)rt_fail(err, err_size, "cannot set the %s limit: %s", limit_name(c),
			              why);
			goto fail;
		}
		warn_best_effort(log, c, why);
	}
	if (cg->n_dirs == 0) {
		free(cg);
		return 0;
	}
	*out = cg;
	return 0;
fail:
	rt_cgroup_destroy(cg);
	return -1;
}

enum rt_cgroup_version rt_cgroup_version(const struct rt_cgroup *cg)
{
	return cg ? cg->version : RT_CGROUP_NONE;
}

static bool single_threaded(void)
{
	char *status = read_text("/proc/self/status");
	if (!status)
		return false;
	const char *threads = strstr(status, "\nThreads:\t");
	bool single = threads && strncmp(threads + strlen("\nThreads:\t"), "1\n", 2) == 0;
	free(status);
	return single;
}

int rt_cgroup_enter(struct rt_cgroup *cg, pid_t pid, char *err, size_t err_size)
{
	if (!cg)
		return 0;
	char text[32], why[ERR_TEXT_MAX];
	bool self = pid == 0 || pid == getpid();
	snprintf(text, sizeof(text), "%ld", (long)(self ? getpid() : pid));
	/* Writing a pid to cgroup.procs takes the kernel's global threadgroup
	 * lock, whose write side waits for an RCU grace period: 5-15 ms per
	 * move, most of cellrun's start-up on v1. Moving the calling thread
	 * through v1's `tasks` ("0") skips that lock, and for a process of one
	 * thread it moves the whole process. */
	bool via_tasks = self && cg->version == RT_CGROUP_V1 && single_threaded();
	for (size_t i = 0; i < cg->n_dirs; i++) {
		const char *dir = cg->dirs[i].path;
		int rc = via_tasks && file_exists(dir, "tasks")
		             ? write_control(dir, "tasks", "0", why, sizeof(why))
		             : write_control(dir, "cgroup.procs", text, why, sizeof(why));
		if (rc < 0) {
			(void)rt_fail(err, err_size, "cannot move process %s into cgroup %s: %s",
			              text, dir, why);
			return -1;
		}
	}
	return 0;
}

/* The pids listed in every directory's cgroup.procs; returns how many, -1
 * when one cannot be read. */
static ssize_t list_procs(const struct rt_cgroup *cg, pid_t **pids)
{
	size_t count = 0;
	*pids = NULL;
	for (size_t i = 0; i < cg->n_dirs; i++) {
		char *path = path_join(cg->dirs[i].path, "cgroup.procs");
		char *text = read_text(path);
		free(path);
		if (!text) {
			free(*pids);
			*pids = NULL;
			return -1;
		}
		for (char *p = text; *p;) {
			char *end;
			long pid = strtol(p, &end, 10);
			if (end == p)
				break;
			if (pid > 0) {
				*pids = realloc(*pids, (count + 1) * sizeof(**pids));
				if (!*pids)
					rt_out_of_memory();
				(*pids)[count++] = (pid_t)pid;
			}
			p = end + strspn(end, "\n");
		}
		free(text);
	}
	return (ssize_t)count;
}

static bool pid_in(const pid_t *pids, size_t n, pid_t pid)
{
	for (size_t i = 0; i < n; i++)
		if (pids[i] == pid)
			return true;
	return false;
}

/* SIGKILL: signal and re-read until the cgroup is empty (processes may fork
 * between our read and our kill). Other signals: once to every process,
 * including ones that appear while we go. */
static int signal_by_procs(struct rt_cgroup *cg, int sig)
{
	pid_t *signalled = NULL;
	size_t n_signalled = 0;
	int rounds = sig == SIGKILL ? KILL_ROUNDS : SIGNAL_ROUNDS;
	int result = -1;
	for (int round = 0; round < rounds; round++) {
		pid_t *pids;
		ssize_t n = list_procs(cg, &pids);
		if (n < 0)
			break;
		size_t fresh = 0;
		for (ssize_t i = 0; i < n; i++) {
			/* The supervisor in its own sandbox's cgroup is a caller's bug;
			 * killing itself would leave the sandbox unsupervised. */
			if (pids[i] == getpid())
				continue;
			if (sig != SIGKILL && pid_in(signalled, n_signalled, pids[i]))
				continue;
			if (kill(pids[i], sig) < 0 && errno != ESRCH)
				continue;
			fresh++;
			signalled = realloc(signalled, (n_signalled + 1) * sizeof(*signalled));
			if (!signalled)
				rt_out_of_memory();
			signalled[n_signalled++] = pids[i];
		}
		free(pids);
		if (n == 0 || (sig != SIGKILL && fresh == 0)) {
			result = 0;
			break;
		}
		sleep_ms(KILL_ROUND_PAUSE_MS);
	}
	free(signalled);
	return result;
}

int rt_cgroup_signal(struct rt_cgroup *cg, int sig)
{
	if (!cg)
		return 0;
	if (cg->version == RT_CGROUP_V2 && sig == SIGKILL && cg->n_dirs == 1 &&
	    file_exists(cg->dirs[0].path, "cgroup.kill") &&
	    write_control(cg->dirs[0].path, "cgroup.kill", "1", NULL, 0) == 0)
		return 0;
	return signal_by_procs(cg, sig);
}

bool rt_cgroup_holds_memory(const struct rt_cgroup *cg)
{
	return cg && dir_for(cg, CTL_MEMORY) != NULL;
}

bool rt_cgroup_oom_killed(struct rt_cgroup *cg)
{
	const struct cg_dir *d = dir_for(cg, CTL_MEMORY);
	uint64_t count = 0;
	if (!d)
		return false;
	if (cg->version == RT_CGROUP_V2)
		return read_keyed_u64(d->path, "memory.events", "oom_kill", &count) && count > 0;
	/* oom_kill appeared in memory.oom_control in Linux 4.13; before that,
	 * failcnt (times the limit was hit) is the closest sign. */
	if (read_keyed_u64(d->path, "memory.oom_control", "oom_kill", &count))
		return count > 0;
	return read_u64_file(d->path, "memory.failcnt", &count) && count > 0;
}

uint64_t rt_cgroup_peak_memory(struct rt_cgroup *cg)
{
	const struct cg_dir *d = dir_for(cg, CTL_MEMORY);
	uint64_t peak = 0;
	if (!d)
		return 0;
	const char *file =
	    cg->version == RT_CGROUP_V2 ? "memory.peak" : "memory.max_usage_in_bytes";
	return read_u64_file(d->path, file, &peak) ? peak : 0;
}

uint64_t rt_cgroup_cpu_usec(struct rt_cgroup *cg)
{
	uint64_t value = 0;
	if (!cg || cg->n_dirs == 0)
		return 0;
	if (cg->version == RT_CGROUP_V2)
		return read_keyed_u64(cg->dirs[0].path, "cpu.stat", "usage_usec", &value) ? value
		                                                                          : 0;
	const struct cg_dir *d = dir_for(cg, CTL_CPUACCT);
	return d && read_u64_file(d->path, "cpuacct.usage", &value) ? value / 1000 : 0;
}

/* cgroup.kill only sends the signals; the processes take a moment to go. */
static bool wait_until_empty(const struct rt_cgroup *cg)
{
	for (int round = 0; round < KILL_ROUNDS; round++) {
		pid_t *pids;
		ssize_t n = list_procs(cg, &pids);
		free(pids);
		if (n == 0)
			return true;
		if (n < 0)
			return false;
		sleep_ms(KILL_ROUND_PAUSE_MS);
	}
	return false;
}

void rt_cgroup_destroy(struct rt_cgroup *cg)
{
	if (!cg)
		return;
	if ((rt_cgroup_signal(cg, SIGKILL) < 0 || !wait_until_empty(cg)) && cg->log)
		fprintf(cg->log, "cellrun: warning: processes are left in the sandbox's cgroup\n");
	for (size_t i = cg->n_dirs; i-- > 0;) {
		char why[ERR_TEXT_MAX];
		if (remove_dir(&cg->dirs[i], why, sizeof(why)) < 0 && cg->log)
			fprintf(cg->log, "cellrun: warning: %s\n", why);
		free(cg->dirs[i].path);
	}
	free(cg);
}

/* ---- rlimits ------------------------------------------------------------- */

/* Sets soft and hard to `value`, or to the hard limit we have when `value` is
 * above it and we may not raise it: the sandbox never gets more than asked. */
static int set_rlimit(int resource, const char *what, rlim_t value, char *err, size_t err_size)
{
	struct rlimit rl = {.rlim_cur = value, .rlim_max = value};
	if (setrlimit(resource, &rl) == 0)
		return 0;
	struct rlimit have;
	if (errno == EPERM && getrlimit(resource, &have) == 0 && have.rlim_max < value) {
		rl.rlim_cur = rl.rlim_max = have.rlim_max;
		if (setrlimit(resource, &rl) == 0)
			return 0;
	}
	(void)rt_fail(err, err_size, "cannot set the %s rlimit: %s", what, strerror(errno));
	return -1;
}

/* RLIMIT_NOFILE cannot be RLIM_INFINITY: the kernel caps it at fs.nr_open. */
static rlim_t nofile_ceiling(void)
{
	char *text = read_text("/proc/sys/fs/nr_open");
	uint64_t value = 1048576;
	if (text) {
		uint64_t parsed;
		if (parse_u64(text, text + strcspn(text, "\n"), &parsed))
			value = parsed;
		free(text);
	}
	return (rlim_t)value;
}

static rlim_t rlim_of(const struct rt_limit *l)
{
	return l->infinite || l->value > (uint64_t)RLIM_INFINITY ? RLIM_INFINITY : (rlim_t)l->value;
}

int rt_rlimits_apply(const struct rt_limits *l, bool memory_in_cgroup, char *err, size_t err_size)
{
	if (set_rlimit(RLIMIT_CORE, "core", 0, err, err_size) < 0)
		return -1;
	if (l->nofile.set) {
		rlim_t ceiling = nofile_ceiling();
		rlim_t value = rlim_of(&l->nofile);
		if (set_rlimit(RLIMIT_NOFILE, "nofile", value > ceiling ? ceiling : value, err,
		               err_size) < 0)
			return -1;
	}
	if (l->fsize_bytes.set &&
	    set_rlimit(RLIMIT_FSIZE, "fsize", rlim_of(&l->fsize_bytes), err, err_size) < 0)
		return -1;
	const struct rt_limit *mem = &l->memory_bytes;
	if (!mem->set || mem->infinite || memory_in_cgroup)
		return 0;
	if (!mem->best_effort) {
		/* rt_cgroup_create refuses this; never run with the limit silently gone. */
		(void)rt_fail(err, err_size,
		              "the memory limit is not held by a cgroup and is not best-effort");
		return -1;
	}
	return set_rlimit(RLIMIT_AS, "address space (stand-in for memory)", rlim_of(mem), err,
	                  err_size);
}

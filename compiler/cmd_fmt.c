/*
 * cmd_fmt.c - `cell fmt` (see cmd_fmt.h): options, one file at a time, the
 * read-back check, and the three outputs (stdout, --check, -w).
 */
#include "cmd_fmt.h"

#include "diag.h"
#include "fmt_cell.h"
#include "fmt_check.h"
#include "fmt_diff.h"
#include "fmt_yaml.h"
#include "util.h"
#include "yaml_front.h"

#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <stdarg.h>
#include <libgen.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <yaml.h>

enum { EXIT_POLICY = 1, EXIT_USAGE = 2 };

const char cmd_fmt_usage[] =
    "usage: cell fmt [-w | --check] [--to cell|yaml] FILE...\n"
    "\n"
    "Prints each policy FILE in the canonical layout, keeping its comments\n"
    "(docs/fmt.md). A .yaml or .yml file is a YAML policy; --to converts.\n"
    "\n"
    "  -w, --write          rewrite each file that is not formatted, in place\n"
    "                       and atomically (its own format only)\n"
    "  --check              write nothing; exit 1 with a unified diff for each\n"
    "                       file that is not formatted\n"
    "  --to cell|yaml       print in this format (default: the file's own)\n"
    "  -h, --help           show this help\n"
    "\n"
    "Exit status: 0 formatted, 1 errors in a file or (--check) a file not\n"
    "formatted, 2 usage errors or a file that cannot be read or written.\n"
    "YAML keeps no comments: converting to YAML keeps them as YAML comments,\n"
    "but reading YAML loses them (a rule's 'lint' key excepted).\n";

enum fmt_mode { MODE_PRINT, MODE_CHECK, MODE_WRITE };
enum fmt_format { FORMAT_OWN, FORMAT_CELL, FORMAT_YAML };

struct fmt_options {
	enum fmt_mode mode;
	enum fmt_format to;
};

/* One file being formatted. */
struct job {
	const char *path;
	char *text;
	size_t len;
	struct stat st;
	bool yaml_in, yaml_out;
	struct diag_ctx *d;
	struct ast_file *ast;
	struct buf out;
};

static int worst(int a, int b)
{
	return a > b ? a : b;
}

/* ---- reading back ------------------------------------------------------------------------ */

static struct ast_file *parse(struct diag_ctx *d, const char *path, const char *text, size_t len,
                              bool yaml)
{
	return yaml ? parse_policy_yaml(d, path, text, len) : parse_policy_text(d, path, text, len);
}

/* The output reads back (fmt_check.h). A failure is a bug in cell fmt: it
 * is reported and nothing is printed or written. */
static bool reads_back(struct job *j, bool exact)
{
	struct diag_ctx *d = diag_new(stderr);
	bool ok = fmt_reads_back(j->ast, j->out.data, j->out.len, j->yaml_out, exact, d, NULL);
	if (!ok)
		fprintf(stderr,
		        "cell fmt: internal error: the formatted text of %s does not read back as "
		        "the same policy; nothing was written (please report this)\n",
		        j->path);
	diag_free(d);
	return ok;
}

/* ---- YAML comments ----------------------------------------------------------------------- */

/* Byte offset of character `index` (libyaml counts characters), moving a
 * cursor forward. */
static size_t char_offset(const char *text, size_t len, size_t *chars, size_t *bytes, size_t index)
{
	while (*chars < index && *bytes < len) {
		unsigned char c = (unsigned char)text[*bytes];
		*bytes += c < 0x80 ? 1 : c < 0xe0 ? 2 : c < 0xf0 ? 3 : 4;
		(*chars)++;
	}
	return *bytes < len ? *bytes : len;
}

/* Whether a YAML text holds a comment: a '#' between two tokens. A text the
 * scanner refuses counts as commented (the caller then refuses to write). */
static bool yaml_has_comments(const char *text, size_t len)
{
	yaml_parser_t p;
	if (!yaml_parser_initialize(&p))
		return true;
	yaml_parser_set_input_string(&p, (const unsigned char *)text, len);
	size_t prev = 0, chars = 0, bytes = 0;
	bool found = false, done = false;
	while (!found && !done) {
		yaml_token_t t;
		if (!yaml_parser_scan(&p, &t)) {
			found = true;
			break;
		}
		size_t start = char_offset(text, len, &chars, &bytes, t.start_mark.index);
		if (start > prev && memchr(text + prev, '#', start - prev))
			found = true;
		size_t end = char_offset(text, len, &chars, &bytes, t.end_mark.index);
		if (end > prev)
			prev = end;
		done = t.type == YAML_STREAM_END_TOKEN;
		yaml_token_delete(&t);
	}
	yaml_parser_delete(&p);
	return found;
}

/* ---- writing ----------------------------------------------------------------------------- */

static bool same_file_state(const struct stat *a, const struct stat *b)
{
	return a->st_ino == b->st_ino && a->st_dev == b->st_dev && a->st_size == b->st_size &&
	       a->st_mtim.tv_sec == b->st_mtim.tv_sec && a->st_mtim.tv_nsec == b->st_mtim.tv_nsec;
}

/* Fills the new temporary file `fd` with j->out, with the file's mode and,
 * where we may (as root), its owner; closes it. */
static int fill_temp(int fd, const struct job *j)
{
	int err = fchmod(fd, j->st.st_mode & 07777) < 0 ? -errno : 0;
	if (err == 0 && geteuid() == 0 && fchown(fd, j->st.st_uid, j->st.st_gid) < 0)
		err = -errno;
	if (err == 0)
		err = write_all(fd, j->out.data, j->out.len);
	if (err == 0 && fsync(fd) < 0)
		err = -errno;
	if (close(fd) < 0 && err == 0)
		err = -errno;
	return err;
}

/* Replaces the file `j->path` (through symbolic links) with j->out: a
 * temporary file beside it, then rename, unless the file changed since it
 * was read. */
static int write_atomic(const struct job *j)
{
	char *real = realpath(j->path, NULL);
	if (!real) {
		fprintf(stderr, "cell fmt: %s: %s\n", j->path, strerror(errno));
		return EXIT_USAGE;
	}
	char *dir_copy = xstrdup(real), *base_copy = xstrdup(real);
	char *temp = xasprintf("%s/.%s.fmt-XXXXXX", dirname(dir_copy), basename(base_copy));
	int fd = mkostemp(temp, O_CLOEXEC);
	int err = fd < 0 ? -errno : fill_temp(fd, j);
	struct stat now;
	bool changed = err == 0 && (stat(real, &now) < 0 || !same_file_state(&j->st, &now));
	if (err == 0 && !changed && rename(temp, real) < 0)
		err = -errno;
	if (fd >= 0 && (err < 0 || changed))
		unlink(temp);
	if (changed)
		fprintf(stderr,
		        "cell fmt: %s changed while it was being formatted; left as it is\n",
		        j->path);
	else if (err < 0)
		fprintf(stderr, "cell fmt: cannot rewrite %s: %s\n", j->path, strerror(-err));
	free(temp);
	free(dir_copy);
	free(base_copy);
	free(real);
	return changed ? EXIT_POLICY : err < 0 ? EXIT_USAGE : 0;
}

/* ---- one file ---------------------------------------------------------------------------- */

static bool unchanged(const struct job *j)
{
	return j->out.len == j->len && (j->len == 0 || memcmp(j->out.data, j->text, j->len) == 0);
}

static int deliver(struct job *j, const struct fmt_options *o)
{
	switch (o->mode) {
	case MODE_PRINT:
		fwrite(j->out.data, 1, j->out.len, stdout);
		return 0;
	case MODE_CHECK: {
		if (unchanged(j))
			return 0;
		struct buf diff;
		buf_init(&diff);
		char *label = xasprintf("%s (formatted)", j->path);
		fmt_diff(j->text, j->len, j->out.data, j->out.len, j->path, label, &diff);
		fwrite(diff.data, 1, diff.len, stdout);
		free(label);
		buf_free(&diff);
		return EXIT_POLICY;
	}
	case MODE_WRITE:
		if (unchanged(j))
			return 0;
		if (j->yaml_in && yaml_has_comments(j->text, j->len)) {
			fprintf(
			    stderr,
			    "cell fmt: %s: not rewritten: it has comments, and YAML read by cell "
			    "keeps none (print it with 'cell fmt %s' and merge by hand)\n",
			    j->path, j->path);
			return EXIT_POLICY;
		}
		return write_atomic(j);
	}
	return 0;
}

static int format_parsed(struct job *j, const struct fmt_options *o)
{
	struct fmt_source src = {j->text, j->len, j->yaml_in};
	bool exact = true;
	bool ok = j->yaml_out ? fmt_yaml_print(j->ast, &src, j->d, &j->out, &exact)
	                      : fmt_cell_print(j->ast, &src, j->d, &j->out, &exact);
	if (!ok || diag_error_count(j->d))
		return EXIT_POLICY;
	if (!reads_back(j, exact))
		return EXIT_POLICY;
	return deliver(j, o);
}

static int format_file(const char *path, const struct fmt_options *o)
{
	struct job j = {.path = path};
	j.yaml_in = policy_path_is_yaml(path);
	j.yaml_out = o->to == FORMAT_OWN ? j.yaml_in : o->to == FORMAT_YAML;
	if (o->mode != MODE_PRINT && j.yaml_out != j.yaml_in) {
		fprintf(stderr,
		        "cell fmt: %s: -w and --check keep a file in its own format; convert "
		        "with 'cell fmt --to %s %s > NEWFILE'\n",
		        path, j.yaml_out ? "yaml" : "cell", path);
		return EXIT_USAGE;
	}
	int err = stat(path, &j.st) < 0 ? -errno : S_ISREG(j.st.st_mode) ? 0 : -EINVAL;
	if (err == 0)
		err = read_file(path, &j.text, &j.len);
	if (err < 0) {
		fprintf(stderr, "cell fmt: cannot read %s: %s\n", path,
		        err == -EINVAL ? "not a regular file" : strerror(-err));
		free(j.text);
		return EXIT_USAGE;
	}
	j.d = diag_new(stderr);
	const char *interned = diag_add_source(j.d, path, j.text, j.len);
	j.ast = parse(j.d, interned, j.text, j.len, j.yaml_in);
	buf_init(&j.out);
	int rc = diag_error_count(j.d) ? EXIT_POLICY : format_parsed(&j, o);
	buf_free(&j.out);
	ast_file_free(j.ast);
	diag_free(j.d);
	free(j.text);
	return rc;
}

/* ---- options ----------------------------------------------------------------------------- */

static int usage_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

static int usage_error(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	fputs("cell fmt: ", stderr);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fprintf(stderr, "\n%s", cmd_fmt_usage);
	return EXIT_USAGE;
}

enum { OPT_CHECK = 256, OPT_TO };

int cmd_fmt(int argc, char **argv)
{
	static const struct option options[] = {
	    {"write", no_argument, NULL, 'w'},
	    {"check", no_argument, NULL, OPT_CHECK},
	    {"to", required_argument, NULL, OPT_TO},
	    {"help", no_argument, NULL, 'h'},
	    {NULL, 0, NULL, 0},
	};
	struct fmt_options o = {MODE_PRINT, FORMAT_OWN};
	bool write = false, check = false;
	int c;
	optind = 1;
	while ((c = getopt_long(argc, argv, "wh", options, NULL)) != -1) {
		switch (c) {
		case 'w':
			write = true;
			break;
		case OPT_CHECK:
			check = true;
			break;
		case OPT_TO:
			if (strcmp(optarg, "cell") == 0)
				o.to = FORMAT_CELL;
			else if (strcmp(optarg, "yaml") == 0)
				o.to = FORMAT_YAML;
			else
				return usage_error("unknown format '%s' for --to (cell, yaml)",
				                   optarg);
			break;
		case 'h':
			fputs(cmd_fmt_usage, stdout);
			return 0;
		default:
			fputs(cmd_fmt_usage, stderr);
			return EXIT_USAGE;
		}
	}
	if (write && check)
		return usage_error("%s", "-w and --check exclude each other");
	if (optind == argc)
		return usage_error("%s", "fmt needs at least one policy file");
	o.mode = write ? MODE_WRITE : check ? MODE_CHECK : MODE_PRINT;
	int rc = 0;
	for (int i = optind; i < argc; i++)
		rc = worst(rc, format_file(argv[i], &o));
	if (fflush(stdout) != 0) {
		fprintf(stderr, "cell fmt: cannot write the output: %s\n", strerror(errno));
		rc = worst(rc, EXIT_USAGE);
	}
	return rc;
}

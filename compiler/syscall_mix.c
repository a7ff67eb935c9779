/* syscall_mix.c - syscall mixes and a filter's cost over them (see syscall_mix.h). */
#include "syscall_mix.h"
#include "bpf_sim.h"
#include "names.h"
#include "util.h"

#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Parses "COUNT NAME" (comment already cut). Returns 1 for an entry, 0 for
 * a blank line, -1 for a malformed one. */
static int parse_line(char *line, uint64_t *calls, char **name)
{
	char *p = line;
	while (isspace((unsigned char)*p))
		p++;
	if (*p == '\0')
		return 0;
	if (!isdigit((unsigned char)*p))
		return -1;
	errno = 0;
	char *end;
	unsigned long long v = strtoull(p, &end, 10);
	if (errno || !isspace((unsigned char)*end))
		return -1;
	while (isspace((unsigned char)*end))
		end++;
	char *n = end;
	while (*end && (isalnum((unsigned char)*end) || *end == '_'))
		end++;
	if (end == n)
		return -1;
	char *rest = end;
	while (isspace((unsigned char)*rest))
		rest++;
	if (*rest != '\0')
		return -1;
	*end = '\0';
	*calls = v;
	*name = n;
	return 1;
}

static bool already_listed(const struct syscall_mix *m, const char *name)
{
	for (size_t i = 0; i < m->n; i++)
		if (strcmp(m->entries[i].name, name) == 0)
			return true;
	return false;
}

/* One line of the file, comment included. Returns 0 or -1 with `err` set. */
static int add_line(struct syscall_mix *m, char *line, const char *path, int line_no, char *err,
                    size_t err_size)
{
	char *hash = strchr(line, '#');
	if (hash)
		*hash = '\0';
	uint64_t calls;
	char *name;
	int kind = parse_line(line, &calls, &name);
	if (kind < 0) {
		snprintf(err, err_size, "%s:%d: expected 'COUNT SYSCALL'", path, line_no);
		return -1;
	}
	if (kind > 0 && already_listed(m, name)) {
		snprintf(err, err_size, "%s:%d: '%s' is listed twice", path, line_no, name);
		return -1;
	}
	if (kind > 0) {
		xgrow((void **)&m->entries, &m->cap, m->n + 1, sizeof(*m->entries));
		m->entries[m->n++] = (struct syscall_mix_entry){xstrdup(name), calls};
	}
	return 0;
}

int syscall_mix_load(const char *path, struct syscall_mix *out, char *err, size_t err_size)
{
	memset(out, 0, sizeof(*out));
	char *text;
	size_t len;
	int rc = read_file(path, &text, &len);
	if (rc < 0) {
		snprintf(err, err_size, "%s: %s", path, strerror(-rc));
		return -1;
	}
	int line_no = 0;
	rc = 0;
	for (const char *p = text, *end = text + len; p < end && rc == 0; line_no++) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		const char *stop = nl ? nl : end;
		if (memchr(p, '\0', (size_t)(stop - p))) {
			snprintf(err, err_size, "%s:%d: a NUL byte", path, line_no + 1);
			rc = -1;
			break;
		}
		char *line = xstrndup(p, (size_t)(stop - p));
		p = nl ? nl + 1 : end;
		rc = add_line(out, line, path, line_no + 1, err, err_size);
		free(line);
	}
	free(text);
	if (rc < 0)
		syscall_mix_free(out);
	return rc;
}

void syscall_mix_free(struct syscall_mix *m)
{
	for (size_t i = 0; i < m->n; i++)
		free(m->entries[i].name);
	free(m->entries);
	memset(m, 0, sizeof(*m));
}

int syscall_mix_stats(const struct sock_filter *insns, size_t len, uint32_t arch,
                      const struct syscall_mix *m, struct syscall_mix_stats *out)
{
	memset(out, 0, sizeof(*out));
	out->worst_name = "";
	if (bpf_sim_validate(insns, len, NULL) < 0)
		return -1;
	double weighted = 0, uncached = 0;
	for (size_t i = 0; i < m->n; i++) {
		const struct syscall_mix_entry *e = &m->entries[i];
		int nr = names_syscall_known(e->name) ? names_syscall_nr(e->name, arch) : -1;
		struct seccomp_data sd = {.nr = nr, .arch = arch};
		struct bpf_sim_result r;
		if (nr < 0 || bpf_sim_run(insns, len, &sd, &r, NULL) < 0) {
			out->skipped++;
			out->skipped_calls += e->calls;
			continue;
		}
		bool cached = bpf_sim_cacheable(insns, len, nr, arch);
		out->calls += e->calls;
		out->syscalls++;
		weighted += (double)e->calls * (double)r.executed;
		if (cached) {
			out->cached_calls += e->calls;
			out->cached_syscalls++;
		} else {
			uncached += (double)e->calls * (double)r.executed;
		}
		if (r.executed > out->worst) {
			out->worst = r.executed;
			out->worst_name = e->name;
		}
	}
	out->mean = out->calls ? weighted / (double)out->calls : 0;
	out->cached_mean = out->calls ? uncached / (double)out->calls : 0;
	return 0;
}

/*
 * fmt_diff.c - unified diffs (see fmt_diff.h).
 *
 * The texts become arrays of lines; an edit script (keep, delete, insert,
 * one entry per line) is built from the common head, the aligned middle and
 * the common tail; hunks are the script's changes with three lines of
 * context around them, neighbours merged when their contexts touch.
 */
#include "fmt_diff.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#define CONTEXT 3

struct dline {
	const char *text;
	size_t len;
	bool newline; /* ends with '\n' (only the last line may not) */
};

struct lines {
	struct dline *v;
	size_t n, cap;
};

enum op { KEEP, DEL, INS };

struct edit {
	enum op op;
	size_t a, b; /* line indexes in a and b where the edit stands */
};

struct script {
	struct edit *v;
	size_t n, cap;
};

static void split(const char *s, size_t len, struct lines *out)
{
	size_t start = 0;
	for (size_t i = 0; i <= len; i++) {
		if (i < len && s[i] != '\n')
			continue;
		if (i == len && start == len)
			break;
		xgrow((void **)&out->v, &out->cap, out->n + 1, sizeof(*out->v));
		out->v[out->n++] = (struct dline){s + start, i - start, i < len};
		start = i + 1;
	}
}

static bool same(const struct dline *x, const struct dline *y)
{
	return x->len == y->len && x->newline == y->newline &&
	       (x->len == 0 || memcmp(x->text, y->text, x->len) == 0);
}

static void push(struct script *s, enum op op, size_t a, size_t b)
{
	xgrow((void **)&s->v, &s->cap, s->n + 1, sizeof(*s->v));
	s->v[s->n++] = (struct edit){op, a, b};
}

/* Aligns a[a0..a1) with b[b0..b1) by a longest common subsequence. */
static void align_middle(const struct lines *a, size_t a0, size_t a1, const struct lines *b,
                         size_t b0, size_t b1, struct script *s)
{
	size_t n = a1 - a0, m = b1 - b0;
	if (n == 0 || m == 0 || (n + 1) > FMT_DIFF_MAX_CELLS / (m + 1)) {
		for (size_t i = a0; i < a1; i++)
			push(s, DEL, i, b0);
		for (size_t j = b0; j < b1; j++)
			push(s, INS, a1, j);
		return;
	}
	/* lcs[i][j]: the longest common subsequence of a[a0+i..] and b[b0+j..]. */
	uint32_t *lcs = xcalloc((n + 1) * (m + 1), sizeof(*lcs));
#define LCS(i, j) lcs[(i) * (m + 1) + (j)]
	for (size_t i = n; i-- > 0;)
		for (size_t j = m; j-- > 0;)
			LCS(i, j) =
			    same(&a->v[a0 + i], &b->v[b0 + j])
			        ? LCS(i + 1, j + 1) + 1
			        : (LCS(i + 1, j) >= LCS(i, j + 1) ? LCS(i + 1, j) : LCS(i, j + 1));
	size_t i = 0, j = 0;
	while (i < n || j < m) {
		if (i < n && j < m && same(&a->v[a0 + i], &b->v[b0 + j])) {
			push(s, KEEP, a0 + i++, b0 + j++);
		} else if (j == m || (i < n && LCS(i + 1, j) >= LCS(i, j + 1))) {
			push(s, DEL, a0 + i++, b0 + j);
		} else {
			push(s, INS, a0 + i, b0 + j++);
		}
	}
#undef LCS
	free(lcs);
}

static void put_line(struct buf *out, char mark, const struct dline *l)
{
	buf_append(out, &mark, 1);
	buf_append(out, l->text, l->len);
	buf_puts(out, l->newline ? "\n" : "\n\\ No newline at end of file\n");
}

/* `start,count` of a hunk side: diff -u writes an empty side's start as the
 * line before it. */
static void put_range(struct buf *out, size_t first, size_t count)
{
	buf_printf(out, "%zu,%zu", count ? first + 1 : first, count);
}

static void put_hunk(struct buf *out, const struct script *s, size_t from, size_t to,
                     const struct lines *a, const struct lines *b)
{
	size_t a_count = 0, b_count = 0;
	for (size_t k = from; k < to; k++) {
		a_count += s->v[k].op != INS;
		b_count += s->v[k].op != DEL;
	}
	buf_puts(out, "@@ -");
	put_range(out, s->v[from].a, a_count);
	buf_puts(out, " +");
	put_range(out, s->v[from].b, b_count);
	buf_puts(out, " @@\n");
	for (size_t k = from; k < to; k++) {
		const struct edit *e = &s->v[k];
		if (e->op == KEEP)
			put_line(out, ' ', &a->v[e->a]);
		else if (e->op == DEL)
			put_line(out, '-', &a->v[e->a]);
		else
			put_line(out, '+', &b->v[e->b]);
	}
}

static void put_hunks(struct buf *out, const struct script *s, const struct lines *a,
                      const struct lines *b)
{
	size_t k = 0;
	while (k < s->n) {
		while (k < s->n && s->v[k].op == KEEP)
			k++;
		if (k == s->n)
			break;
		size_t from = k > CONTEXT ? k - CONTEXT : 0, last = k;
		/* Extend while the next change is within two contexts. */
		for (size_t q = k; q < s->n; q++) {
			if (s->v[q].op != KEEP)
				last = q;
			else if (q - last > 2 * CONTEXT)
				break;
		}
		size_t to = last + 1 + CONTEXT < s->n ? last + 1 + CONTEXT : s->n;
		put_hunk(out, s, from, to, a, b);
		k = to;
	}
}

void fmt_diff(const char *a_text, size_t a_len, const char *b_text, size_t b_len,
              const char *label_a, const char *label_b, struct buf *out)
{
	struct lines a = {0}, b = {0};
	struct script s = {0};
	split(a_text, a_len, &a);
	split(b_text, b_len, &b);
	size_t head = 0, tail = 0;
	while (head < a.n && head < b.n && same(&a.v[head], &b.v[head]))
		head++;
	while (tail < a.n - head && tail < b.n - head &&
	       same(&a.v[a.n - 1 - tail], &b.v[b.n - 1 - tail]))
		tail++;
	if (head == a.n && head == b.n)
		goto done;
	for (size_t i = 0; i < head; i++)
		push(&s, KEEP, i, i);
	align_middle(&a, head, a.n - tail, &b, head, b.n - tail, &s);
	for (size_t i = 0; i < tail; i++)
		push(&s, KEEP, a.n - tail + i, b.n - tail + i);
	buf_printf(out, "--- %s\n+++ %s\n", label_a, label_b);
	put_hunks(out, &s, &a, &b);
done:
	free(a.v);
	free(b.v);
	free(s.v);
}

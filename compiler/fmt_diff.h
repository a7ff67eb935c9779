/*
 * fmt_diff.h - a unified diff of two texts, line by line, for
 * `cell fmt --check`.
 *
 * The output is what `diff -u` prints (three lines of context, `@@ -a,n
 * +b,m @@` hunks, "\ No newline at end of file" where a text ends without
 * one), so `patch` applies it. The common head and tail are set aside
 * first; what remains is aligned by a longest common subsequence when it is
 * small enough (FMT_DIFF_MAX_CELLS line pairs), else shown as replaced
 * whole: still a correct diff, only not the shortest. Policies are small,
 * and a formatter's changes are local.
 */
#ifndef CELL_FMT_DIFF_H
#define CELL_FMT_DIFF_H

#include "util.h"

#include <stddef.h>

#define FMT_DIFF_MAX_CELLS (4u << 20)

/* Appends the diff from `a` to `b` to `out`; nothing when they are equal. */
void fmt_diff(const char *a, size_t a_len, const char *b, size_t b_len, const char *label_a,
              const char *label_b, struct buf *out);

#endif

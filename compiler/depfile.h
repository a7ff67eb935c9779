/*
 * depfile.h - make-style dependency files, so that a build system reruns
 * `cell compile` when the policy or any file it includes changes
 * (`cell compile -o DIR --depfile FILE`; CMake's DEPFILE, Ninja's depfile,
 * make's include).
 *
 * The file holds one rule: every file the compile wrote, a colon, then
 * every file it read, in the order it read them. Paths are written as cell
 * opened them, so relative ones stay relative to the working directory (give
 * absolute paths to get an absolute depfile). Spaces, '#' and '$' are
 * escaped the way make and ninja read them back ("\ ", "\#", "$$"). A path
 * holding a backslash or a control character has no spelling both tools
 * agree on: it is refused rather than written in a form one of them would
 * misread, which would silently drop a dependency.
 *
 * Writing is atomic (a temporary file in the same directory, then rename):
 * a reader never sees half a depfile.
 */
#ifndef CELL_DEPFILE_H
#define CELL_DEPFILE_H

#include "util.h"

#include <stddef.h>

/* Appends the rule to `out`. Returns 0, or -1 with *bad set to the first
 * path that cannot be written (nothing useful is in `out` then). */
int depfile_render(struct buf *out, const char *const *targets, size_t n_targets,
                   const char *const *deps, size_t n_deps, const char **bad);

/* Writes `content` to `path` atomically. Returns 0 or -errno. */
int depfile_write(const char *path, const struct buf *content);

#endif

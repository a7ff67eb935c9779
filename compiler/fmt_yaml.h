/*
 * fmt_yaml.h - a syntax tree printed as a YAML policy (docs/yaml.md), for
 * `cell fmt --to yaml`.
 *
 * What the reader (yaml_front.c) builds from the output is the same tree,
 * with two exceptions the schema forces, both without effect on the
 * compiled policy:
 *  - YAML has one key per kind: a file's includes, consts, groups and
 *    policies are each written under one key, in the order of the kind's
 *    first item; a policy's sections of one kind (two `fs { }`, params
 *    between other sections) are merged at the place of the first, in
 *    order. `*exact` says whether this changed the tree.
 *  - Inside a syscalls section, YAML's order is default, groups, rules,
 *    which is also the .cell layout's (fmt_cell.h).
 * A policy that sets a single-valued thing twice (`net`, a limit, a
 * default, a process setting, two consts or policies of one name) would make
 * a YAML key appear twice: that is an error here, as it is for the resolver.
 *
 * Comments become YAML comments: own-line ones before the construct they
 * precede, at its indentation, trailing ones at the end of the construct's
 * first line. A rule's `# lint: ID, ...` comment becomes the rule's `lint:`
 * key, the one comment the YAML reader keeps; a `# lint:` comment anywhere
 * else, or one with a `because` reason, stays a plain YAML comment, with a
 * warning that reading the YAML back loses it. Blank lines are kept where
 * the source had them.
 *
 * Scalars are plain where the YAML reader classifies the plain text as the
 * same word (docs/yaml.md: a plain scalar is an identifier, a number or a
 * path by the language's rules), and double-quoted otherwise; strings are
 * always double-quoted. A word that YAML cannot write as the same word (a
 * name spelled `null`, a string that is not UTF-8) is an error.
 */
#ifndef CELL_FMT_YAML_H
#define CELL_FMT_YAML_H

#include "ast.h"
#include "diag.h"
#include "fmt_comments.h"
#include "util.h"

#include <stdbool.h>

/* Appends `f` as YAML to `out`. `src` is the text `f` was parsed from (may
 * be NULL). Returns false after reporting errors to `d`; warnings go to `d`
 * too. *exact (may be NULL) is set to whether reading the output back gives
 * the same tree, locations and comments aside. */
bool fmt_yaml_print(const struct ast_file *f, const struct fmt_source *src, struct diag_ctx *d,
                    struct buf *out, bool *exact);

#endif

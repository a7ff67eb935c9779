/*
 * yaml_front.h - the YAML front end: policies written as YAML documents.
 *
 * Build systems and other programs generate policies; they should not have to
 * print the policy language. A YAML policy (schema: docs/yaml.md) maps one to
 * one onto the language, and this module parses it with libyaml's event API
 * into the very same syntax tree (ast.h) that grammar/parser.y builds from a
 * .cell file. Everything after parsing (resolution, lint, backends) is shared,
 * and so are the resolver's messages; the messages of this module point at
 * file.yaml:line:col (lines and columns from 1, columns in bytes, as for .cell
 * files).
 *
 * How the text becomes a tree, in two passes:
 *  1. Events to a small document tree. Anchors and aliases work (an alias is
 *     a reference to the anchored node, never a copy). Refused here, each
 *     with its own message: a second document in the stream, nesting deeper
 *     than YAML_FRONT_MAX_DEPTH (counted through aliases), an alias to a node
 *     that contains it, aliases that expand to more than
 *     YAML_FRONT_MAX_ALIAS_NODES nodes (a "billion laughs" document is
 *     refused after a bounded amount of work), duplicate keys in a mapping
 *     (both places are shown), and YAML tags.
 *  2. The schema walk: every key is checked (an unknown key is an error with
 *     a "did you mean"), every value's type is checked, and each construct
 *     becomes its AST node. Argument filters are either a string in the
 *     language's expression syntax (parsed here by a small recursive-descent
 *     parser with the grammar's precedences) or a structured form (all, any,
 *     not, arg/op/value, in, mask).
 *
 * A quoted YAML scalar is a quoted string of the language (AST_WORD_STRING);
 * a plain scalar is an identifier, a number or a path by the language's
 * lexical rules, so `memory: 512M` and `memory 512M` are the same word.
 */
#ifndef CELL_YAML_FRONT_H
#define CELL_YAML_FRONT_H

#include "ast.h"
#include "diag.h"

#include <stdbool.h>
#include <stddef.h>

/* Deepest nesting of the document, aliases expanded. */
#define YAML_FRONT_MAX_DEPTH 64
/* Most nodes that aliases may bring in, counted with repetition. */
#define YAML_FRONT_MAX_ALIAS_NODES 100000

/* Parses one YAML policy file, with exactly the contract of
 * parse_policy_text() (ast.h): errors go to `d`, `path` must be interned in
 * `d` (diag_add_source), the tree may be partial when errors were reported,
 * and the result is never NULL. */
struct ast_file *parse_policy_yaml(struct diag_ctx *d, const char *path, const char *text,
                                   size_t len);

/* Whether `path` names a YAML policy: it ends in ".yaml" or ".yml". */
bool policy_path_is_yaml(const char *path);

#endif

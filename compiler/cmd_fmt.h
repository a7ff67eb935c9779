/*
 * cmd_fmt.h - `cell fmt [-w | --check] [--to cell|yaml] FILE...`: canonical
 * layout for policy files, and conversion between .cell and YAML.
 *
 * Each FILE is parsed (by its name: .yaml and .yml are YAML) and printed
 * again by fmt_cell.h or fmt_yaml.h, in the file's own format unless --to
 * names the other one. Before anything is printed or written, the output is
 * parsed back and must give the same tree as the input (locations and
 * comments aside; for a conversion the YAML schema forces a merge of
 * repeated sections, which is the only difference accepted): a formatter
 * bug shows as an error, never as a changed policy.
 *
 *  - default: the output goes to stdout;
 *  - -w: a file whose text differs is replaced atomically (a temporary file
 *    in the same directory, with the file's mode and, where allowed, its
 *    owner, then rename; a symbolic link is followed, not replaced). A file
 *    that changed while being formatted is left alone. A YAML file holding
 *    comments is refused: libyaml does not keep them, and -w would drop
 *    them;
 *  - --check: nothing is written; for each file that is not formatted, a
 *    unified diff (fmt_diff.h) from the file to its formatted text goes to
 *    stdout.
 * -w and --check keep each file in its own format; with --to they accept
 * only files of that format.
 *
 * A file with syntax errors is never rewritten: its errors are printed and
 * the other files are still processed. Exit status: 0 every file was
 * formatted (or, with --check, already was); 1 a file has errors, cannot
 * be converted, or (--check) is not formatted; 2 usage error, or a file
 * that could not be read or written.
 */
#ifndef CELL_CMD_FMT_H
#define CELL_CMD_FMT_H

extern const char cmd_fmt_usage[];

/* `argv[0]` is "fmt". */
int cmd_fmt(int argc, char **argv);

#endif

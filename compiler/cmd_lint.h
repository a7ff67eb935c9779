/*
 * cmd_lint.h - `cell lint` and `cell check`: the two commands CI runs.
 *
 *   cell lint [--format text|json|sarif] [--fail-on error|warning|never]
 *             [--root DIR] [--host-root DIR] [-p NAME] [-I DIR] [-D N=V]
 *             FILE|DIR...
 *   cell lint --list-rules
 *   cell check [--fail-on ...] [-p NAME] [-I DIR] [-D N=V] FILE|DIR...
 *
 * A DIR stands for every *.cell, *.yaml and *.yml file under it (hidden
 * entries skipped), in sorted order; every policy defined in each file (or
 * -p's) is linted. Each finding's inheritance chain comes from the IR's
 * lineage (ir_policy.ancestors).
 *
 * `cell lint` resolves the files and lints the policies; a file that does
 * not resolve is reported as with `cell compile` and its policies are not
 * linted. Findings go to stdout in the format asked for; compiler
 * diagnostics go to stderr.
 *
 * `cell check` compiles every policy in memory (all three backends), lints
 * the ones that compiled, checks their test blocks (cmd_test.h), prints the
 * lint findings as text, and ends with one line:
 *   N policies: X compiled, Y lint findings, Z tests failed
 * where Y counts the findings not suppressed, of any severity.
 *
 * Exit status: 0 clean; 1 a policy with errors, a lint finding at or above
 * the --fail-on threshold (default: warning), or a failed test; 2 a usage
 * error or an unreadable file.
 */
#ifndef CELL_CMD_LINT_H
#define CELL_CMD_LINT_H

/* argv[0] is "lint" or "check". Return the exit status. */
int cmd_lint(int argc, char **argv);
int cmd_check(int argc, char **argv);

extern const char cmd_lint_usage[];
extern const char cmd_check_usage[];

#endif

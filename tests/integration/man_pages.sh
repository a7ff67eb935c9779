#!/bin/sh
# The man pages (man/): they format without a single groff or man warning,
# and they are in step with the program and the docs:
#  - every command `cell help` lists has its section in cell.1, and every
#    option `cell help COMMAND` shows appears in that section;
#  - every option of `cellrun --help` appears in cellrun.1;
#  - every reserved word docs/language.md lists appears in bold in
#    cell-policy.5, and that page's opening example passes `cell test`;
#  - each page's header names the version `cell --version` prints.
# A new subcommand, option or keyword without its man page entry fails here.
#
# usage: man_pages.sh CELL SOURCE_DIR WORK_DIR (cellrun is found in CELL's
# build tree, runtime/cellrun)
set -u
cell=$1
src=$2
work=$3
cellrun=$(dirname "$cell")/runtime/cellrun
man="$src/man"
rm -rf "$work"
mkdir -p "$work"
pass=0
fail=0
ok() {
	pass=$((pass + 1))
}
bad() {
	echo "FAIL $*"
	fail=$((fail + 1))
}

# The page's text with roff's escaped hyphens made plain, for searching.
plain() {
	sed 's/\\-/-/g' "$1"
}

# Option tokens (-x, --long-name) in a usage text on stdin, one per line:
# those of the synopsis (the lines up to the first blank one) and of the
# option column of the list (an indented line that starts with a dash, up to
# the gap before its description), not dashes in the prose.
options_in() {
	awk 'NR == 1 { synopsis = 1 }
	     synopsis { if ($0 == "") synopsis = 0; else print; next }
	     /^ +-/ { sub(/^ +/, ""); gap = index($0, "  "); print gap ? substr($0, 1, gap - 1) : $0 }' |
		grep -oE '(^|[][ (,|])--?[A-Za-z][A-Za-z0-9-]*' | sed 's/^[][ (,|]//' | sort -u
}

# The text of section `.SS "cell COMMAND ...` of cell.1, up to the next heading.
section_of() {
	plain "$man/cell.1" | awk -v cmd="$1" '
		/^\.S[HS] / { inside = index($0, ".SS \"cell " cmd " ") == 1 || $0 == ".SS \"cell " cmd "\"" }
		inside { print }'
}

has_word() { # TEXT-FILE WORD: WORD appears, not as part of a longer option or name
	grep -qE "(^|[^A-Za-z0-9_-])$(printf '%s' "$2" | sed 's/[.]/\\./g')([^A-Za-z0-9_-]|$)" "$1"
}

[ -x "$cellrun" ] || bad "no cellrun next to $cell (expected $cellrun)"

# ---- cell.1 against `cell help` ----------------------------------------------
"$cell" help >"$work/help.txt" 2>&1 || bad "cell help exits $?"
commands=$(awk '/^commands:/ { on = 1; next } on && /^$/ { exit } on { print $1 }' "$work/help.txt")
[ -n "$commands" ] || bad "cannot read the command list of 'cell help'"
for cmd in $commands; do
	section_of "$cmd" >"$work/section-$cmd.txt"
	if [ ! -s "$work/section-$cmd.txt" ]; then
		bad "cell.1 has no section .SS \"cell $cmd ...\" for the command 'cell help' lists"
		continue
	fi
	ok
	[ "$cmd" = help ] && continue
	"$cell" help "$cmd" >"$work/help-$cmd.txt" 2>&1 || bad "cell help $cmd exits $?"
	for opt in $(options_in <"$work/help-$cmd.txt"); do
		case "$opt" in
		-h | --help) continue ;; # documented once, under OPTIONS
		esac
		if has_word "$work/section-$cmd.txt" "$opt"; then ok; else
			bad "cell.1: option $opt of 'cell $cmd' is not in its section"
		fi
	done
done
plain "$man/cell.1" >"$work/cell.1.txt"
for opt in $(sed -n 1p "$work/help.txt" | options_in) -h --help -V --version; do
	if has_word "$work/cell.1.txt" "$opt"; then ok; else bad "cell.1: no $opt"; fi
done

# ---- cellrun.1 against `cellrun --help` --------------------------------------
"$cellrun" --help >"$work/cellrun-help.txt" 2>&1 || bad "cellrun --help exits $?"
plain "$man/cellrun.1" >"$work/cellrun.1.txt"
n=0
for opt in $(options_in <"$work/cellrun-help.txt") --help; do
	n=$((n + 1))
	if has_word "$work/cellrun.1.txt" "$opt"; then ok; else
		bad "cellrun.1: option $opt of 'cellrun --help' is missing"
	fi
done
[ "$n" -ge 7 ] || bad "read only $n options from 'cellrun --help'"

# ---- cell-policy.5 against docs/language.md ----------------------------------
keywords=$(tr '\n' ' ' <"$src/docs/language.md" | sed -n 's/.*Keywords are reserved: `\([^`]*\)`.*/\1/p')
[ -n "$keywords" ] || bad "cannot find 'Keywords are reserved: \`...\`' in docs/language.md"
plain "$man/cell-policy.5" >"$work/cell-policy.5.txt"
for word in $keywords; do
	if grep -qE "^\.BR? $word( |\$)" "$work/cell-policy.5.txt"; then ok; else
		bad "cell-policy.5: the reserved word '$word' is not listed (as .B/.BR $word)"
	fi
done
# The SYNOPSIS example, with the stock library where its include expects it.
mkdir -p "$work/policy/examples"
cp -R "$src/policies/lib" "$work/policy/lib"
awk '/^\.EX/ { on = 1; next } /^\.EE/ { exit } on { print }' "$work/cell-policy.5.txt" \
	>"$work/policy/examples/synopsis.cell"
if "$cell" test "$work/policy/examples/synopsis.cell" >"$work/synopsis.out" 2>&1; then ok; else
	bad "cell-policy.5's SYNOPSIS example does not pass cell test: $(cat "$work/synopsis.out")"
fi

# ---- versions ---------------------------------------------------------------
version=$("$cell" --version)
for page in cell.1 cellrun.1 cell-policy.5; do
	if grep -q "^\.TH .* \"$version\"" "$man/$page"; then ok; else
		bad "$page: its .TH line does not name \"$version\""
	fi
done

# ---- groff and man warnings --------------------------------------------------
if ! command -v groff >/dev/null 2>&1 || ! command -v man >/dev/null 2>&1; then
	echo "$pass passed, $fail failed"
	[ "$fail" -eq 0 ] || exit 1
	echo "SKIP: groff or man is not installed (apt-get install groff-base man-db)"
	exit 77
fi
for page in "$man/cell.1" "$man/cellrun.1" "$man/cell-policy.5"; do
	name=$(basename "$page")
	if groff -man -ww -z "$page" >"$work/groff-$name.txt" 2>&1 && [ ! -s "$work/groff-$name.txt" ]; then
		ok
	else
		bad "groff -man -ww -z $name: $(cat "$work/groff-$name.txt")"
	fi
	LC_ALL=C.UTF-8 MANWIDTH=80 man --warnings -l "$page" >"$work/man-$name.out" 2>"$work/man-$name.err"
	status=$?
	if [ "$status" -eq 0 ] && [ ! -s "$work/man-$name.err" ] && [ -s "$work/man-$name.out" ]; then
		ok
	else
		bad "man --warnings -l $name: $(cat "$work/man-$name.err")"
	fi
done

echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]

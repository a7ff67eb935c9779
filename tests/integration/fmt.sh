#!/bin/sh
# `cell fmt` on every stock policy (policies/**/*.cell), every test policy
# (tests/policies/*.cell, tests/lint/*.cell) and every YAML policy beside
# them:
#  - formatting is idempotent, and keeps every comment;
#  - cell -> yaml -> cell gives the same text as formatting, comments and
#    blank lines aside (YAML cannot hold comments: both sides are compared
#    with their comments stripped and formatted again), and every comment
#    of the .cell file is a comment of its YAML (the `# lint:` ones on
#    rules are the rules' `lint` keys, and come back as comments);
#  - the original, its YAML and its round trip compile to the same bundles,
#    byte for byte but for the source locations the Landlock piece names
#    (and its digest in the manifest);
#  - yaml -> cell -> yaml for the YAML policies, with the same bundles;
#  - --check exits 1 with a diff on an unformatted file and 0 on a
#    formatted one; -w rewrites in place, keeps the mode and a symbolic
#    link, leaves no temporary file, and never touches a file with errors
#    or a YAML file with comments.
# usage: fmt.sh CELL SOURCE_DIR WORK_DIR
set -u
cell=$1
src=$2
work=$3
rm -rf "$work"
mkdir -p "$work"
pass=0
fail=0

ok() { pass=$((pass + 1)); }
bad() {
	echo "FAIL $*"
	fail=$((fail + 1))
}

# A .cell or YAML text without its comments ('#' outside double quotes).
strip_comments() {
	awk '{
		out = ""; q = 0
		for (i = 1; i <= length($0); i++) {
			c = substr($0, i, 1)
			if (q && c == "\\") { out = out c substr($0, i + 1, 1); i++; continue }
			if (c == "\"") q = !q
			if (!q && c == "#") break
			out = out c
		}
		if (out ~ /^[ \t]*$/ && $0 ~ /#/) next
		sub(/[ \t]+$/, "", out)
		print out
	}' "$1"
}

# The comments of a text, one per line, sorted.
comments_of() {
	awk '{
		q = 0
		for (i = 1; i <= length($0); i++) {
			c = substr($0, i, 1)
			if (q && c == "\\") { i++; continue }
			if (c == "\"") q = !q
			if (!q && c == "#") { t = substr($0, i); sub(/[ \t\r]+$/, "", t); print t; break }
		}
	}' "$1" | sort
}

# Bundles of one policy file: DIR holds them; -I lets the copies in $work
# find what the original includes relative to its directory.
compile_to() {
	"$cell" compile -q "$1" -o "$2" -I "$3" -I "$src/policies/lib" >"$2.log" 2>&1
}

# The bundles from two forms of one policy are the same. The Landlock piece
# names policy locations (file:line:col), which differ between the forms by
# nature, and the manifest holds its digest: both are compared without them
# (as tests/integration/yaml_twins.sh does); every other piece byte for byte.
normalized() { # FILE OUT
	case $1 in
	*.landlock) sed -E 's/^((net|fs) [a-z?]+|gap|cwd) [^ ]+/\1 LOC/' "$1" >"$2" ;;
	*.manifest) grep -v '^piece landlock ' "$1" >"$2" ;;
	*) cp "$1" "$2" ;;
	esac
}

same_bundles() { # NAME DIR_A DIR_B
	n=0
	for f in "$2"/*; do
		[ -e "$f" ] || continue
		n=$((n + 1))
		piece=$(basename "$f")
		normalized "$f" "$work/a.piece"
		[ -e "$3/$piece" ] && normalized "$3/$piece" "$work/b.piece"
		if [ ! -e "$3/$piece" ] || ! cmp -s "$work/a.piece" "$work/b.piece"; then
			bad "$1: $piece differs between $(basename "$2") and $(basename "$3")"
			return
		fi
	done
	if [ "$(ls "$2" | wc -l)" != "$(ls "$3" | wc -l)" ] || [ "$n" -eq 0 ]; then
		bad "$1: $(basename "$2") and $(basename "$3") hold different files"
		return
	fi
	ok
}

compiled=0
for file in $(find "$src/policies" -name '*.cell' | sort) "$src"/tests/policies/*.cell \
	"$src"/tests/lint/*.cell; do
	[ -f "$file" ] || continue
	dir=$(dirname "$file")
	name=$(echo "${file#"$src"/}" | tr / _)
	name=${name%.cell}
	w="$work/$name"
	mkdir -p "$w"

	if ! "$cell" fmt "$file" >"$w/fmt.cell" 2>"$w/fmt.err"; then
		bad "$name: cell fmt fails"
		cat "$w/fmt.err"
		continue
	fi
	# Idempotent.
	if "$cell" fmt "$w/fmt.cell" >"$w/fmt2.cell" 2>&1 && cmp -s "$w/fmt.cell" "$w/fmt2.cell"; then
		ok
	else
		bad "$name: formatting twice changes the text"
		diff "$w/fmt.cell" "$w/fmt2.cell" | head -10
	fi
	# Every comment kept.
	comments_of "$file" >"$w/comments.orig"
	comments_of "$w/fmt.cell" >"$w/comments.fmt"
	if cmp -s "$w/comments.orig" "$w/comments.fmt"; then ok; else bad "$name: comments lost"; fi

	# cell -> yaml -> cell.
	if ! "$cell" fmt --to yaml "$file" >"$w/to.yaml" 2>"$w/yaml.err" ||
		! "$cell" fmt --to cell "$w/to.yaml" >"$w/back.cell" 2>"$w/back.err"; then
		bad "$name: the YAML round trip fails"
		cat "$w/yaml.err" "$w/back.err" | head -10
		continue
	fi
	strip_comments "$w/fmt.cell" >"$w/a.cell"
	strip_comments "$w/back.cell" >"$w/b.cell"
	if "$cell" fmt "$w/a.cell" >"$w/a.fmt" 2>&1 && "$cell" fmt "$w/b.cell" >"$w/b.fmt" 2>&1 &&
		cmp -s "$w/a.fmt" "$w/b.fmt"; then
		ok
	else
		bad "$name: cell -> yaml -> cell is not the formatted text"
		diff "$w/a.fmt" "$w/b.fmt" | head -10
	fi
	# Comments: each one is a YAML comment, but a rule's `# lint: IDs`
	# (its lint key), which comes back as the same comment.
	comments_of "$w/to.yaml" >"$w/comments.yaml"
	grep -v '^# lint:[^"]*$' "$w/comments.orig" | comm -23 - "$w/comments.yaml" >"$w/lost"
	if [ -s "$w/lost" ]; then
		bad "$name: comments missing from the YAML:"
		cat "$w/lost"
	else
		ok
	fi
	# (A reason written in the comment is not kept: fmt --to yaml warns.)
	grep -E '^ *(allow|deny|kill|trap|log) .*# lint:' "$w/fmt.cell" |
		sed -e 's/.*# lint:/# lint:/' -e 's/ because.*//' | sort >"$w/rule-lint.fmt"
	grep -E '^ *(allow|deny|kill|trap|log) .*# lint:' "$w/back.cell" |
		sed -e 's/.*# lint:/# lint:/' -e 's/ because.*//' | sort >"$w/rule-lint.back"
	if cmp -s "$w/rule-lint.fmt" "$w/rule-lint.back"; then
		ok
	else
		bad "$name: rule suppressions differ after the YAML round trip"
	fi

	# The same bundles from all three.
	if compile_to "$file" "$w/orig" "$dir"; then
		compile_to "$w/to.yaml" "$w/yaml" "$dir" || bad "$name: its YAML does not compile"
		compile_to "$w/back.cell" "$w/back" "$dir" || bad "$name: its round trip does not compile"
		same_bundles "$name" "$w/orig" "$w/yaml"
		same_bundles "$name" "$w/orig" "$w/back"
		compiled=$((compiled + 1))
	fi
done
[ "$compiled" -ge 5 ] || bad "only $compiled policy files compiled: the bundle comparison proves little"

# YAML policies: yaml -> cell -> yaml; fmt of YAML is idempotent.
for file in "$src"/policies/*/*.yaml "$src"/tests/policies/*.yaml; do
	[ -f "$file" ] || continue
	dir=$(dirname "$file")
	name=$(basename "$file" .yaml)-yaml
	w="$work/$name"
	mkdir -p "$w"
	if ! "$cell" fmt --to cell "$file" >"$w/to.cell" 2>"$w/err" ||
		! "$cell" fmt --to yaml "$w/to.cell" >"$w/back.yaml" 2>>"$w/err" ||
		! "$cell" fmt "$file" >"$w/fmt.yaml" 2>>"$w/err" ||
		! "$cell" fmt "$w/fmt.yaml" >"$w/fmt2.yaml" 2>>"$w/err"; then
		bad "$name: cell fmt fails"
		cat "$w/err"
		continue
	fi
	if cmp -s "$w/back.yaml" "$w/fmt.yaml" && cmp -s "$w/fmt.yaml" "$w/fmt2.yaml"; then
		ok
	else
		bad "$name: yaml -> cell -> yaml is not the formatted YAML, or fmt is not idempotent"
		diff "$w/fmt.yaml" "$w/back.yaml" | head -10
	fi
	if compile_to "$file" "$w/orig" "$dir" && compile_to "$w/to.cell" "$w/cell" "$dir" &&
		compile_to "$w/back.yaml" "$w/yaml" "$dir"; then
		same_bundles "$name" "$w/orig" "$w/cell"
		same_bundles "$name" "$w/orig" "$w/yaml"
	else
		bad "$name: does not compile in all three forms"
		cat "$w"/*.log | head -10
	fi
done

# --check.
c="$work/check"
mkdir -p "$c"
printf 'policy p { net none   fs { ro /usr } }\n' >"$c/messy.cell"
"$cell" fmt --check "$c/messy.cell" >"$c/out" 2>&1
rc=$?
if [ "$rc" -eq 1 ] && grep -q '^+++ ' "$c/out" && grep -q '^@@ -1,1 +1,6 @@' "$c/out" &&
	grep -q '^+    ro /usr$' "$c/out"; then
	ok
else
	bad "--check on an unformatted file: exit $rc"
	cat "$c/out"
fi
"$cell" fmt "$c/messy.cell" >"$c/tidy.cell"
if "$cell" fmt --check "$c/tidy.cell" >"$c/out2" 2>&1 && [ ! -s "$c/out2" ]; then
	ok
else
	bad "--check on a formatted file reports something"
	cat "$c/out2"
fi
# The diff applies.
cp "$c/messy.cell" "$c/patched.cell"
"$cell" fmt --check "$c/patched.cell" >"$c/patch" 2>&1
if command -v patch >/dev/null 2>&1; then
	if patch -s "$c/patched.cell" <"$c/patch" && cmp -s "$c/patched.cell" "$c/tidy.cell"; then
		ok
	else
		bad "the --check diff does not patch the file into its formatted text"
	fi
fi

# -w.
d="$work/write"
mkdir -p "$d"
cp "$c/messy.cell" "$d/p.cell"
chmod 0640 "$d/p.cell"
ln -s p.cell "$d/link.cell"
if "$cell" fmt -w "$d/link.cell" && cmp -s "$d/p.cell" "$c/tidy.cell" && [ -L "$d/link.cell" ] &&
	[ "$(stat -c %a "$d/p.cell")" = 640 ] && [ "$(ls -A "$d" | wc -l)" = 2 ]; then
	ok
else
	bad "-w: not rewritten in place through the link with its mode, or a temporary file left"
	ls -la "$d"
fi
# A file with errors is left alone, and so is a commented YAML file.
printf 'policy p { net nowhere }\n' >"$d/bad.cell"
cp "$d/bad.cell" "$d/bad.orig"
"$cell" fmt -w "$d/bad.cell" >"$d/bad.out" 2>&1
rc=$?
if [ "$rc" -eq 1 ] && cmp -s "$d/bad.cell" "$d/bad.orig" && grep -q 'bad.cell:1:' "$d/bad.out"; then
	ok
else
	bad "-w on a file with errors: exit $rc"
	cat "$d/bad.out"
fi
printf '# mine\npolicies: {p: {net: none}}\n' >"$d/c.yaml"
cp "$d/c.yaml" "$d/c.orig"
"$cell" fmt -w "$d/c.yaml" >"$d/c.out" 2>&1
rc=$?
if [ "$rc" -eq 1 ] && cmp -s "$d/c.yaml" "$d/c.orig" && grep -q 'comments' "$d/c.out"; then
	ok
else
	bad "-w on a YAML file with comments: exit $rc"
	cat "$d/c.out"
fi
printf 'policies: {p: {net: none}}\n' >"$d/n.yaml"
if "$cell" fmt -w "$d/n.yaml" && [ "$(cat "$d/n.yaml")" = "$(printf 'policies:\n  p:\n    net: none')" ]; then
	ok
else
	bad "-w on a YAML file without comments"
	cat "$d/n.yaml"
fi
# Usage errors.
"$cell" fmt --check --to yaml "$d/p.cell" >/dev/null 2>&1
[ $? -eq 2 ] && ok || bad "--check --to yaml on a .cell file is not a usage error"
"$cell" fmt -w --check "$d/p.cell" >/dev/null 2>&1
[ $? -eq 2 ] && ok || bad "-w --check is not a usage error"
"$cell" fmt "$d/missing.cell" >/dev/null 2>&1
[ $? -eq 2 ] && ok || bad "a missing file is not exit 2"

echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ] && [ "$pass" -gt 0 ]

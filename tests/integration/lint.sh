#!/bin/sh
# `cell lint` through the real binary.
#
#  1. The rule corpus, tests/lint/*.cell and *.yaml: each file is linted on
#     its own (as `cell lint [ARGS] FILE` from the source tree's top) and its
#     findings must be exactly the ones it announces:
#       # expect: CL004 at 12:11          (a finding in this file, line:column)
#       # expect: CL004 at base.cell:3:5  (in another file, by its base name)
#       # expect: none                    (no finding at all)
#       # lint-args: -p task              (extra arguments; @SRC@ is the source tree)
#     Each rule has a file that triggers it (CL0NN-name*.cell) and a near-miss
#     that must not (CL0NN-name*-ok.cell). The exit status must be 1 when a
#     warning or an error is expected, 0 otherwise.
#  2. Golden outputs, tests/lint/golden/: JSON and SARIF of a fixed set of
#     files, byte for byte (test_lint_output.c checks their structure).
#  3. The command line: --list-rules against docs/lint.md, --fail-on, usage
#     errors, unreadable files, directories, colours only on a terminal.
#
# usage: lint.sh CELL SOURCE_DIR WORK_DIR
set -u
cell=$(cd "$(dirname "$1")" && pwd)/$(basename "$1")
src=$(cd "$2" && pwd)
work=$3
rm -rf "$work"
mkdir -p "$work"
work=$(cd "$work" && pwd)
fail=0
pass=0
ok() { pass=$((pass + 1)); }
bad() {
	echo "FAIL $*"
	fail=$((fail + 1))
}
export NO_COLOR=1

# "CL004 12:11" per finding of text output on stdin; FILE's own locations as
# line:col, others' as basename:line:col.
findings() { # FILE
	sed -n 's/^\([^:]*\):\([0-9][0-9]*\):\([0-9][0-9]*\): [a-z]*: .* \[\(CL[0-9][0-9]*\)\]$/\4 \1:\2:\3/p' |
		while read -r id loc; do
			file=${loc%%:*}
			rest=${loc#*:}
			if [ "$file" = "$1" ]; then
				echo "$id $rest"
			else
				echo "$id $(basename "$file"):$rest"
			fi
		done | sort
}

# ---- 1. the corpus ------------------------------------------------------------
cd "$src" || exit 1
n_files=0
for f in tests/lint/*.cell tests/lint/*.yaml; do
	[ -e "$f" ] || continue
	n_files=$((n_files + 1))
	name=$(basename "$f")
	if ! grep -q '^# expect:' "$f"; then
		bad "$name: no '# expect:' line"
		continue
	fi
	expected=$(sed -n 's/^# expect: *//p' "$f" | grep -v '^none$' | sed 's/ at / /' | sort)
	args=$(sed -n 's/^# lint-args: *//p' "$f" | sed "s|@SRC@|$src|g")
	# shellcheck disable=SC2086 # the arguments are words on purpose
	"$cell" lint $args "$f" >"$work/$name.out" 2>"$work/$name.err"
	status=$?
	actual=$(findings "$f" <"$work/$name.out")
	if [ "$actual" != "$expected" ]; then
		bad "$name: expected findings [$(echo $expected)], got [$(echo $actual)]"
		sed 's/^/    /' "$work/$name.out" "$work/$name.err"
		continue
	fi
	want=0
	grep -qE '^[^ ].*: (warning|error): ' "$work/$name.out" && want=1
	if [ "$status" -ne "$want" ]; then
		bad "$name: exit $status, expected $want"
		sed 's/^/    /' "$work/$name.err"
	elif grep -q ': error: ' "$work/$name.err"; then
		bad "$name: compiler errors"
		sed 's/^/    /' "$work/$name.err"
	else
		ok
	fi
done
[ "$n_files" -gt 10 ] || bad "only $n_files files in tests/lint"

# Every rule of the catalogue has a triggering file and a near-miss.
"$cell" lint --list-rules >"$work/rules.txt" 2>&1 || bad "--list-rules exits $?"
for id in $(awk '{ print $1 }' "$work/rules.txt"); do
	ls tests/lint/"$id"-*.cell tests/lint/"$id"-*.yaml 2>/dev/null | grep -v -- '-ok\.' | grep -q . ||
		bad "$id: no triggering file tests/lint/$id-*.cell"
	ls tests/lint/"$id"-*-ok.cell tests/lint/"$id"-*-ok.yaml 2>/dev/null | grep -q . ||
		bad "$id: no near-miss tests/lint/$id-*-ok.cell"
done

# ---- 2. golden JSON and SARIF --------------------------------------------------
# The catalogue's text (SARIF's rules) and the driver's version and the
# checkout's place are left out of the comparison: the results are what is
# compared.
normalize() {
	sed -e 's/^          "version": "[0-9.]*",$/          "version": "0.0.0",/' \
		-e "s|\"file://$src/\"|\"file:///SRCROOT/\"|" |
		grep -v '^            {"id":'
}
golden="tests/lint/golden"
for fmt in json sarif; do
	"$cell" lint --format "$fmt" --root "$src" -p leaf "$golden/chain.cell" \
		>"$work/golden.$fmt" 2>"$work/golden.$fmt.err"
	status=$?
	[ "$status" -eq 1 ] || bad "golden $fmt: exit $status, expected 1"
	normalize <"$work/golden.$fmt" >"$work/golden.$fmt.cmp"
	normalize <"$golden/lint.$fmt" >"$work/golden.$fmt.want"
	if cmp -s "$work/golden.$fmt.cmp" "$work/golden.$fmt.want"; then
		ok
	else
		bad "golden $fmt differs from $golden/lint.$fmt:"
		diff "$work/golden.$fmt.want" "$work/golden.$fmt.cmp" | head -n 40
	fi
done

# ---- 3. the command line ---------------------------------------------------------
# The catalogue: --list-rules, docs/lint.md and the corpus name the same rules.
awk '{ print $1 }' "$work/rules.txt" >"$work/ids.cli"
sed -n 's/^### \(CL[0-9][0-9]*\) .*/\1/p' docs/lint.md | sort >"$work/ids.docs"
if cmp -s "$work/ids.cli" "$work/ids.docs"; then ok; else
	bad "--list-rules and docs/lint.md list different rules:"
	diff "$work/ids.cli" "$work/ids.docs"
fi

t=tests/lint/CL001-dangerous-syscall.cell
"$cell" lint --fail-on never "$t" >/dev/null 2>&1
[ $? -eq 0 ] && ok || bad "--fail-on never with warnings should exit 0"
"$cell" lint --fail-on error "$t" >/dev/null 2>&1
[ $? -eq 0 ] && ok || bad "--fail-on error with warnings only should exit 0"
"$cell" lint --fail-on error tests/lint/CL004-hardening-overridden.cell >/dev/null 2>&1
[ $? -eq 1 ] && ok || bad "--fail-on error with an error should exit 1"
"$cell" lint tests/lint/CL001-dangerous-syscall-ok.cell >"$work/clean.out" 2>&1
[ $? -eq 0 ] && ok || bad "a clean file should exit 0"
grep -qx '1 policy linted: 0 errors, 0 warnings, 0 notes' "$work/clean.out" && ok ||
	bad "a clean file's summary line: $(cat "$work/clean.out")"

for args in "--fail-on sometimes $t" "--format xml $t" "" "--bogus $t"; do
	# shellcheck disable=SC2086
	"$cell" lint $args >"$work/usage.out" 2>&1
	status=$?
	[ "$status" -eq 2 ] && ok || bad "'cell lint $args' should exit 2, not $status"
done
"$cell" lint "$work/missing.cell" >"$work/missing.out" 2>&1
status=$?
[ "$status" -eq 2 ] && grep -q "cannot read" "$work/missing.out" && ok ||
	bad "an unreadable file should exit 2 ($status): $(cat "$work/missing.out")"
"$cell" lint tests/bad/resolve_unknown_syscall.cell >"$work/broken.out" 2>&1
status=$?
[ "$status" -eq 1 ] && grep -q "error: unknown syscall" "$work/broken.out" && ok ||
	bad "a policy with errors should exit 1 with the errors ($status)"

# A directory: every policy file under it, sorted, each policy once.
mkdir -p "$work/dir/sub" "$work/dir/.hidden"
cp tests/lint/CL003-hardening-missing.cell "$work/dir/sub/b.cell"
cp tests/lint/CL005-ioctl-unfiltered.cell "$work/dir/a.cell"
cp tests/lint/CL005-ioctl-unfiltered.cell "$work/dir/.hidden/c.cell"
echo "not a policy" >"$work/dir/notes.txt"
"$cell" lint "$work/dir" >"$work/dir.out" 2>&1
status=$?
got=$(sed -n 's/^.*\/dir\/\([^:]*\):.*\[\(CL[0-9]*\)\]$/\1 \2/p' "$work/dir.out" | tr '\n' ' ')
[ "$status" -eq 1 ] && [ "$got" = "a.cell CL003 a.cell CL005 sub/b.cell CL003 sub/b.cell CL003 " ] &&
	ok || bad "directory: exit $status, findings '$got'"

# JSON: one object per finding, on its own line.
"$cell" lint --format json tests/lint/CL001-dangerous-syscall-ok.cell >"$work/empty.json" 2>&1
[ "$(cat "$work/empty.json")" = "$(printf '[\n]')" ] && ok || bad "empty JSON: $(cat "$work/empty.json")"

# Colours on a terminal only, and never with NO_COLOR.
if command -v script >/dev/null 2>&1; then
	env -u NO_COLOR script -qec "'$cell' lint '$t'" /dev/null >"$work/tty.out" 2>&1
	grep -q "$(printf '\033')\[" "$work/tty.out" && ok || bad "no colours on a terminal"
	NO_COLOR=1 script -qec "'$cell' lint '$t'" /dev/null >"$work/tty-nc.out" 2>&1
	grep -q "$(printf '\033')\[" "$work/tty-nc.out" && bad "colours despite NO_COLOR" || ok
	env -u NO_COLOR "$cell" lint "$t" >"$work/pipe.out" 2>&1
	grep -q "$(printf '\033')\[" "$work/pipe.out" && bad "colours into a pipe" || ok
fi

echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]

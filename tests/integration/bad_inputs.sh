#!/bin/sh
# Every tests/bad/*.cell and tests/bad-yaml/*.yaml must be refused by
# `cell compile`: exit status 1 (not a crash, not 0),
# a diagnostic containing the text of its first line's `# expect: ...`, and
# no artifact written (the output directory stays absent or empty).
# usage: bad_inputs.sh CELL SOURCE_DIR WORK_DIR
set -u
cell=$1
src=$2
work=$3
rm -rf "$work"
mkdir -p "$work"
pass=0
fail=0
for f in "$src"/tests/bad/*.cell "$src"/tests/bad-yaml/*.yaml; do
	name=$(basename "$f")
	expect=$(head -n 1 "$f" | tr -d '\000' | sed -n 's/^# expect: //p')
	if [ -z "$expect" ]; then
		echo "FAIL $name: first line has no '# expect: ...'"
		fail=$((fail + 1))
		continue
	fi
	out="$work/$name.out"
	"$cell" compile "$f" -o "$work/$name" >"$out.stdout" 2>"$out"
	status=$?
	problems=""
	[ "$status" -eq 1 ] || problems="$problems exit status $status (want 1);"
	grep -qF -- "$expect" "$out" || problems="$problems no diagnostic containing '$expect';"
	if [ -d "$work/$name" ] && [ -n "$(ls -A "$work/$name")" ]; then
		problems="$problems artifacts written: $(ls -A "$work/$name" | tr '\n' ' ');"
	fi
	if [ -n "$problems" ]; then
		echo "FAIL $name:$problems"
		sed 's/^/    | /' "$out" | head -n 20
		fail=$((fail + 1))
	else
		pass=$((pass + 1))
	fi
done
echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ] && [ "$pass" -gt 0 ]

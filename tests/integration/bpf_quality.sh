#!/bin/sh
# bench/bpf-quality.sh and `cell explain --mix` through the real binary: the
# benchmark prints a row for every policy and every recorded mix, with sane
# numbers, and a bad mix file is a usage error naming its line.
# usage: bpf_quality.sh CELL SOURCE_DIR WORK_DIR
set -u
cell=$1
src=$2
work=$3
rm -rf "$work"
mkdir -p "$work"
fail=0
check() { # NAME CONDITION-RESULT DETAIL
	if [ "$2" -ne 0 ]; then
		echo "FAIL $1: $3"
		fail=$((fail + 1))
	else
		echo "ok   $1"
	fi
}

sh "$src/bench/bpf-quality.sh" "$cell" >"$work/table.md" 2>"$work/table.err"
check "bpf-quality.sh exits 0" $? "$(cat "$work/table.err")"
for p in policies/default.cell policies/examples/demo.cell policies/examples/python-task.cell \
	bench/docker-like.cell; do
	grep -Eq "^\| \`$p\` \| [0-9]+ \| [0-9.]+ \| [0-9]+ \([a-z0-9_]+\) \| [0-9]+ of [0-9]+ syscalls \|$" \
		"$work/table.md"
	check "program row for $p" $? "$(cat "$work/table.md")"
	for m in compile python git tar; do
		grep -Eq "^\| \`$p\` \| $m \| [0-9.]+ \| [0-9.]+ \| [0-9]+ \([a-z0-9_]+\) \| [0-9.]+% \|$" \
			"$work/table.md"
		check "mix row for $p, $m" $? "$(cat "$work/table.md")"
	done
done

# The baseline's argument rules make socket the longest path of the stock
# demo, and an unconditional allow-list is cached for almost every call.
grep -q '^| `policies/examples/demo.cell` | [0-9]* | [0-9.]* | [0-9]* (socket) |' "$work/table.md"
check "demo's worst syscall is socket" $? "$(grep demo.cell "$work/table.md")"
grep -Eq '^\| `bench/docker-like.cell` \| git \| .* \| 100\.0% \|$' "$work/table.md"
check "docker-like serves git status entirely from the action cache" $? \
	"$(grep docker-like "$work/table.md")"

printf '12 read\n3 read\n' >"$work/twice.txt"
"$cell" explain "$src/policies/examples/demo.cell" --mix "$work/twice.txt" >"$work/bad.out" 2>&1
status=$?
[ "$status" -eq 2 ] && grep -q "twice.txt:2: 'read' is listed twice" "$work/bad.out"
check "a bad mix file exits 2 naming its line" $? "exit $status: $(cat "$work/bad.out")"
"$cell" explain "$src/policies/examples/demo.cell" --mix "$work/missing.txt" >"$work/miss.out" 2>&1
status=$?
[ "$status" -eq 2 ]
check "a missing mix file exits 2" $? "exit $status"

echo "$fail failed"
[ "$fail" -eq 0 ]

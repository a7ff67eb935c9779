#!/bin/sh
# `cell test` and `cell explain` through the real binary: exit codes, the
# final "N passed, M failed" line, and the explain output's key facts.
# usage: cell_test_cli.sh CELL SOURCE_DIR WORK_DIR
set -u
cell=$1
src=$2
work=$3
rm -rf "$work"
mkdir -p "$work"
fail=0
check() { # NAME CONDITION-RESULT MESSAGE
	if [ "$2" -ne 0 ]; then
		echo "FAIL $1: $3"
		fail=$((fail + 1))
	else
		echo "ok   $1"
	fi
}
lib="$src/policies/lib"

"$cell" test "$src/tests/policies/tested-pass.cell" -I "$lib" >"$work/pass.out" 2>&1
check "passing policy exits 0" $? "exit $?"
tail -n 1 "$work/pass.out" | grep -qE '^[1-9][0-9]* passed, 0 failed$'
check "passing policy ends with 'N passed, 0 failed'" $? "$(tail -n 1 "$work/pass.out")"

"$cell" test "$src/tests/policies/tested-fail.cell" -I "$lib" >"$work/fail.out" 2>&1
status=$?
[ "$status" -eq 1 ]
check "failing policy exits 1" $? "exit $status"
tail -n 1 "$work/fail.out" | grep -qx '1 passed, 5 failed'
check "failing policy ends with '1 passed, 5 failed'" $? "$(tail -n 1 "$work/fail.out")"
grep -q 'tested-fail.cell:11:5: error: expected errno EPERM, got allow (decided by the rule at .*base-syscalls.cell:18)' "$work/fail.out"
check "a failure names the deciding rule" $? "$(cat "$work/fail.out")"

"$cell" test >"$work/usage.out" 2>&1
status=$?
[ "$status" -eq 2 ]
check "no file is a usage error (2)" $? "exit $status"
"$cell" test "$work/missing.cell" >"$work/missing.out" 2>&1
status=$?
[ "$status" -eq 2 ]
check "an unreadable file exits 2" $? "exit $status"

"$cell" explain "$src/tests/policies/tested-pass.cell" -I "$lib" 'ioctl(0, TIOCSTI)' openat \
	>"$work/explain.out" 2>&1
check "explain CALL exits 0" $? "exit"
grep -q '^ioctl(0, TIOCSTI) on x86_64: errno EPERM' "$work/explain.out" &&
	grep -q 'decided by:   the rule at .*hardening.cell:38' "$work/explain.out" &&
	grep -q 'action cache: yes' "$work/explain.out"
check "explain gives verdict, rule and cache" $? "$(cat "$work/explain.out")"
"$cell" explain "$src/tests/policies/tested-pass.cell" -I "$lib" --bpf >"$work/summary.out" 2>&1
check "explain summary exits 0" $? "exit"
grep -q '^program: [0-9]* instructions' "$work/summary.out" &&
	grep -q 'served without running the filter' "$work/summary.out" &&
	grep -q '; ptrace' "$work/summary.out"
check "summary has size, cache count and disassembly" $? "$(head -n 40 "$work/summary.out")"
"$cell" explain "$src/tests/policies/tested-pass.cell" -I "$lib" opnat >"$work/bad.out" 2>&1
status=$?
[ "$status" -eq 2 ] && grep -q "did you mean 'openat'" "$work/bad.out"
check "explain with an unknown syscall exits 2 with a suggestion" $? "exit $status"

echo "$fail failed"
[ "$fail" -eq 0 ]

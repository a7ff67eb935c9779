#!/bin/sh
# `cell check` on the stock library (policies/, every .cell and .yaml under
# it): every policy compiles, is lint-clean or carries reasoned suppressions,
# its test blocks hold, and every .cell file is in `cell fmt`'s layout. Then `cell check` itself: its summary line and
# exit status when a policy fails to compile, lints dirty, or fails a test.
# usage: check_stock.sh CELL SOURCE_DIR WORK_DIR
set -u
cell=$1
src=$2
work=$3
rm -rf "$work"
mkdir -p "$work"
fail=0
pass=0
ok() { pass=$((pass + 1)); }
bad() {
	echo "FAIL $*"
	fail=$((fail + 1))
}
export NO_COLOR=1

"$cell" check "$src/policies" >"$work/stock.out" 2>"$work/stock.err"
status=$?
summary=$(tail -n 1 "$work/stock.out")
n=$(echo "$summary" | sed -n 's/^\([0-9][0-9]*\) policies: .*/\1/p')
if [ "$status" -eq 0 ] && [ -n "$n" ] && [ "$n" -ge 5 ] &&
	[ "$summary" = "$n policies: $n compiled, 0 lint findings, 0 tests failed" ]; then
	ok
else
	bad "cell check policies/ exits $status: $summary"
	sed 's/^/    /' "$work/stock.out" "$work/stock.err"
fi
# Every stock file was looked at.
files=$(find "$src/policies" -name '*.cell' -o -name '*.yaml' | wc -l)
[ "$files" -ge 5 ] && ok || bad "only $files stock files found"

# The stock .cell files are in the canonical layout (`cell fmt`).
# shellcheck disable=SC2046 # file names without spaces
if "$cell" fmt --check $(find "$src/policies" "$src/bench" -name '*.cell' | sort) >"$work/fmt.out" 2>&1; then
	ok
else
	bad "stock policies are not formatted (cell fmt -w):"
	sed 's/^/    /' "$work/fmt.out" | head -40
fi

# A failing test block, a policy that does not compile, a lint finding.
"$cell" check "$src/tests/policies/tested-fail.cell" -I "$src/policies/lib" \
	>"$work/tests.out" 2>"$work/tests.err"
status=$?
tail -n 1 "$work/tests.out" | grep -qE '^1 policy: 1 compiled, [0-9]+ lint findings?, 5 tests failed$' &&
	[ "$status" -eq 1 ] && ok || bad "failing tests: exit $status, $(tail -n 1 "$work/tests.out")"
"$cell" check "$src/tests/bad/resolve_unknown_syscall.cell" >"$work/bad.out" 2>"$work/bad.err"
status=$?
[ "$status" -eq 1 ] && grep -q 'compiled' "$work/bad.out" &&
	grep -q "unknown syscall" "$work/bad.err" && ok ||
	bad "a policy with errors: exit $status, $(cat "$work/bad.out" "$work/bad.err")"
"$cell" check "$src/tests/lint/CL002-permissive-default.cell" >"$work/lint.out" 2>&1
status=$?
[ "$status" -eq 1 ] && tail -n 1 "$work/lint.out" | grep -qx '2 policies: 2 compiled, 2 lint findings, 0 tests failed' &&
	grep -q '\[CL002\]' "$work/lint.out" && ok || bad "lint findings: exit $status, $(cat "$work/lint.out")"
"$cell" check --fail-on never "$src/tests/lint/CL002-permissive-default.cell" >/dev/null 2>&1
[ $? -eq 0 ] && ok || bad "--fail-on never should pass a policy with warnings"
"$cell" check >/dev/null 2>&1
[ $? -eq 2 ] && ok || bad "check without a file should exit 2"
"$cell" check "$work/missing" >/dev/null 2>&1
[ $? -eq 2 ] && ok || bad "check of a missing file should exit 2"

echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]

#!/bin/sh
# `cell run`: a policy compiled in memory and run through cellrun, with no
# file written; the embedded default; --show-default; --dry-run.
# usage: cell_run.sh CELL CELLRUN SOURCE_DIR WORK_DIR ATTACK_DIR
set -u
cell=$1
cellrun=$2
src=$3
work=$4
rm -rf "$work"
mkdir -p "$work/job"
chmod 755 "$work" "$work/job"
pass=0
fail=0
check() { # NAME EXPECTED ACTUAL
	if [ "$2" = "$3" ]; then
		pass=$((pass + 1))
	else
		echo "FAIL $1: expected [$2], got [$3]"
		fail=$((fail + 1))
	fi
}
export CELLRUN="$cellrun"
[ "$(id -u)" -eq 0 ] && chown 65534:65534 "$work/job"

# A policy with a param, compiled in memory: the command runs in it.
before=$(find "$work" | sort)
out=$(timeout 60 "$cell" run "$src/policies/examples/python-task.cell" --param "WORKDIR=$work/job" \
	-- /bin/sh -c 'echo $(cat /proc/sys/kernel/hostname) $(pwd); echo made >/work/f')
check "python-task runs" "task /work" "$out"
check "the bind is read-write" "made" "$(cat "$work/job/f" 2>/dev/null)"
rm -f "$work/job/f"
check "no file left behind" "$before" "$(find "$work" | sort)"

# The exit status is the command's, through cellrun.
timeout 60 "$cell" run "$src/policies/examples/python-task.cell" --param "WORKDIR=$work/job" -- /bin/sh -c 'exit 7'
check "exit status passed through" 7 $?

# A missing param is cellrun's refusal.
timeout 60 "$cell" run "$src/policies/examples/python-task.cell" -- /bin/true 2>"$work/err"
check "missing param refused" 125 $?
grep -q "WORKDIR" "$work/err"
check "the refusal names the param" 0 $?

# The embedded default: the current directory read-write, /root hidden.
out=$(cd "$work/job" && timeout 60 "$cell" run -- /bin/sh -c 'pwd; touch probe && echo writable; ls /root 2>/dev/null || echo no-root')
check "default policy" "$work/job
writable
no-root" "$out"
check "default: the file was made in the current directory" yes "$([ -f "$work/job/probe" ] && echo yes)"

"$cell" run --show-default | grep -q '^policy cell-default'
check "--show-default prints the policy" 0 $?

out=$(timeout 60 "$cell" run "$src/policies/examples/python-task.cell" --param "WORKDIR=$work/job" --dry-run -- /bin/true)
check "--dry-run runs nothing and shows bwrap" 0 $?
echo "$out" | grep -q -- "--ro-bind /usr /usr"
check "--dry-run shows the filled arguments" 0 $?

# A policy with errors never reaches cellrun.
printf 'policy p { syscalls { allow opnat } }\n' >"$work/bad.cell"
timeout 60 "$cell" run "$work/bad.cell" -- /bin/true 2>"$work/err"
check "a bad policy is refused with 1" 1 $?
grep -q "did you mean 'openat'" "$work/err"
check "with its diagnostic" 0 $?

echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]

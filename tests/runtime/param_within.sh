#!/bin/sh
# `param NAME in DIR`: cellrun accepts a value only when it resolves, with
# symbolic links followed, to DIR or below; bwrap then gets the resolved path,
# as root and as an unprivileged user.
. "$(dirname "$0")/lib/common.sh"
skip_unless_root
ensure_user
setup

jobs=$work/jobs
mkdir -p "$jobs/job1" "$work/elsewhere" "$work/pb"
chmod 755 "$work/pb"
ln -s / "$jobs/job1/up"        # inside the tree, pointing out of it
ln -s "$work/elsewhere" "$jobs/away"
chown -R 65534:65534 "$jobs/job1"
cat >"$work/within.cell" <<POLICY
include "lib/system.cell"
include "lib/base-syscalls.cell"
policy within : system, base-syscalls {
  param WORKDIR in $jobs
  fs { rw \${WORKDIR} at /work  cwd /work }
}
POLICY
"$cell" compile -q -I "$src/policies" "$work/within.cell" -o "$work/pb" >"$work/c.log" 2>&1
check "compiles" 0 $?
check_has "the manifest carries the constraint" "param WORKDIR path in $jobs" "$(cat "$work/pb/within.manifest")"

run() { # run AS VALUE: cellrun's exit status; stderr in $work/err
	if [ "$1" = root ]; then
		timeout 30 "$cellrun" --param "WORKDIR=$2" "$work/pb/within" -- /bin/sh -c 'echo in >/work/mark' \
			>"$work/out" 2>"$work/err"
	else
		timeout 30 su -s /bin/sh "$user" -c "'$cellrun' --param 'WORKDIR=$2' '$work/pb/within' -- /bin/sh -c 'echo in >/work/mark'" \
			>"$work/out" 2>"$work/err"
	fi
}

for as in root user; do
	if [ "$as" = user ]; then
		chown -R "$user:$user" "$jobs/job1"
		chmod 755 "$work"
	fi
	rm -f "$jobs/job1/mark"
	run "$as" "$jobs/job1"
	check "$as: a directory in the tree runs" 0 $?
	check "$as: and the command wrote there" in "$(cat "$jobs/job1/mark" 2>/dev/null)"

	run "$as" "$jobs/job1/up"
	check "$as: a link out of the tree is refused" 125 $?
	check_has "$as: message names the resolved path" "(resolved: /) is not in $jobs" "$(cat "$work/err")"

	run "$as" "$jobs/away"
	check "$as: a link to a sibling tree is refused" 125 $?

	run "$as" "$work/elsewhere"
	check "$as: a path outside is refused" 125 $?
	check_has "$as: message" "is not in $jobs" "$(cat "$work/err")"

	run "$as" "$jobs/missing"
	check "$as: a path that does not exist is refused" 125 $?
	check_has "$as: message" "cannot resolve" "$(cat "$work/err")"
done
finish

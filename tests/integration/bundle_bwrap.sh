#!/bin/sh
# Compiles stock and test policies with the real `cell` and runs them under
# the real bwrap with `--args FD --seccomp FD`, checking from inside that the
# filesystem view, the environment, the hostname and the seccomp rules hold.
# usage: bundle_bwrap.sh CELL SOURCE_DIR WORK_DIR
set -u
cell=$1
src=$2
work=$3
rm -rf "$work"
mkdir -p "$work/out" "$work/host"
pass=0
fail=0
check() { # check NAME EXPECTED ACTUAL
	if [ "$2" = "$3" ]; then
		pass=$((pass + 1))
	else
		echo "FAIL $1: expected '$2', got '$3'"
		fail=$((fail + 1))
	fi
}

"$cell" compile "$src/policies/examples/demo.cell" -o "$work/out" >"$work/compile.log" 2>&1
check "compile demo" 0 $?
for piece in bpf args limits manifest; do
	[ -s "$work/out/demo.$piece" ]
	check "demo.$piece written" 0 $?
done
# The argument file never carries a command, a '--' or a filter.
check "no -- or --seccomp in args" 0 "$(tr '\0' '\n' <"$work/out/demo.args" | grep -cxE -- '--|--seccomp|--args')"

run() { # run BUNDLE SCRIPT
	FOO=from-host bwrap --args 3 --seccomp 4 3<"$work/out/$1.args" 4<"$work/out/$1.bpf" -- /bin/sh -c "$2"
}
echo secret >"$work/host/secret"
check "hello" "hello" "$(run demo 'echo hello')"
check "seccomp active" "Seccomp:	2" "$(run demo 'grep ^Seccomp: /proc/self/status')"
check "hostname" "cell-demo" "$(run demo 'cat /proc/sys/kernel/hostname')"
check "env cleared" "unset" "$(run demo 'echo ${FOO:-unset}')"
check "env set" "/tmp" "$(run demo 'echo $HOME')"
check "/usr read-only" "refused" "$(run demo 'touch /usr/x 2>/dev/null && echo written || echo refused')"
check "/tmp writable" "ok" "$(run demo 'echo ok >/tmp/x && cat /tmp/x')"
check "host files hidden" "hidden" "$(run demo "cat $work/host/secret 2>/dev/null || echo hidden")"
check "no network interfaces but lo" "lo" "$(run demo 'ls /sys/class/net 2>/dev/null || echo lo')"
check "capabilities dropped" "CapEff:	0000000000000000" "$(run demo 'grep ^CapEff: /proc/self/status')"

# Rules with visible effects, and a param filled at compile time.
"$cell" compile "$src/tests/policies/visible-seccomp.cell" -D "WORK=$work/host" -o "$work/out" >"$work/compile2.log" 2>&1
check "compile visible-seccomp" 0 $?
check "bind of the param" "secret" "$(run visible-seccomp 'cat /work/secret')"
check "deny errno ENOSYS" "Function not implemented" "$(run visible-seccomp 'uname 2>&1 | sed "s/.*: //"')"
check "deny errno EROFS" "Read-only file system" "$(run visible-seccomp 'mkdir /tmp/d 2>&1 | sed "s/.*: //"')"
run visible-seccomp 'cd /tmp; echo survived'
check "kill: SIGSYS ends the shell" 159 $?
check "allowed calls still work" "ok" "$(run visible-seccomp 'echo ok >/tmp/f && cat /tmp/f')"

# A policy with an open param cannot be given to plain bwrap by mistake:
# the placeholder stays visible in the argument file.
"$cell" compile "$src/tests/policies/visible-seccomp.cell" -o "$work/open" >"$work/compile3.log" 2>&1
check "compile with an open param" 0 $?
check "param placeholder kept" 1 "$(tr '\0' '\n' <"$work/open/visible-seccomp.args" | grep -cx '${WORK}')"
check "param listed in manifest" "param WORK path" "$(grep '^param ' "$work/open/visible-seccomp.manifest")"

# The same bundle started by an unprivileged user (bwrap then has no
# privilege to lose): the files are passed as fds, so they need not be
# readable by that user.
if [ "$(id -u)" -eq 0 ] && command -v setpriv >/dev/null 2>&1; then
	unpriv() {
		setpriv --reuid=65534 --regid=65534 --clear-groups \
			bwrap --args 3 --seccomp 4 3<"$work/out/$1.args" 4<"$work/out/$1.bpf" -- /bin/sh -c "$2"
	}
	check "unprivileged: runs" "65534 cell-demo" "$(unpriv demo 'echo $(id -u) $(cat /proc/sys/kernel/hostname)')"
	check "unprivileged: seccomp active" "Seccomp:	2" "$(unpriv demo 'grep ^Seccomp: /proc/self/status')"
	check "unprivileged: /usr read-only" "refused" "$(unpriv demo 'touch /usr/x 2>/dev/null && echo written || echo refused')"
	unpriv visible-seccomp 'cd /tmp; echo survived'
	check "unprivileged: kill rule" 159 $?
fi

echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]

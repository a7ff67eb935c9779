#!/bin/sh
# Hosts that stop bwrap, reproduced here, and what cellrun and `cell doctor`
# say about them: a container's seccomp profile that blocks user namespaces
# (the Synology DSM / Docker symptom), user.max_user_namespaces=0 (ENOSPC,
# in a child user namespace), a setuid bwrap under NO_NEW_PRIVS, a bwrap
# that is too old, no bwrap at all. tests/runtime/attack/hostile.c makes
# the process hostile, then execs cellrun or cell.
. "$(dirname "$0")/lib/common.sh"
skip_unless_root
ensure_user
setup

hostile=$attack/hostile
b=$work/b
touch_ran="echo >/work/ran"

# The baseline: this host runs sandboxes, so the doctor finds no failure.
"$cell" doctor "$b/rt-memory" >"$work/doctor" 2>&1
check "healthy host: doctor exits 0" 0 $?
check "healthy host: no FAIL line" "" "$(grep '^FAIL' "$work/doctor")"
check_has "healthy host: tier" "ok    tier rt-memory" "$(cat "$work/doctor")"
check_has "healthy host: userns probe" "uid 65534 can create a user namespace" "$(cat "$work/doctor")"
check_has "healthy host: a real sandbox" "ok    bwrap-run" "$(cat "$work/doctor")"

# diagnosed NAME MODE NEEDLE HOSTILE-OPTIONS... -- CELLRUN-OPTIONS...: cellrun
# under hostile as root or as the test user exits 125, runs nothing, and its
# one diagnosis line contains NEEDLE.
diagnosed() {
	name=$1 mode=$2 needle=$3
	shift 3
	wd=$(wdir "$mode")
	rm -f "$wd/ran"
	if [ "$mode" = root ]; then
		set -- "$hostile" "$@"
	else
		set -- setpriv --reuid="$user" --regid="$user" --init-groups "$hostile" "$@"
	fi
	# The hostile options end at the first --, the cellrun options at the second.
	timeout -k 5 60 "$@" --param "WORKDIR=$wd" --param "ATTACK=$attack" \
		"$b/rt-base" -- /bin/sh -c "$touch_ran" >"$work/out" 2>"$work/err"
	check "$name: exit 125" 125 $?
	check "$name: nothing ran" no "$([ -e "$wd/ran" ] && echo yes || echo no)"
	check "$name: one diagnosis line" 1 "$(grep -c '^cellrun: bwrap cannot' "$work/err")"
	check_has "$name: the diagnosis" "$needle" "$(grep '^cellrun: bwrap cannot' "$work/err")"
	check_has "$name: points to cell doctor" "Run \`cell doctor\` for details." "$(cat "$work/err")"
}

# 1. A seccomp filter that fails unshare/clone(CLONE_NEWUSER) with EPERM.
seccomp_cause="cellrun: bwrap cannot create a user namespace: user namespaces are blocked by a seccomp filter on this process"
diagnosed "seccomp, root" root "$seccomp_cause" --block-userns -- "$cellrun"
check_has "seccomp: the fix" "Fix: allow clone/unshare with CLONE_NEWUSER in the container's seccomp profile" \
	"$(cat "$work/err")"
diagnosed "seccomp, user" user "$seccomp_cause" --block-userns -- "$cellrun"
"$hostile" --block-userns -- "$cellrun" --status-json "$work/st.json" --param "WORKDIR=$work/w-root" \
	--param "ATTACK=$attack" "$b/rt-base" -- /bin/true 2>/dev/null
check_has "seccomp: status-json" '"exit_code":125,"signal":null,"reason":"setup-failed"' "$(cat "$work/st.json")"
"$hostile" --block-userns -- "$cell" doctor "$b/rt-base" >"$work/doctor" 2>&1
check "seccomp: doctor exits 1" 1 $?
check_has "seccomp: doctor names it" "FAIL  seccomp-userns             user namespaces are blocked by a seccomp filter" \
	"$(cat "$work/doctor")"
check_has "seccomp: doctor's probe" "FAIL  userns                     uid 65534 cannot create a user namespace: unshare(CLONE_NEWUSER) fails with EPERM" \
	"$(cat "$work/doctor")"
check_has "seccomp: doctor's tier" "FAIL  tier rt-base               cannot run here: bwrap cannot run rt-base here (failing: seccomp-userns, userns, bwrap-run)" \
	"$(cat "$work/doctor")"
"$hostile" --block-userns -- "$cell" doctor --json "$b/rt-base" >"$work/doctor.json" 2>&1
check_has "seccomp: doctor --json" '{"id":"seccomp-userns","status":"fail","condition":"user namespaces are blocked' \
	"$(cat "$work/doctor.json")"
check_has "seccomp: doctor --json tier" '"policies":[{"name":"rt-base","tier":null,' "$(cat "$work/doctor.json")"

# 2. user.max_user_namespaces=0 in a child user namespace: ENOSPC.
diagnosed "max_user_namespaces=0" root \
	"cellrun: bwrap cannot create a user namespace: user.max_user_namespaces is 0" \
	--userns-limit-zero -- "$cellrun"
check_has "max_user_namespaces=0: the fix" "Fix: sysctl -w user.max_user_namespaces=15000" "$(cat "$work/err")"
"$hostile" --userns-limit-zero -- "$cell" doctor >"$work/doctor" 2>&1
check "max_user_namespaces=0: doctor exits 1" 1 $?
check_has "max_user_namespaces=0: doctor names it" "FAIL  max-user-namespaces        user.max_user_namespaces is 0" \
	"$(cat "$work/doctor")"
check_has "max_user_namespaces=0: doctor's probe" "fails with ENOSPC" "$(cat "$work/doctor")"

# 3. A setuid copy of bwrap, started with NO_NEW_PRIVS already set: the
# kernel runs it without its privilege.
if findmnt -no OPTIONS -T "$work" | grep -q nosuid; then
	echo "skipped the setuid bwrap cases: $work is on a nosuid file system"
else
	cp "$(command -v bwrap)" "$work/suid-bwrap"
	chown root:root "$work/suid-bwrap"
	chmod 4755 "$work/suid-bwrap"
	"$cell" doctor --bwrap "$work/suid-bwrap" >"$work/doctor" 2>&1
	check_has "setuid bwrap: noted" "note  setuid-bwrap               bwrap ($work/suid-bwrap) is setuid root" \
		"$(cat "$work/doctor")"
	"$hostile" --no-new-privs -- "$cell" doctor --bwrap "$work/suid-bwrap" >"$work/doctor" 2>&1
	check "setuid bwrap + NO_NEW_PRIVS: a warning, not a failure" 0 $?
	check_has "setuid bwrap + NO_NEW_PRIVS: doctor names it" \
		"warn  setuid-bwrap               bwrap ($work/suid-bwrap) is setuid root, but NO_NEW_PRIVS is already set on this process, so it runs without its privilege" \
		"$(cat "$work/doctor")"
	# Where user namespaces are blocked as well, it is part of the diagnosis.
	diagnosed "setuid bwrap + NO_NEW_PRIVS + seccomp" root \
		"user namespaces are blocked by a seccomp filter on this process (Seccomp: 2 in /proc/self/status; a container's profile?); and bwrap ($work/suid-bwrap) is setuid root, but NO_NEW_PRIVS is already set" \
		--no-new-privs --block-userns -- "$cellrun" --bwrap "$work/suid-bwrap"
	"$hostile" --no-new-privs --block-userns -- "$cell" doctor --bwrap "$work/suid-bwrap" >"$work/doctor" 2>&1
	check_has "setuid bwrap + NO_NEW_PRIVS + seccomp: doctor fails it" "FAIL  setuid-bwrap" "$(cat "$work/doctor")"
fi

# 4. A bwrap that is too old for the bundle.
mkdir -p "$work/old"
printf '#!/bin/sh\necho bubblewrap 0.4.1\n' >"$work/old/bwrap"
chmod 755 "$work/old/bwrap"
"$cell" doctor --bwrap "$work/old/bwrap" "$b/rt-base" >"$work/doctor" 2>&1
check "old bwrap: doctor exits 1" 1 $?
check_has "old bwrap: doctor names it" "FAIL  bwrap                      $work/old/bwrap is bwrap 0.4.1; bundle rt-base needs 0.7.0 or newer" \
	"$(cat "$work/doctor")"
check_has "old bwrap: doctor's tier" "(failing: bwrap)" "$(cat "$work/doctor")"
timeout 30 "$cellrun" --bwrap "$work/old/bwrap" --param "WORKDIR=$work/w-root" --param "ATTACK=$attack" \
	"$b/rt-base" -- /bin/true 2>"$work/err"
check "old bwrap: cellrun exits 125" 125 $?
check_has "old bwrap: cellrun names it" "needs bwrap 0.7.0 or newer; $work/old/bwrap is 0.4.1" "$(cat "$work/err")"

# 5. No bwrap at all.
"$cell" doctor --bwrap /nonexistent/bwrap "$b/rt-base" >"$work/doctor" 2>&1
check "missing bwrap: doctor exits 1" 1 $?
check_has "missing bwrap: doctor names it" "FAIL  bwrap                      bwrap /nonexistent/bwrap (from --bwrap) cannot be executed" \
	"$(cat "$work/doctor")"
check_has "missing bwrap: the fix" "Fix: install bubblewrap (apt install bubblewrap)" "$(cat "$work/doctor")"
check_has "missing bwrap: no sandbox tried" "note  bwrap-run                  no bwrap sandbox was tried (no bwrap)" \
	"$(cat "$work/doctor")"
env PATH=/nonexistent "$cell" doctor >"$work/doctor" 2>&1
check "no bwrap on PATH: doctor exits 1" 1 $?
check_has "no bwrap on PATH: doctor names it" "FAIL  bwrap                      cannot find bwrap (bubblewrap) on PATH" \
	"$(cat "$work/doctor")"
timeout 30 env PATH=/nonexistent "$cellrun" --param "WORKDIR=$work/w-root" --param "ATTACK=$attack" \
	"$b/rt-base" -- /bin/true 2>"$work/err"
check "no bwrap on PATH: cellrun exits 125" 125 $?
check_has "no bwrap on PATH: cellrun names it" "cannot find bwrap" "$(cat "$work/err")"

# Usage
"$cell" doctor "$work/nothing-here" >/dev/null 2>"$work/err"
check "doctor: neither bundle nor policy: exit 2" 2 $?
check_has "doctor: neither bundle nor policy: message" "is neither a bundle" "$(cat "$work/err")"
"$cell" doctor "$src/tests/runtime/policies/runtime.cell" -p rt-cpu >"$work/doctor" 2>&1
check "doctor: a policy file, -p: exit 0" 0 $?
check_has "doctor: a policy file, -p: tier" "ok    tier rt-cpu" "$(cat "$work/doctor")"

finish

#!/bin/sh
# The Landlock tier (docs/landlock.md) on the real kernel. The host's
# user namespaces are taken away the way a container's seccomp profile
# (Docker's, Synology DSM's) takes them: attack/hostile --block-userns
# makes unshare/clone(CLONE_NEWUSER) fail with EPERM, then execs cellrun.
# With `fallback landlock` the command must then run, without bwrap, and
# stay contained: files outside the policy unreadable, writes outside the
# writable paths refused, no TCP or abstract socket reaching the host under
# `net none`, no signal to a process outside, the policy's seccomp verdicts,
# limits, environment, working directory, exit statuses. A policy the tier
# cannot express is refused before anything runs, with every reason and its
# line; --strict and a policy without `fallback` refuse to fall back. As
# root (the command runs as nobody) and as the unprivileged test user; and
# once with user.max_user_namespaces=0 (ENOSPC) instead of the filter.
#
# Without Landlock (or below the ABI these policies need) the refusals are
# still checked; the rest is skipped (exit 77) with the reason.
. "$(dirname "$0")/lib/common.sh"
skip_unless_root
ensure_user
setup

hostile=$attack/hostile
ll=$work/ll
policy=$src/tests/runtime/policies/landlock.cell
mkdir -p "$ll" "$work/shared" "$work/host/drop" "$work/w-root/sub" "$work/w-user/sub"
chmod 755 "$ll"
chmod 1777 "$work/shared" "$work/host/drop"
chown 65534:65534 "$work/w-root/sub"
chown "$user:$user" "$work/w-user/sub"
echo open-secret >"$work/host/open"
chmod 644 "$work/host/open"
echo victim >"$work/host/victim"
chmod 666 "$work/host/victim"
"$cell" compile "$policy" -o "$ll" >"$work/ll-compile.log" 2>&1 ||
	{ cat "$work/ll-compile.log"; echo "0 passed, 1 failed"; exit 1; }

# as MODE CMD...: CMD as root, or as the test user.
as() {
	if [ "$1" = root ]; then
		shift
		"$@"
	else
		shift
		setpriv --reuid="$user" --regid="$user" --init-groups "$@"
	fi
}

# crl MODE BUNDLE [CELLRUN-OPTIONS...] -- CMD...: cellrun on a host without
# user namespaces, with the three params, bounded in time.
crl() {
	m=$1 bundle=$2
	shift 2
	timeout -k 5 60 env ${CR_ENV:-} $(as_prefix "$m") "$hostile" --block-userns -- "$cellrun" \
		--param "WORKDIR=$(wdir "$m")" --param "ATTACK=$attack" --param "SHARED=$work/shared" \
		"$ll/$bundle" "$@"
}
# The same on this host as it is (user namespaces available: bwrap runs).
crb() {
	m=$1 bundle=$2
	shift 2
	timeout -k 5 60 $(as_prefix "$m") "$cellrun" \
		--param "WORKDIR=$(wdir "$m")" --param "ATTACK=$attack" --param "SHARED=$work/shared" \
		"$ll/$bundle" "$@"
}
as_prefix() {
	[ "$1" = root ] || echo "setpriv --reuid=$user --regid=$user --init-groups"
}
line_of() { # the line of the policy that holds TEXT
	grep -n -F "$1" "$policy" | head -1 | cut -d: -f1
}
loc_of() { # file:line:col as the piece names it (relative to the policy), for TEXT
	ln=$(line_of "$1")
	col=$(sed -n "${ln}p" "$policy" | awk -v t="$1" '{ print index($0, t) }')
	echo "landlock.cell:$ln:$col"
}

# ---- what any host can check ------------------------------------------------

# The host as it is: bwrap runs, no fallback is taken.
for m in root user; do
	out=$(crb "$m" ll-base -- /bin/sh -c 'echo hello' 2>"$work/err")
	check "$m: with user namespaces, bwrap runs" "hello" "$out"
	check "$m: no fallback when bwrap can run" "" "$(grep -i landlock "$work/err")"
done

# Refused before anything runs, every reason with its line.
rm -f "$work/w-root/ran"
crl root ll-gaps -- /bin/sh -c 'echo >ran' >"$work/out" 2>"$work/err"
check "gaps: refused -> 125" 125 $?
check "gaps: nothing ran" no "$([ -e "$work/w-root/ran" ] && echo yes || echo no)"
check_has "gaps: says why it falls back" \
	"user namespaces are unavailable here (Operation not permitted), and the Landlock tier cannot apply bundle ll-gaps" \
	"$(cat "$work/err")"
gap() { # gap NEEDLE MESSAGE: the line "  LOC: MESSAGE", LOC where NEEDLE is
	check_has "gaps: $2" "  $(loc_of "$1"): $2" "$(cat "$work/err")"
}
gap "tmpfs /tmp" "tmpfs /tmp: a private tmpfs needs a mount namespace"
gap "proc  /proc" "proc /proc: a private /proc needs a pid and a mount namespace"
gap "ro    /etc/hostname" "ro /etc/hostname at /etc/other-name: showing a path in another place needs a mount namespace; bind it at its own path"
gap "dir   /made" "dir /made: an empty directory needs a mount namespace"
gap "file  /etc/note" "file /etc/note: contents from the bundle need a mount namespace"
gap "net loopback" "net loopback: a private loopback needs a network namespace"
gap "hostname box" "hostname box: needs a UTS namespace"
gap "uid 1000" "uid 1000: needs a user namespace"
check "gaps: one line per reason" 8 "$(grep -c '^  landlock.cell:' "$work/err")"

# Without user namespaces, no fallback unless allowed: the bwrap failure.
for how in "ll-nofallback" "ll-base --strict" "ll-base --fallback none"; do
	set -- $how
	b=$1
	shift
	rm -f "$work/w-root/ran"
	crl root "$b" "$@" -- /bin/sh -c 'echo >ran' >"$work/out" 2>"$work/err"
	check "$how: refuses -> 125" 125 $?
	check "$how: nothing ran" no "$([ -e "$work/w-root/ran" ] && echo yes || echo no)"
	check "$how: no Landlock tier" "" "$(grep 'under the Landlock tier' "$work/err")"
	check_has "$how: bwrap's failure is diagnosed" "cellrun: bwrap cannot create a user namespace" \
		"$(cat "$work/err")"
done

# The kernel's Landlock ABI, as cellrun finds it.
abi=$(crl root ll-base --dry-run -- /bin/true 2>/dev/null | sed -n 's/^# tier: landlock (Landlock ABI \([0-9]*\))$/\1/p')
if [ -z "$abi" ]; then
	crl root ll-base -- /bin/true >/dev/null 2>"$work/err"
	check_has "no Landlock: refused with the reason" "Landlock" "$(cat "$work/err")"
	echo "SKIP the rest: this kernel's Landlock cannot run ll-base ($(tail -1 "$work/err"))"
	echo "$pass passed, $fail failed"
	[ "$fail" -eq 0 ] && exit 77
	exit 1
fi
echo "Landlock ABI $abi"

# The ENOSPC variant: user.max_user_namespaces=0, in a child user namespace.
out=$(timeout -k 5 60 "$hostile" --userns-limit-zero -- "$cellrun" --param "WORKDIR=$work/w-root" \
	--param "ATTACK=$attack" --param "SHARED=$work/shared" "$ll/ll-base" \
	-- /bin/sh -c "cat $work/host/open 2>/dev/null || echo denied" 2>"$work/err")
check "ENOSPC: runs under the tier, contained" "denied" "$out"
check_has "ENOSPC: says why" \
	"user namespaces are unavailable here (No space left on device); running ll-base under the Landlock tier" \
	"$(cat "$work/err")"

# ---- the tier at work -----------------------------------------------------------

suite() { # suite MODE
	m=$1
	w=$(wdir "$m")
	who=$([ "$m" = root ] && echo 65534 || echo "$user")
	out=$(crl "$m" ll-base -- /bin/sh -c 'echo hello' 2>"$work/err")
	check "$m: runs" "hello" "$out"
	check_has "$m: says it runs under the Landlock tier" \
		"cellrun: user namespaces are unavailable here (Operation not permitted); running ll-base under the Landlock tier (Landlock ABI $abi" \
		"$(cat "$work/err")"
	check "$m: nothing else on stderr" 1 "$(wc -l <"$work/err")"

	# Filesystem: the control reads show the host allows what Landlock denies.
	check "$m: control: the host lets the user read it" "open-secret" \
		"$(as_user_of "$m" cat "$work/host/open")"
	check "$m: a file outside the policy is unreadable" "denied" \
		"$(crl "$m" ll-base -- /bin/sh -c "cat $work/host/open 2>/dev/null || echo denied" 2>/dev/null)"
	check "$m: /etc/passwd is unreadable" "denied" \
		"$(crl "$m" ll-base -- /bin/sh -c 'cat /etc/passwd 2>/dev/null || echo denied' 2>/dev/null)"
	check "$m: a directory outside cannot be listed" "denied" \
		"$(crl "$m" ll-base -- /bin/sh -c "ls $work/host >/dev/null 2>&1 && echo listed || echo denied" 2>/dev/null)"
	check "$m: writes outside the writable paths are refused" "refused refused refused" \
		"$(crl "$m" ll-base -- /bin/sh -c "
			(echo x >$work/host/drop/f) 2>/dev/null && echo written || echo refused
			(echo x >>$work/host/victim) 2>/dev/null && echo written || echo refused
			(echo x >$work/shared/f) 2>/dev/null && echo written || echo refused" 2>/dev/null |
			tr '\n' ' ' | sed 's/ $//')"
	check "$m: control: the host lets the user write there" "written" \
		"$(as_user_of "$m" sh -c "echo x >$work/host/drop/$m && echo written")"
	check "$m: the victim is intact" "victim" "$(cat "$work/host/victim")"
	check "$m: read-only paths are readable and executable" "ok" \
		"$(crl "$m" ll-base -- "$attack/fdscan" >/dev/null 2>&1 && echo ok)"
	crl "$m" ll-base -- /bin/sh -c 'echo from-inside >out' >/dev/null 2>&1
	check "$m: the writable path writes through" "from-inside" "$(cat "$w/out" 2>/dev/null)"
	check "$m: files created belong to the command's user" "$(id -u "$who")" "$(stat -c %u "$w/out")"
	check "$m: the policy's devices" "ok" \
		"$(crl "$m" ll-base -- /bin/sh -c 'head -c 4 /dev/urandom | od >/dev/null && echo x >/dev/null && echo ok' 2>/dev/null)"

	# Network under net none: the host's loopback and abstract sockets.
	p=$(next_port)
	timeout 10 "$attack/tcp" listen "$p" 4 >"$work/listen.out" 2>&1 &
	sleep 0.3
	check_has "$m: net none: TCP to the host's loopback fails" "failed" \
		"$(crl "$m" ll-base -- "$attack/tcp" connect "$p" 2>/dev/null)"
	check "$m: net host: the same connect succeeds" "connected" \
		"$(crl "$m" ll-host -- "$attack/tcp" connect "$p" 2>/dev/null)"
	wait
	name=cell-ll-$$-$m
	timeout 10 "$attack/abstract" listen "$name" 4 >"$work/listen.out" 2>&1 &
	sleep 0.3
	check_has "$m: net none: an abstract socket outside is unreachable" "failed" \
		"$(crl "$m" ll-base -- "$attack/abstract" connect "$name" 2>/dev/null)"
	check "$m: net host: the same abstract socket is reachable" "connected" \
		"$(crl "$m" ll-host -- "$attack/abstract" connect "$name" 2>/dev/null)"
	wait

	# Signals: a process of the same uid outside the sandbox.
	as_user_of "$m" sleep 30 &
	victim=$!
	sleep 0.2
	vpid=$(pgrep -P "$victim" sleep || echo "$victim")
	check "$m: cannot signal a process outside" "refused" \
		"$(crl "$m" ll-host -- /bin/sh -c "kill $vpid 2>/dev/null && echo sent || echo refused" 2>/dev/null)"
	check "$m: the process outside lives" "alive" "$(kill -0 "$vpid" 2>/dev/null && echo alive)"
	kill "$vpid" "$victim" 2>/dev/null
	wait

	# Seccomp: the bundle's filter, verdict for verdict.
	check "$m: deny returns the policy's errno" "Read-only file system" \
		"$(crl "$m" ll-base -- /bin/sh -c 'mkdir d 2>&1 | sed "s/.*: //"' 2>/dev/null)"
	crl "$m" ll-base -- /bin/sh -c 'cd /; echo survived' >"$work/kill.out" 2>"$work/kill.err"
	check "$m: kill rule exits 159" 159 $?
	check_has "$m: kill rule is reported as seccomp" \
		"cellrun: killed by seccomp (SIGSYS): a kill rule of the policy, or a call through a foreign architecture or the x32 ABI" "$(cat "$work/kill.err")"
	check "$m: nothing ran after the killed call" "" "$(cat "$work/kill.out")"

	# Descriptors, environment, working directory.
	check "$m: inherited fds do not cross" "none" \
		"$(exec 7</ 8<"$work/host/open"; crl "$m" ll-base -- "$attack/fdscan" 2>/dev/null)"
	check "$m: env cleared, kept, set" "kept unset $w" \
		"$(CR_ENV="CELLTEST_KEEP=kept FOO=leak" crl "$m" ll-base -- /bin/sh -c 'echo $CELLTEST_KEEP ${FOO:-unset} $HOME' 2>/dev/null)"
	check "$m: cwd" "$w" "$(crl "$m" ll-base -- /bin/pwd 2>/dev/null)"

	# Exit statuses.
	crl "$m" ll-base -- /bin/sh -c 'exit 3' 2>/dev/null
	check "$m: exit 3 -> 3" 3 $?
	crl "$m" ll-base -- /bin/sh -c 'kill -9 $$' 2>/dev/null
	check "$m: killed by 9 -> 137" 137 $?
	crl "$m" ll-base -- /nonexistent-command 2>"$work/enoent.err"
	check "$m: command not found -> 127" 127 $?
	check_has "$m: not found is explained" "could not be found" "$(cat "$work/enoent.err")"
	crl "$m" ll-base -- "$attack" 2>/dev/null
	check "$m: command not executable -> 126" 126 $?

	# Signals sent to cellrun reach the command.
	crl "$m" ll-base -- /bin/sh -c 'trap "echo got-TERM; exit 7" TERM; echo ready; sleep 20 & wait' \
		>"$work/trap.out" 2>/dev/null &
	crpid=$!
	i=0
	while [ "$i" -lt 50 ] && ! grep -q ready "$work/trap.out" 2>/dev/null; do
		sleep 0.1
		i=$((i + 1))
	done
	kill -TERM "$(cellrun_under "$crpid")"
	wait "$crpid"
	check "$m: TERM forwarded, the trap's exit status" 7 $?
	check_has "$m: the trap saw TERM" "got-TERM" "$(cat "$work/trap.out")"

	# What the command leaves running is killed when it ends.
	left=$(crl "$m" ll-base -- /bin/sh -c 'sleep 30 >/dev/null 2>&1 & echo $!' 2>/dev/null)
	check_true "$m: the command left a process ($left)" in_range "$left" 2 99999999
	sleep 0.3
	check "$m: nothing is left running" "gone" \
		"$(awk '$3 != "Z" {print "alive"}' /proc/"$left"/stat 2>/dev/null || true; echo gone)"

	# Rlimits are per process: the same for the user.
	out=$(crl "$m" ll-rlimit -- "$attack/nofile" 2>/dev/null)
	n=$(echo "$out" | sed -n 's/^opened \([0-9]*\) error EMFILE$/\1/p')
	check_true "$m: nofile 32 holds ($out)" in_range "$n" 20 29
	check "$m: fsize 1M holds" "wrote 1048576 error EFBIG" \
		"$(crl "$m" ll-rlimit -- "$attack/fill" big 8388608 2>/dev/null)"

	# Refusals that depend on the host, with their lines.
	crl "$m" ll-overlap -- /bin/true 2>"$work/err"
	check "$m: overlap refused" 125 $?
	check_has "$m: overlap names both rules" \
		"$(loc_of 'ro ${WORKDIR}/sub'): ro $w/sub: lies in rw $w ($(loc_of 'rw  ${WORKDIR}')), which grants more" \
		"$(cat "$work/err")"
	crl "$m" ll-root -- /bin/true 2>"$work/err"
	check "$m: ro / refused" 125 $?
	check_has "$m: ro / names the devices" "$(loc_of 'ro / }'): ro /: would show the host's device nodes" \
		"$(cat "$work/err")"
	crl "$m" ll-badlink -- /bin/true 2>"$work/err"
	check "$m: a link the host does not have is refused" 125 $?
	check_has "$m: the link's line" \
		"$(loc_of 'link /bin -> usr/sbin'): link /bin -> usr/sbin: on this host it links to usr/bin" \
		"$(cat "$work/err")"
	crl "$m" ll-mask -- /bin/true 2>"$work/err"
	check "$m: a mask inside a granted path is refused" 125 $?
	check_has "$m: the mask's line" "$(loc_of 'mask? /usr/share/doc'): mask? /usr/share/doc: lies in ro /usr" \
		"$(cat "$work/err")"

	# A policy without a fallback runs when cellrun is told it may.
	check "$m: --fallback landlock overrides the policy's none" "hello" \
		"$(crl "$m" ll-nofallback --fallback landlock -- /bin/echo hello 2>/dev/null)"
}

as_user_of() { # as_user_of MODE CMD...: as the user the command runs as
	if [ "$1" = root ]; then
		shift
		setpriv --reuid=65534 --regid=65534 --clear-groups "$@"
	else
		shift
		setpriv --reuid="$user" --regid="$user" --init-groups "$@"
	fi
}

suite root
suite user

# As root, the command runs as nobody, with no_new_privs, seccomp and a
# session of its own, and it is not under bwrap.
crl root ll-base -- /bin/sh -c 'exec sleep 7.77' 2>/dev/null &
sleeper=$!
sleep 1
sp=$(pgrep -n -f 'sleep 7.77')
check "root: the command is uid 65534 on the host" "65534 65534" \
	"$(awk '/^Uid:/ {print $2, $3}' /proc/"$sp"/status 2>/dev/null)"
check "root: no_new_privs and seccomp filter" "1 2" \
	"$(awk '/^NoNewPrivs:/ {n=$2} /^Seccomp:/ {s=$2} END {print n, s}' /proc/"$sp"/status 2>/dev/null)"
check "root: its parent is cellrun, not bwrap" "cellrun" "$(cat /proc/"$(awk '{print $4}' /proc/"$sp"/stat)"/comm)"
check "root: a session of its own" "$sp" "$(awk '{print $6}' /proc/"$sp"/stat)"
check "root: same user namespace as the host" "$(readlink /proc/self/ns/user)" "$(readlink /proc/"$sp"/ns/user)"
kill -TERM "$(cellrun_under "$sleeper")" 2>/dev/null
wait

# Limits for the sandbox as a whole (cgroups, as root).
crl root ll-memory --status-json "$work/st.json" -- "$attack/memhog" 256 >"$work/out" 2>"$work/err"
check "memory: killed -> 137" 137 $?
check_has "memory: reported as OOM" "cellrun: killed: memory limit 64M reached (OOM)" "$(cat "$work/err")"
check_has "memory: status reason oom" '"reason":"oom"' "$(cat "$work/st.json")"
out=$(crl root ll-pids -- "$attack/forkbomb" 500 2>/dev/null)
n=$(echo "$out" | sed -n 's/^forked \([0-9]*\) failed EAGAIN$/\1/p')
check_true "pids: the fork bomb stops at the limit ($out)" in_range "$n" 1 32
start=$(date +%s)
crl root ll-time -- "$attack/spin" 0 30 >/dev/null 2>"$work/err"
check "time: exit 124" 124 $?
took=$(($(date +%s) - start))
check_true "time: stopped within the limit and the grace ($took s)" in_range "$took" 1 6
check_has "time: message" "cellrun: timed out after 2s" "$(cat "$work/err")"
crl user ll-memory -- /bin/true >"$work/out" 2>"$work/err"
check "user: a memory limit it cannot enforce -> 125" 125 $?
check_has "user: the error names the fix" "best-effort" "$(cat "$work/err")"

# `cell run` hands the Landlock piece over too.
check "cell run: runs under the tier" "hello" \
	"$(cd "$work/w-root" && timeout 60 "$hostile" --block-userns -- "$cell" run "$policy" -p ll-base \
		--param "WORKDIR=$work/w-root" --param "ATTACK=$attack" --param "SHARED=$work/shared" \
		-- /bin/echo hello 2>/dev/null)"

finish

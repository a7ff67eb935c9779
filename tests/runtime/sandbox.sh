#!/bin/sh
# What a command run by cellrun can and cannot do, on the real kernel with
# the real bwrap, started by root and by an unprivileged user: filesystem,
# network, seccomp, inherited descriptors, uids, environment, exit codes and
# signal forwarding.
. "$(dirname "$0")/lib/common.sh"
skip_unless_root
ensure_user
setup

suite() { # suite MODE
	m=$1
	w=$(wdir "$m")
	check "$m: runs" "hello" "$(cr "$m" rt-base -- /bin/sh -c 'echo hello')"

	# Filesystem
	check "$m: outside the binds is hidden" "hidden" \
		"$(cr "$m" rt-base -- /bin/sh -c "cat $work/host/secret 2>/dev/null || echo hidden")"
	check "$m: /etc/passwd is not bound" "hidden" \
		"$(cr "$m" rt-base -- /bin/sh -c 'cat /etc/passwd 2>/dev/null || echo hidden')"
	check "$m: read-only bind refuses writes" "refused refused" \
		"$(cr "$m" rt-base -- /bin/sh -c '(echo x >/attack/x) 2>/dev/null && echo written || echo refused;
			(echo x >/etc/ro-file) 2>/dev/null && echo written || echo refused' | tr '\n' ' ' | sed 's/ $//')"
	cr "$m" rt-base -- /bin/sh -c 'echo from-inside >/work/out' >/dev/null 2>&1
	check "$m: read-write bind writes through" "from-inside" "$(cat "$w/out" 2>/dev/null)"
	out=$(cr "$m" rt-base -- /attack/fill /small/big 8388608)
	bytes=$(echo "$out" | sed -n 's/^wrote \([0-9]*\) error ENOSPC$/\1/p')
	check_true "$m: tmpfs size 1M stops at about 1M with ENOSPC ($out)" \
		in_range "$bytes" 786432 1179648
	check "$m: file contents from the manifest" "hello from the bundle" \
		"$(cr "$m" rt-base -- /bin/cat /etc/cell-note)"

	# Network: a listener on the host's loopback, outside the sandbox.
	p=$(next_port)
	timeout 10 "$attack/tcp" listen "$p" 4 >"$work/listen.out" 2>&1 &
	sleep 0.3
	check_has "$m: net none cannot reach the host's loopback" "failed" \
		"$(cr "$m" rt-base -- /attack/tcp connect "$p")"
	check_has "$m: net loopback cannot reach the host's loopback" "failed" \
		"$(cr "$m" rt-loopback -- /attack/tcp connect "$p")"
	check "$m: net loopback has a private loopback" "self ok" \
		"$(cr "$m" rt-loopback -- /attack/tcp self "$(next_port)")"
	check "$m: net host reaches the host's loopback" "connected" \
		"$(cr "$m" rt-host -- /attack/tcp connect "$p")"
	wait
	check "$m: the host listener saw the connection" "accepted" "$(cat "$work/listen.out")"

	# Seccomp
	check "$m: deny returns the policy's errno" "Read-only file system" \
		"$(cr "$m" rt-base -- /bin/sh -c 'mkdir /tmp/d 2>&1 | sed "s/.*: //"')"
	cr "$m" rt-base -- /bin/sh -c 'cd /tmp; echo survived' >"$work/kill.out" 2>"$work/kill.err"
	check "$m: kill rule exits 159" 159 $?
	check "$m: kill rule is reported as seccomp" \
		"cellrun: killed by seccomp (SIGSYS): a kill rule of the policy, or a call through a foreign architecture or the x32 ABI" "$(cat "$work/kill.err")"
	check "$m: nothing ran after the killed call" "" "$(cat "$work/kill.out")"

	# Descriptors: an open directory inherited by cellrun stays outside.
	check "$m: inherited fds do not cross" "none" \
		"$(exec 7</ 8<"$work/host/secret"; cr "$m" rt-base -- /attack/fdscan)"

	# Identity
	check "$m: hostname" "rt-host" "$(cr "$m" rt-base -- /bin/cat /proc/sys/kernel/hostname)"
	check "$m: uid and gid inside" "1000 1000" "$(cr "$m" rt-ids -- /bin/sh -c 'echo $(id -u) $(id -g)')"
	check "$m: /proc/sys/kernel is read-only" "refused refused" \
		"$(cr "$m" rt-base -- /bin/sh -c 'for f in hostname domainname; do
			(echo evil >/proc/sys/kernel/$f) 2>/dev/null && echo written || echo refused; done' |
			tr '\n' ' ' | sed 's/ $//')"

	# Environment
	check "$m: env cleared, kept, set" "kept unset /work" \
		"$(CELLTEST_KEEP=kept FOO=leak cr "$m" rt-base -- /bin/sh -c 'echo $CELLTEST_KEEP ${FOO:-unset} $HOME')"

	# Exit codes
	cr "$m" rt-base -- /bin/sh -c 'exit 3'
	check "$m: exit 3 -> 3" 3 $?
	cr "$m" rt-base -- /bin/sh -c 'kill -9 $$'
	check "$m: killed by 9 -> 137" 137 $?
	cr "$m" rt-base -- /nonexistent-command 2>"$work/enoent.err"
	check "$m: command not found -> 127" 127 $?
	check_has "$m: not found is explained" "could not be found" "$(cat "$work/enoent.err")"
	cr "$m" rt-base -- /attack 2>/dev/null
	check "$m: command not executable -> 126" 126 $?

	# Signals sent to cellrun reach the command.
	cr "$m" rt-base -- /bin/sh -c 'trap "echo got-TERM; exit 7" TERM; echo ready; sleep 20 & wait' \
		>"$work/trap.out" 2>&1 &
	crpid=$!
	i=0
	while [ "$i" -lt 50 ] && ! grep -q ready "$work/trap.out" 2>/dev/null; do
		sleep 0.1
		i=$((i + 1))
	done
	# $crpid is timeout(1) (or setpriv): signal the cellrun under it.
	target=$(cellrun_under "$crpid")
	kill -TERM "$target"
	wait "$crpid"
	check "$m: TERM forwarded, the trap's exit status" 7 $?
	check_has "$m: the trap saw TERM" "got-TERM" "$(cat "$work/trap.out")"
}

suite root
suite user

# As root, nothing in the sandbox is host root: a file it creates and its
# processes belong to nobody (or to --user).
uid_of() { stat -c %u "$1"; }
check "root: created files belong to nobody" 65534 "$(uid_of "$work/w-root/out")"
cr root rt-base -- /bin/sh -c 'exec sleep 7.77' &
sleeper=$!
sleep 1
sp=$(pgrep -n -f 'sleep 7.77')
check "root: sandbox process is uid 65534 on the host" "65534 65534" \
	"$(awk '/^Uid:/ {print $2, $3}' /proc/"$sp"/status 2>/dev/null)"
check "root: host view of its uid_map" "65534" "$(awk '{print $2}' /proc/"$sp"/uid_map 2>/dev/null)"
kill -TERM "$(cellrun_under "$sleeper")" 2>/dev/null
wait
check "root: uid_map inside maps one uid, never host root" "1" \
	"$(cr root rt-base -- /bin/cat /proc/self/uid_map | wc -l)"
chown "$user" "$work/w-root"
timeout 60 "$cellrun" --user "$user" --param "WORKDIR=$work/w-root" --param "ATTACK=$attack" \
	"$work/b/rt-base" -- /bin/sh -c 'echo x >/work/by-user'
check "root --user: files belong to that user" "$uid_of_user" "$(uid_of "$work/w-root/by-user")"
check "user: created files belong to the user" "$uid_of_user" "$(uid_of "$work/w-user/out")"

finish

#!/bin/sh
# The hardening baseline against real escapes. Each program of tests/escape/
# (built into escape/ next to ATTACK_DIR) attacks its sandbox from inside:
# a new user namespace, mount, TIOCSTI, io_uring, ptrace, bpf, a foreign
# ABI, ... It runs under the embedded default (`cell run`), the stock
# python-task policy and a loopback policy built on the baseline
# (tests/escape/escape.cell), as root and as an unprivileged user, and must
# be contained every time: refused, or killed for the x32 and i386 calls.
#
# The same programs then run in a control sandbox with no system call policy.
# There, every attack this kernel lets an unprivileged process make must
# escape: that is what shows the test can fail, and that the baseline, not
# the kernel, contains them. Each control result is printed, so the log says
# which attacks the kernel would refuse anyway, and with which errno.
. "$(dirname "$0")/lib/common.sh"
skip_unless_root
ensure_user

bin=$(realpath -m "$attack/../escape")

# NAME and what the baseline does to it.
attacks='userns_unshare contained
userns_clone contained
setns contained
mount contained
tiocsti contained
io_uring contained
ptrace contained
process_vm contained
bpf contained
perf_event contained
userfaultfd contained
keyring contained
kexec contained
module contained
open_by_handle contained
personality contained
netlink contained
packet contained
rawsock contained
vsock contained
clone3 contained
newmount contained
x32 killed
int80 killed'

# What escapes a sandbox without the baseline on any kernel cell supports,
# plus what this kernel's settings let through.
must_escape='userns_unshare userns_clone clone3 newmount keyring netlink personality process_vm ptrace userfaultfd'
[ "$(cat /proc/sys/kernel/io_uring_disabled 2>/dev/null || echo 0)" = 0 ] &&
	must_escape="$must_escape io_uring"
[ "$(cat /proc/sys/dev/tty/legacy_tiocsti 2>/dev/null || echo 1)" = 1 ] &&
	must_escape="$must_escape tiocsti"
[ "$(cat /proc/sys/kernel/perf_event_paranoid 2>/dev/null || echo 3)" -le 2 ] &&
	must_escape="$must_escape perf_event"

# Every built program is listed above, and every listed one was built.
listed=$(echo "$attacks" | awk '{print $1}' | sort | tr '\n' ' ')
built=$(ls "$bin" 2>/dev/null | sort | tr '\n' ' ')
check "the escape programs built are the ones listed" "$listed" "$built"

rm -rf "$work"
mkdir -p "$work/b" "$work/w"
cp "$bin"/* "$work/w/"
chmod 755 "$work" "$work/b" "$work/w" "$work/w"/*
for f in policies/examples/python-task.cell tests/escape/escape.cell; do
	"$cell" compile "$src/$f" -o "$work/b" >>"$work/compile.log" 2>&1 ||
		{ cat "$work/compile.log"; echo "0 passed, 1 failed"; exit 1; }
done

# launch MODE POLICY NAME: the program NAME in a sandbox of POLICY ("default"
# is the embedded default through `cell run`), started by root or by $user.
launch() {
	mode=$1 policy=$2 name=$3
	if [ "$policy" = default ]; then
		set -- env CELLRUN="$cellrun" "$cell" run -- "./$name"
	elif [ "$mode" = user ] && [ "$policy" = python-task ]; then
		# Its cgroup limits need root: as a user they fall back to rlimits.
		set -- "$cellrun" --best-effort --param "WORKDIR=$work/w" "$work/b/$policy" -- "/work/$name"
	else
		set -- "$cellrun" --param "WORKDIR=$work/w" "$work/b/$policy" -- "/work/$name"
	fi
	if [ "$mode" = root ]; then
		(cd "$work/w" && timeout -k 5 60 "$@")
	else
		(cd "$work/w" && timeout -k 5 60 setpriv --reuid="$user" --regid="$user" --init-groups "$@")
	fi
}

# outcome STATUS OUTPUT NAME: contained, killed, escaped, refused-otherwise or broken.
outcome() {
	case $1 in
	0) case $2 in "$3: contained:"*) echo contained ;; *) echo "broken: $2" ;; esac ;;
	1) echo escaped ;;
	3) echo refused-otherwise ;;
	159) echo killed ;;
	*) echo "broken: exit $1" ;;
	esac
}

for mode in root user; do
	for policy in default python-task escape-loopback; do
		echo "$attacks" | while read -r name want; do
			out=$(launch "$mode" "$policy" "$name" 2>"$work/err")
			got=$(outcome $? "$out" "$name")
			if [ "$policy" = escape-loopback ]; then
				echo "$out" >"$work/with.$mode.$name"
				echo "$mode, $policy: ${out:-$name: $got}"
			fi
			check "$mode, $policy: $name [$out] [$(cat "$work/err")]" "$want" "$got"
			echo "$pass $fail" >"$work/counts"
		done
		read -r pass fail <"$work/counts"
	done
	echo "$attacks" | while read -r name want; do
		out=$(launch "$mode" escape-control "$name" 2>"$work/err")
		got=$(outcome $? "$out" "$name")
		echo "$mode, without the baseline: ${out:-$name: $got}"
		if [ -n "$out" ] && [ "$got" != escaped ] && [ "$out" = "$(cat "$work/with.$mode.$name")" ]; then
			echo "  note: the kernel refuses $name here with the same answer as the baseline"
		fi
		case " $must_escape " in
		*" $name "*) check "$mode, without the baseline: $name escapes [$out]" escaped "$got" ;;
		esac
		echo "$pass $fail" >"$work/counts"
	done
	read -r pass fail <"$work/counts"
done

finish

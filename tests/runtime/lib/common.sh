# common.sh - sourced by tests/runtime/*.sh: arguments, checks, the test
# user, compiling the test bundles, and running cellrun with timeouts.
# usage of a driver: sh SCRIPT CELL CELLRUN SOURCE_DIR WORK_DIR ATTACK_DIR
set -u
cell=$1
cellrun=$2
src=$3
work=$(realpath -m "$4")
attack=$(realpath -m "$5")
pass=0
fail=0
user=celltest

check() { # check NAME EXPECTED ACTUAL
	if [ "$2" = "$3" ]; then
		pass=$((pass + 1))
	else
		printf 'FAIL %s: expected [%s], got [%s]\n' "$1" "$2" "$3"
		fail=$((fail + 1))
	fi
}

check_has() { # check_has NAME NEEDLE HAYSTACK
	case "$3" in
	*"$2"*) pass=$((pass + 1)) ;;
	*)
		printf 'FAIL %s: [%s] not in [%s]\n' "$1" "$2" "$3"
		fail=$((fail + 1))
		;;
	esac
}

check_true() { # check_true NAME COMMAND...
	name=$1
	shift
	if "$@"; then
		pass=$((pass + 1))
	else
		printf 'FAIL %s: [%s] is false\n' "$name" "$*"
		fail=$((fail + 1))
	fi
}

in_range() { # in_range N LOW HIGH: N is a number between LOW and HIGH
	case "$1" in '' | *[!0-9]*) return 1 ;; esac
	[ "$1" -ge "$2" ] && [ "$1" -le "$3" ]
}

finish() {
	echo "$pass passed, $fail failed"
	[ "$fail" -eq 0 ]
	exit $?
}

skip_unless_root() {
	if [ "$(id -u)" -ne 0 ]; then
		echo "skipped: needs root (to create and use the unprivileged test user)"
		echo "0 passed, 0 failed"
		exit 0
	fi
}

# The unprivileged test user, created when missing.
ensure_user() {
	id "$user" >/dev/null 2>&1 || useradd --system --no-create-home --shell /usr/sbin/nologin "$user"
	uid_of_user=$(id -u "$user")
}

# Fresh work tree: compiled bundles in $work/b, a work directory per mode
# (bwrap runs as nobody when cellrun is root, as $user otherwise).
setup() {
	rm -rf "$work"
	mkdir -p "$work/b" "$work/w-root" "$work/w-user" "$work/host"
	chmod 755 "$work" "$work/b"
	chown 65534:65534 "$work/w-root"
	chown "$user:$user" "$work/w-user"
	echo host-secret >"$work/host/secret"
	chmod 600 "$work/host/secret"
	"$cell" compile "$src/tests/runtime/policies/runtime.cell" -o "$work/b" >"$work/compile.log" 2>&1 ||
		{ cat "$work/compile.log"; echo "0 passed, 1 failed"; exit 1; }
}

# cr MODE BUNDLE [CELLRUN-OPTIONS...] -- CMD...: cellrun as root or as the
# test user, with both params, bounded in time. MODE is root or user.
cr() {
	mode=$1
	bundle=$2
	shift 2
	if [ "$mode" = root ]; then
		timeout -k 5 60 "$cellrun" --param "WORKDIR=$work/w-root" --param "ATTACK=$attack" \
			"$work/b/$bundle" "$@"
	else
		timeout -k 5 60 setpriv --reuid="$user" --regid="$user" --init-groups \
			"$cellrun" --param "WORKDIR=$work/w-user" --param "ATTACK=$attack" \
			"$work/b/$bundle" "$@"
	fi
}

wdir() { # the host directory bound at /work for MODE
	[ "$1" = root ] && echo "$work/w-root" || echo "$work/w-user"
}

# A free-looking port: distinct per call, in a range nothing else here uses.
port_seq=0
next_port() {
	port_seq=$((port_seq + 1))
	echo $((42000 + ($$ % 1000) * 10 + port_seq))
}

# The pid of the cellrun process started under PID (a subshell, timeout(1),
# setpriv...). Never "the newest cellrun on the machine": other tests may be
# running their own.
cellrun_under() {
	pids=$1
	while [ -n "$pids" ]; do
		next=""
		for p in $pids; do
			if [ "$(cat "/proc/$p/comm" 2>/dev/null)" = cellrun ]; then
				echo "$p"
				return 0
			fi
			next="$next $(pgrep -P "$p" | tr '\n' ' ')"
		done
		pids=$(echo $next)
	done
	return 1
}

#!/bin/sh
# startup.sh - how much does cellrun add to starting a sandbox?
#
#   bench/startup.sh [CELL [CELLRUN [ITERATIONS]]]
#
# Compiles $POLICY (default policies/examples/demo.cell), then runs ITERATIONS (default 200)
# interleaved pairs of
#   cellrun out/demo -- /bin/true
#   bwrap --args 3 --seccomp 4 -- /bin/true 3<out/demo.args 4<out/demo.bpf
# (the same options and the same filter; alternating which goes first), each
# timed with CLOCK_MONOTONIC by bench/timer.c, and prints the medians, the
# 90th percentiles and the ratio. As root, the bare bwrap runs under the uid
# cellrun drops to (nobody), and cellrun creates its cgroups, so the cgroup
# set-up and removal are part of what is measured.
# Then it measures what cellrun itself costs, bwrap aside: cellrun driving
# a bwrap that does nothing (bench/noop-bwrap.c), against that no-op alone,
# and the price of one process start on this machine (a static no-op).
# Defaults: CELL=build/cell, CELLRUN=build/runtime/cellrun, BWRAP=$(command -v bwrap).
set -eu

here=$(cd "$(dirname "$0")" && pwd)
top=$(dirname "$here")
cell=${1:-$top/build/cell}
cellrun=${2:-$top/build/runtime/cellrun}
iterations=${3:-200}
bwrap=${BWRAP:-$(command -v bwrap || true)}

die() {
	echo "startup.sh: $*" >&2
	exit 1
}

[ -x "$cell" ] || die "no cell at $cell (build it, or pass its path as the first argument)"
[ -x "$cellrun" ] || die "no cellrun at $cellrun (build it, or pass its path as the second argument)"
[ -n "$bwrap" ] && [ -x "$bwrap" ] || die "no bwrap on PATH (or set BWRAP)"
"$cellrun" --help >/dev/null 2>&1 || die "$cellrun --help failed: is cellrun complete?"
case $iterations in '' | *[!0-9]*) die "ITERATIONS must be a number, not '$iterations'" ;; esac

# Not under /tmp: cellrun refuses a bundle in a directory others may write.
work=$(mktemp -d "$(cd "$(dirname "$cellrun")" && pwd)/bench-work.XXXXXX")
trap 'rm -rf "$work"' EXIT INT TERM

${CC:-cc} -O2 -Wall -Wextra -Werror -o "$work/timer" "$here/timer.c" || die "cannot build timer.c"
policy=${POLICY:-$top/policies/examples/demo.cell}
"$cell" compile "$policy" -o "$work/out" >"$work/compile.log" 2>&1 ||
	die "cell compile failed: $(cat "$work/compile.log")"
bundle=$(ls "$work"/out/*.manifest | head -n 1)
bundle=${bundle%.manifest}

drop=
if [ "$(id -u)" = 0 ]; then
	drop="--uid $(id -u nobody) --gid $(id -g nobody)"
fi

run_cellrun() {
	"$work/timer" -- "$cellrun" "$bundle" -- /bin/true >>"$work/cellrun.ns" 2>>"$work/cellrun.err"
}
run_bwrap() {
	# shellcheck disable=SC2086 # $drop is two options or nothing
	"$work/timer" $drop -- "$bwrap" --args 3 --seccomp 4 -- /bin/true \
		3<"$bundle.args" 4<"$bundle.bpf" >>"$work/bwrap.ns" 2>>"$work/bwrap.err"
}

# Once each, untimed: both must work before the numbers mean anything.
run_cellrun || die "cellrun failed: $(cat "$work/cellrun.err")"
run_bwrap || die "bare bwrap failed: $(cat "$work/bwrap.err")"
: >"$work/cellrun.ns"
: >"$work/bwrap.ns"

i=0
while [ "$i" -lt "$iterations" ]; do
	if [ $((i % 2)) -eq 0 ]; then
		run_cellrun || die "cellrun failed at iteration $i: $(tail -n 3 "$work/cellrun.err")"
		run_bwrap || die "bwrap failed at iteration $i: $(tail -n 3 "$work/bwrap.err")"
	else
		run_bwrap || die "bwrap failed at iteration $i: $(tail -n 3 "$work/bwrap.err")"
		run_cellrun || die "cellrun failed at iteration $i: $(tail -n 3 "$work/cellrun.err")"
	fi
	i=$((i + 1))
done

# quantile FILE Q: the Q-quantile (0..1) of the nanosecond samples, in ms.
quantile() {
	sort -n "$1" | awk -v q="$2" '{ v[NR] = $1 }
		END {
			if (NR == 0) exit 1
			pos = q * (NR - 1) + 1; lo = int(pos); hi = (lo < NR) ? lo + 1 : lo
			printf "%.3f", (v[lo] + (pos - lo) * (v[hi] - v[lo])) / 1e6
		}'
}

c50=$(quantile "$work/cellrun.ns" 0.5)
c90=$(quantile "$work/cellrun.ns" 0.9)
b50=$(quantile "$work/bwrap.ns" 0.5)
b90=$(quantile "$work/bwrap.ns" 0.9)
echo "start-up of /bin/true under ${policy#$top/}, $iterations interleaved runs each"
echo "uid $(id -u); bwrap $("$bwrap" --version 2>/dev/null | awk '{print $2}'); kernel $(uname -r)"
printf '%-12s median %8s ms   p90 %8s ms\n' "cellrun" "$c50" "$c90"
printf '%-12s median %8s ms   p90 %8s ms\n' "bare bwrap" "$b50" "$b90"
awk -v c="$c50" -v b="$b50" 'BEGIN {
	printf "ratio (medians) %.2f; cellrun adds %.3f ms\n", c / b, c - b }'

# What cellrun itself costs, bwrap aside: cellrun driving a bwrap that does
# nothing (bench/noop-bwrap.c) against that no-op started directly. The
# difference is cellrun's own work: one more process start (its own exec and
# the fork of bwrap), reading and checking the bundle, the memfds, and the
# supervision. `floor` is a static no-op program started by the same timer:
# the price of one process start on this machine, which no separate runtime
# can avoid.
${CC:-cc} -O2 -Wall -Wextra -Werror -o "$work/noop-bwrap" "$here/noop-bwrap.c" || die "cannot build noop-bwrap.c"
${CC:-cc} -O2 -static -o "$work/floor" -x c - <<'FLOOR' || die "cannot build the static no-op"
int main(void) { return 0; }
FLOOR
chmod 755 "$work" # as root, cellrun starts bwrap as nobody
: >"$work/own.ns"
: >"$work/noop.ns"
: >"$work/floor.ns"
i=0
while [ "$i" -lt "$iterations" ]; do
	CELL_BWRAP="$work/noop-bwrap" "$work/timer" -- "$cellrun" "$bundle" -- /bin/true >>"$work/own.ns" 2>>"$work/own.err" ||
		die "cellrun with the no-op bwrap failed: $(tail -n 3 "$work/own.err")"
	"$work/timer" -- "$work/noop-bwrap" >>"$work/noop.ns" 2>/dev/null
	"$work/timer" -- "$work/floor" >>"$work/floor.ns" 2>/dev/null
	i=$((i + 1))
done
o50=$(quantile "$work/own.ns" 0.5)
n50=$(quantile "$work/noop.ns" 0.5)
f50=$(quantile "$work/floor.ns" 0.5)
awk -v o="$o50" -v n="$n50" -v f="$f50" 'BEGIN {
	printf "cellrun with a no-op bwrap: median %.3f ms; the no-op alone %.3f ms\n", o, n
	printf "cellrun'"'"'s own cost %.3f ms; one process start (static no-op) %.3f ms\n", o - n, f }'

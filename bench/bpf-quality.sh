#!/bin/sh
# bpf-quality.sh - how good are the filters cell emits?
#
#   bench/bpf-quality.sh [CELL]        (default: build/cell)
#
# For the stock policies and bench/docker-like.cell (a Docker-default-sized
# allow-list), prints two Markdown tables:
#  1. the program's length, and the mean and worst instructions it executes
#     over every syscall number of x86_64, with how many of those numbers
#     the kernel's action cache serves without running the filter at all;
#  2. the same weighed by real workloads: the syscall mixes recorded from a
#     compiler run, a Python import, git status and a tar (bench/mixes/,
#     re-recorded by bench/record-mixes.sh): the mean instructions per call,
#     the mean once the calls the kernel's action cache serves count as none
#     (Linux 5.11+ runs no filter for them), the worst syscall of the mix and
#     the share of calls the cache serves.
# Everything is computed by `cell explain` with the seccomp simulator
# (compiler/bpf_sim.h) on the emitted program; arguments are 0, as strace -c
# records none. Nothing is run under a filter, so the numbers do not depend
# on the machine's load.
set -eu

here=$(cd "$(dirname "$0")" && pwd)
top=$(dirname "$here")
cell=${1:-$top/build/cell}
[ -x "$cell" ] || { echo "bpf-quality.sh: no cell at $cell (build it, or pass its path)" >&2; exit 1; }

policies="policies/default.cell policies/examples/demo.cell policies/examples/python-task.cell
bench/docker-like.cell"
mixes="compile python git tar"

mix_args=""
for m in $mixes; do
	mix_args="$mix_args --mix $here/mixes/$m.txt"
done

echo "| policy | instructions | mean over all syscalls | worst | action cache serves |"
echo "| --- | --- | --- | --- | --- |"
for p in $policies; do
	"$cell" explain "$top/$p" 2>/dev/null | awk -v p="$p" '
		/^program: / { len = $2 }
		/^  over [0-9]+ syscalls: mean / {
			n = $2; mean = $5; sub(/,$/, "", mean); worst = $7 " " $9
		}
		/^  action cache: / { cached = $3 " of " $5 " syscalls" }
		END { printf "| `%s` | %s | %s | %s | %s |\n", p, len, mean, worst, cached }'
done

echo
echo "| policy | mix | mean instructions per call | mean with the action cache | worst | calls the cache serves |"
echo "| --- | --- | --- | --- | --- | --- |"
for p in $policies; do
	# $mix_args is a list of words by design.
	# shellcheck disable=SC2086
	"$cell" explain "$top/$p" $mix_args 2>/dev/null | awk -v p="$p" '
		/^  mix .* on x86_64: / {
			mix = $2; sub(/.*\//, "", mix); sub(/\.txt$/, "", mix)
			line = $0
			sub(/.*: mean /, "", line)   # "15.8, worst 110 (ioctl) instructions; action cache: ..."
			split(line, f, /[ ,;]+/)
			cached = line; sub(/.*action cache: /, "", cached); sub(/ of calls.*/, "", cached)
			with = line; sub(/.*, mean /, "", with); sub(/ with it.*/, "", with)
			printf "| `%s` | %s | %s | %s | %s %s | %s |\n", p, mix, f[1], with, f[3], f[4], cached
		}'
done
echo
echo "(calls per mix: $(for m in $mixes; do printf '%s %s, ' "$m" "$(awk '!/^#/ { n += $1 } END { print n }' "$here/mixes/$m.txt")"; done | sed 's/, $//'))"

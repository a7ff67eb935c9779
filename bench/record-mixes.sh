#!/bin/sh
# record-mixes.sh - records the syscall mixes bench/bpf-quality.sh weighs
# filters with: how many times real programs make each system call, as
# `strace -f -c` counts them, children included.
#
#   bench/record-mixes.sh [OUTDIR]        (default: bench/mixes)
#
# Four workloads, each run once, outside any sandbox, on this checkout:
#   compile.txt  cc -O2 compiling and linking bench/timer.c (driver, cc1, as, ld)
#   python.txt   python3 importing json, email, http.client, asyncio, sqlite3, decimal
#   git.txt      git status in this checkout
#   tar.txt      tar -cf of compiler/, docs/, policies/ and tests/ into a temporary file
# Each file says how and where it was recorded; the format is one
# "COUNT SYSCALL" line per system call (cell explain --mix reads it).
# Needs strace (5.15 or later, for -U), cc, python3, git and tar.
set -eu

here=$(cd "$(dirname "$0")" && pwd)
top=$(dirname "$here")
out=${1:-$here/mixes}

die() {
	echo "record-mixes.sh: $*" >&2
	exit 1
}

for tool in strace cc git tar; do
	command -v "$tool" >/dev/null || die "$tool is not installed"
done
# The interpreter itself, not a shim script (pyenv's would add a shell's calls).
python=/usr/bin/python3
[ -x "$python" ] || python=$(command -v python3) || die "python3 is not installed"
git -C "$top" rev-parse --git-dir >/dev/null 2>&1 || die "$top is not a git checkout"

mkdir -p "$out"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT INT TERM

# record NAME DESCRIPTION CMD...: runs CMD under strace and writes NAME.txt.
record() {
	name=$1
	description=$2
	shift 2
	strace -f -c -U calls,name -o "$tmp/$name.strace" -- "$@" >/dev/null 2>"$tmp/$name.err" ||
		{ cat "$tmp/$name.err" >&2; die "$name: '$*' failed"; }
	{
		echo "# $name.txt - $description: the system calls strace -f -c counted."
		echo "# Recorded by bench/record-mixes.sh on $(date -u +%Y-%m-%d), Linux $(uname -r) $(uname -m),"
		echo "# $(strace -V | head -n 1 | sed 's/ -- version//'), in the checkout's top directory:"
		echo "#   $(echo "$*" | sed "s|$tmp|TMP|g; s|$top|.|g")"
		echo "# COUNT SYSCALL"
		# Drop the header, the rulers and the total; most frequent first.
		awk '$1 ~ /^[0-9]+$/ && $2 != "total" { print $1, $2 }' "$tmp/$name.strace" |
			sort -k1,1nr -k2,2
	} >"$tmp/$name.txt"
	[ "$(grep -vc '^#' "$tmp/$name.txt")" -gt 0 ] || die "$name: strace counted nothing"
	mv "$tmp/$name.txt" "$out/$name.txt"
	echo "recorded $out/$name.txt ($(awk '!/^#/ { n += $1 } END { print n }' "$out/$name.txt") calls)"
}

record compile "one compiler run (cc -O2 of bench/timer.c, compiled and linked)" \
	cc -O2 -o "$tmp/timer" "$top/bench/timer.c"
record python "a Python import (json, email, http.client, asyncio, sqlite3, decimal)" \
	env PYTHONDONTWRITEBYTECODE=1 "$python" -I -c \
	'import json, email.parser, http.client, asyncio, sqlite3, decimal'
record git "git status in the cell checkout" \
	git -C "$top" status --porcelain
record tar "a tar of a directory (compiler, docs, policies and tests of the checkout)" \
	tar -cf "$tmp/tree.tar" -C "$top" compiler docs policies tests

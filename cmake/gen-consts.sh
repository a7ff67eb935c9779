#!/bin/sh
# gen-consts.sh OUTPUT.c WORKDIR
#
# Writes OUTPUT.c: the errno values and the symbolic constants (AF_*, CLONE_*,
# TIOCSTI, ...) a policy may name, with the values this machine's headers give
# them. Nothing is typed by hand: the names come from the preprocessor (object-
# like macros via `$CC -dM -E`, enumerators parsed from `$CC -E`), the values
# from a probe program that the compiler itself evaluates.
#
# Each header is probed in its own translation unit, because some of them
# cannot be included together (glibc and the kernel's uapi headers define the
# same structs). When two headers disagree on a name, the first one listed
# below wins. A name is kept only when it is an integer constant expression of
# integer type: pointers (MAP_FAILED, SIG_DFL), strings and run-time values
# (SIGRTMIN, SIGSTKSZ) are dropped, and a macro that does not even compile on
# its own (TCGETS2 needs struct termios2) is removed and the unit rebuilt.
#
# POSIX sh. Needs CC in the environment (cc otherwise). Fails non-zero when the
# compiler fails for any reason it cannot attribute to a single macro.
set -eu

if [ $# -ne 2 ]; then
	echo "usage: gen-consts.sh OUTPUT.c WORKDIR" >&2
	exit 2
fi
output=$1
workdir=$2
cc=${CC:-cc}
dir=$workdir/gen-consts.d

die() {
	echo "gen-consts.sh: error: $*" >&2
	exit 1
}

# The headers, in priority order. Kind: errno (E* names), const (the prefixes
# below), personality (the prefixes plus every enumerator: the personality
# flags are an enum without macros). "optional" headers may be missing. A
# fourth field names a header to include first, for a header that uses what
# it does not include (linux/seccomp.h builds its ioctl numbers with _IOW).
headers='errno.h errno required
sys/socket.h const required
netinet/in.h const required
sched.h const required
linux/sched.h const required
sys/mman.h const required
fcntl.h const required
sys/ioctl.h const required
termios.h const required
sys/prctl.h const required
sys/personality.h personality required
sys/mount.h const required
signal.h const required
sys/stat.h const required
linux/netlink.h const required
linux/futex.h const required
sys/resource.h const required
sys/random.h const required
sys/eventfd.h const required
sys/timerfd.h const required
sys/inotify.h const required
linux/seccomp.h const required linux/ioctl.h
linux/vm_sockets.h const required
linux/keyctl.h const optional'

errno_re='^E[A-Z0-9]+$'
const_prefixes='AF_|PF_|SOCK_|IPPROTO_|SOL_|SO_|MSG_|CLONE_|PROT_|MAP_|O_|AT_|F_|FD_|TIOC|FIO|TC'
const_prefixes="$const_prefixes|PR_|PER_|ADDR_|MS_|MNT_|SIG|S_I|FUTEX_|MADV_|RLIMIT_|GRND_|EFD_"
const_prefixes="$const_prefixes|IN_|TFD_|SECCOMP_|NETLINK_|KEYCTL_|SCHED_"
const_re="^($const_prefixes)[A-Za-z0-9_]*\$"

# Lines of a probe unit before the first probe (see write_unit).
prologue_lines=4
max_rebuilds=10

rm -rf "$dir"
mkdir -p "$dir" || die "cannot create $dir"

# Prints the enumerator names declared in preprocessed C on stdin. A small
# state machine over tokens, enough for the plain enums of system headers.
list_enumerators() {
	awk '
	/^#/ { next }
	{
		line = $0
		while (length(line) > 0) {
			if (match(line, /^[ \t\r]+/)) { line = substr(line, RLENGTH + 1); continue }
			if (match(line, /^[A-Za-z_][A-Za-z0-9_]*/)) kind = "id"
			else if (match(line, /^[0-9][A-Za-z0-9_.]*/)) kind = "num"
			else if (match(line, /^"([^"\\]|\\.)*"/)) kind = "str"
			else if (match(line, /^'\''([^'\''\\]|\\.)*'\''/)) kind = "str"
			else { RSTART = 1; RLENGTH = 1; kind = "punct" }
			tok = substr(line, 1, RLENGTH)
			line = substr(line, RLENGTH + 1)
			token(tok, kind)
		}
	}
	function token(tok, kind) {
		if (state == 0) {
			if (tok == "enum") { state = 1; tagged = 0 }
		} else if (state == 1) {
			if (tok == "{") { state = 2; depth = 0; expect = 1 }
			else if (kind == "id" && !tagged) tagged = 1
			else state = 0
		} else if (depth == 0 && tok == "}") {
			state = 0
		} else if (tok == "(" || tok == "{" || tok == "[") {
			depth++; expect = 0
		} else if (tok == ")" || tok == "}" || tok == "]") {
			depth--
		} else if (depth == 0 && tok == ",") {
			expect = 1
		} else {
			if (expect && kind == "id") print tok
			expect = 0
		}
	}'
}

# write_unit INDEX HEADER KIND NAMES_FILE: a translation unit that includes
# only HEADER (through include_INDEX.c, which the names came from) and probes
# each name on its own line, so that a compiler error can be traced back to
# one name.
write_unit() {
	{
		printf '#include "include_%s.c"\n' "$1"
		printf '#include "probe.h"\n'
		printf 'void cell_probe_%s(void)\n' "$1"
		printf '{\n'
		while read -r name; do
			printf 'CELL_PROBE("%s", %s, "%s", "%s");\n' "$3" "$name" "$name" "$2"
		done <"$4"
		printf '}\n'
	} >"$dir/probe_$1.c"
}

# compile_unit INDEX: compiles probe_INDEX.c, deleting the probes the compiler
# rejects until it compiles. Dies when an error cannot be pinned on a probe.
compile_unit() {
	unit=probe_$1.c
	attempt=0
	while ! (cd "$dir" && $cc -w -c -o "probe_$1.o" "$unit") 2>"$dir/probe_$1.err"; do
		attempt=$((attempt + 1))
		if [ "$attempt" -gt "$max_rebuilds" ]; then
			cat "$dir/probe_$1.err" >&2
			die "$unit still fails after removing $max_rebuilds rounds of names"
		fi
		last=$(wc -l <"$dir/$unit")
		bad=$(grep -o "$unit:[0-9][0-9]*" "$dir/probe_$1.err" | sed 's/.*://' |
			awk -v first="$((prologue_lines + 1))" -v last="$last" \
				'$1 >= first && $1 < last' | sort -un | tr '\n' ' ')
		if [ -z "$bad" ]; then
			cat "$dir/probe_$1.err" >&2
			die "$unit fails outside of any probe: the compiler cannot use this header"
		fi
		awk -v bad=" $bad" 'index(bad, " " NR " ") == 0' "$dir/$unit" >"$dir/$unit.tmp"
		mv "$dir/$unit.tmp" "$dir/$unit"
	done
}

cat >"$dir/probe.h" <<'EOF'
/* Generated by gen-consts.sh: the probe a unit runs for each candidate name. */
void cell_emit(const char *kind, const char *name, const char *header, int keep,
	       unsigned long long value);
#define CELL_INTEGER_TYPE(x)                                                                     \
	_Generic((x), char: 1, signed char: 1, unsigned char: 1, short: 1, unsigned short: 1,    \
		 int: 1, unsigned int: 1, long: 1, unsigned long: 1, long long: 1,               \
		 unsigned long long: 1, default: 0)
/* Only the selected branch is evaluated; the others need merely to be valid,
 * which (x) always is. A pointer selects default and is never converted. */
#define CELL_INTEGER_VALUE(x)                                                                    \
	_Generic((x), char: (x), signed char: (x), unsigned char: (x), short: (x),               \
		 unsigned short: (x), int: (x), unsigned int: (x), long: (x), unsigned long: (x), \
		 long long: (x), unsigned long long: (x), default: 0)
#define CELL_PROBE(kind, x, name, header)                                                        \
	cell_emit(kind, name, header, CELL_INTEGER_TYPE(x) && __builtin_constant_p(x),         \
		  (unsigned long long)CELL_INTEGER_VALUE(x))
EOF

cat >"$dir/emit.c" <<'EOF'
#include <limits.h>
#include <stdio.h>
#include <string.h>
void cell_emit(const char *kind, const char *name, const char *header, int keep,
	       unsigned long long value);
void cell_emit(const char *kind, const char *name, const char *header, int keep,
	       unsigned long long value)
{
	if (!keep)
		return;
	if (strcmp(kind, "errno") == 0) {
		long long v = (long long)value;
		if (v > 0 && v <= INT_MAX)
			printf("errno %s %lld %s\n", name, v, header);
	} else {
		printf("const %s 0x%llx %s\n", name, value, header);
	}
}
EOF

# Collect the names each header offers and build one probe unit per header.
index=0
units=''
printf '%s\n' "$headers" >"$dir/headers.txt"
while read -r header kind presence prerequisite; do
	index=$((index + 1))
	case $kind in
	errno | const | personality) ;;
	*) die "unknown kind '$kind' for <$header>" ;;
	esac
	{
		printf '#define _GNU_SOURCE 1\n'
		[ -z "$prerequisite" ] || printf '#include <%s>\n' "$prerequisite"
		printf '#include <%s>\n' "$header"
	} >"$dir/include_$index.c"
	if ! $cc -E -dM "$dir/include_$index.c" >"$dir/macros_$index.txt" 2>"$dir/include_$index.err" ||
		! $cc -E "$dir/include_$index.c" >"$dir/pp_$index.txt" 2>>"$dir/include_$index.err"; then
		if [ "$presence" = optional ]; then
			echo "gen-consts.sh: note: skipping optional <$header>: it does not preprocess" >&2
			continue
		fi
		cat "$dir/include_$index.err" >&2
		die "cannot preprocess <$header> with $cc"
	fi
	# Object-like macros with a non-empty body: "#define NAME BODY".
	sed -n 's/^#define \([A-Za-z_][A-Za-z0-9_]*\) .*[^ ].*$/\1/p' "$dir/macros_$index.txt" \
		>"$dir/candidates_$index.txt"
	list_enumerators <"$dir/pp_$index.txt" >"$dir/enums_$index.txt"
	case $kind in
	errno)
		cat "$dir/candidates_$index.txt" "$dir/enums_$index.txt" | grep -E "$errno_re" ;;
	const)
		cat "$dir/candidates_$index.txt" "$dir/enums_$index.txt" | grep -E "$const_re" ;;
	personality)
		{
			grep -E "$const_re" "$dir/candidates_$index.txt" || true
			cat "$dir/enums_$index.txt"
		} ;;
	esac | LC_ALL=C sort -u >"$dir/names_$index.txt"
	if [ ! -s "$dir/names_$index.txt" ]; then
		echo "gen-consts.sh: note: <$header> offers no names" >&2
		continue
	fi
	write_unit "$index" "$header" "$kind" "$dir/names_$index.txt"
	compile_unit "$index"
	units="$units $index"
done <"$dir/headers.txt"

[ -n "$units" ] || die "no header produced any name"

{
	for i in $units; do
		printf 'void cell_probe_%s(void);\n' "$i"
	done
	printf 'int main(void)\n{\n'
	for i in $units; do
		printf '\tcell_probe_%s();\n' "$i"
	done
	printf '\treturn 0;\n}\n'
} >"$dir/main.c"

objects=''
for i in $units; do
	objects="$objects probe_$i.o"
done
# $objects is a list of words by design.
# shellcheck disable=SC2086
(cd "$dir" && $cc -w -o probe main.c emit.c $objects) || die "cannot link the probe program"
"$dir/probe" >"$dir/values.txt" || die "the probe program failed"

# First header wins; say so when a later one disagrees.
awk '
	{ key = $1 " " $2 }
	key in value {
		if (value[key] != $3)
			printf "gen-consts.sh: note: %s is %s in %s but %s in %s; keeping %s\n",
				$2, value[key], where[key], $3, $4, value[key] > "/dev/stderr"
		next
	}
	{ value[key] = $3; where[key] = $4; print $1, $2, $3 }
' "$dir/values.txt" | LC_ALL=C sort -k2,2 >"$dir/merged.txt"

# Two names every Linux system has: without them the probe itself is broken.
grep -q '^errno EPERM ' "$dir/merged.txt" || die "no EPERM found in <errno.h>"
grep -q '^const AF_UNIX ' "$dir/merged.txt" || die "no AF_UNIX found in <sys/socket.h>"

awk '
	function table(kind, ctype, what,    i) {
		printf "const %s names_gen_%s_%s[] = {\n", ctype, kind, what
		for (i = 1; i <= n[kind]; i++)
			printf "\t%s,\n", (what == "names" ? "\"" name[kind, i] "\"" : val[kind, i])
		printf "};\n"
	}
	{
		k = $1; n[k]++
		name[k, n[k]] = $2
		val[k, n[k]] = (k == "errno" ? $3 : "UINT64_C(" $3 ")")
	}
	END {
		print "/* Generated by cmake/gen-consts.sh from this machine'\''s system headers."
		print " * Do not edit: rebuild instead. Both tables are sorted by name (strcmp). */"
		print "#include <stddef.h>"
		print "#include <stdint.h>"
		print ""
		print "extern const char *const names_gen_errno_names[];"
		print "extern const int names_gen_errno_values[];"
		print "extern const size_t names_gen_errno_count;"
		print "extern const char *const names_gen_const_names[];"
		print "extern const uint64_t names_gen_const_values[];"
		print "extern const size_t names_gen_const_count;"
		print ""
		table("errno", "char *const", "names")
		table("errno", "int", "values")
		printf "const size_t names_gen_errno_count = %d;\n\n", n["errno"]
		table("const", "char *const", "names")
		table("const", "uint64_t", "values")
		printf "const size_t names_gen_const_count = %d;\n", n["const"]
	}
' "$dir/merged.txt" >"$output.tmp" || die "cannot write $output.tmp"
mv "$output.tmp" "$output" || die "cannot rename $output.tmp to $output"

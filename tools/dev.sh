#!/bin/sh
# tools/dev.sh - set up a Debian 12 machine for cell, build it, and run the
# demo or the test suite. The README's two commands are:
#
#   sh tools/dev.sh demo     set up, build, compile the demo policy, run a command in it
#   sh tools/dev.sh test     set up, build, run every test (what CI runs)
#
# Set-up installs only the Debian packages that are missing (as root, or
# through sudo when it is available).
set -eu

top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top"
mode=${1:-}
case "$mode" in
demo | test) ;;
*)
	echo "usage: sh tools/dev.sh demo|test" >&2
	exit 2
	;;
esac

say() { printf '\n==> %s\n' "$*"; }

packages="build-essential cmake pkg-config flex bison libseccomp-dev libyaml-dev libcmocka-dev bubblewrap"
if [ "$mode" = test ]; then
	# clang with its runtime for the libFuzzer target; crun to run exported
	# OCI profiles for real.
	packages="$packages clang libclang-rt-dev crun"
	# groff and man to check the man pages for warnings; ninja to build the
	# CMake example with a second generator (depfiles read by ninja).
	packages="$packages groff-base man-db ninja-build"
fi

missing=""
for p in $packages; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing="$missing $p"
done
if [ -n "$missing" ]; then
	say "installing:$missing"
	if [ "$(id -u)" -eq 0 ]; then
		sudo=""
	elif command -v sudo >/dev/null 2>&1; then
		sudo="sudo"
	else
		echo "dev.sh: these Debian packages are missing:$missing; run as root or install them" >&2
		exit 1
	fi
	$sudo apt-get update -q
	DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -q --no-install-recommends $missing
fi

jobs=$(nproc 2>/dev/null || echo 2)

say "building (build/)"
cmake -S . -B build -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
if [ "$mode" = demo ]; then
	cmake --build build -j "$jobs" --target cell cellrun
else
	cmake --build build -j "$jobs"
fi

if [ "$mode" = demo ]; then
	out=build/demo-bundle
	chmod go-w build
	say "compiling policies/examples/demo.cell into $out/"
	./build/cell compile policies/examples/demo.cell -o "$out"
	ls -l "$out"
	say "what the bundle enforces"
	echo "bwrap arguments ($out/demo.args, one option per line):"
	tr '\0' '\n' <"$out/demo.args" |
		awk '/^--/ { if (line) print "    " line; line = $0; next } { line = line " " $0 } END { print "    " line }'
	echo "seccomp filter ($out/demo.bpf): $(($(wc -c <"$out/demo.bpf") / 8)) BPF instructions"
	echo "limits ($out/demo.limits):"
	sed 's/^/    /' "$out/demo.limits"
	probe='
		echo "hello from $(hostname), uid $(id -u)"
		echo "the root holds: $(ls / | tr "\n" " ")"
		grep -E "^(Seccomp|NoNewPrivs|CapEff):" /proc/self/status
		if touch /usr/cell-demo 2>/dev/null; then echo "write to /usr: ALLOWED"; else echo "write to /usr: refused (read-only)"; fi
		if echo ok >/tmp/cell-demo; then echo "write to /tmp: allowed (private tmpfs)"; fi
		if [ -e /home ]; then echo "/home: visible"; else echo "/home: not there"; fi
		echo "network interfaces: $(tail -n +3 /proc/net/dev | cut -d: -f1 | tr -d " " | tr "\n" " ")"
	'
	say "running a shell in it with cellrun (limits, params, honest exit status)"
	echo "cellrun $out/demo -- /bin/sh -c '...'"
	./build/runtime/cellrun --status-json build/demo-status.json "$out/demo" -- /bin/sh -c "$probe"
	echo "status: $(cat build/demo-status.json)"
	say "the same bundle with plain bwrap (no limits: those are cellrun's)"
	echo "bwrap --args 3 --seccomp 4 3<$out/demo.args 4<$out/demo.bpf -- /bin/sh -c 'echo hi from \$(hostname)'"
	bwrap --args 3 --seccomp 4 3<"$out/demo.args" 4<"$out/demo.bpf" -- /bin/sh -c 'echo hi from $(hostname)'
	say "the embedded default: cell run -- CMD (system read-only, this directory read-write, no network)"
	scratch=build/demo-scratch
	mkdir -p "$scratch"
	if [ "$(id -u)" -eq 0 ]; then
		# Started by root, the sandboxed command runs as nobody, never as host
		# root: it may write only where nobody may.
		chown 65534:65534 "$scratch"
		echo "(as root, the command runs as uid 65534; $scratch belongs to it)"
	fi
	echo "cd $scratch && cell run -- /bin/sh -c 'pwd; id -u; touch probe && echo this directory is writable; ls /root || echo /root is not there'"
	(cd "$scratch" && ../cell run -- /bin/sh -c 'pwd; id -u; touch probe && echo this directory is writable; ls /root 2>&1 || echo /root is not there')
	exit 0
fi

say "running the test suite (build/)"
ctest --test-dir build --output-on-failure -j "$jobs"

say "unit tests under AddressSanitizer and UndefinedBehaviorSanitizer (build-asan/)"
cmake -S . -B build-asan -DCMAKE_BUILD_TYPE=Debug -DCELL_SANITIZE=ON >/dev/null
cmake --build build-asan -j "$jobs"
ASAN_OPTIONS=detect_leaks=1 UBSAN_OPTIONS=print_stacktrace=1 \
	ctest --test-dir build-asan --output-on-failure -j "$jobs" -L unit

say "fuzzing both front ends (with lint and fmt), 45 seconds each, and cellrun's parsers, 30 seconds (build-fuzz/)"
CC=clang cmake -S . -B build-fuzz -DCMAKE_BUILD_TYPE=Debug -DCELL_FUZZ=ON -DCELL_TESTS=OFF >/dev/null
cmake --build build-fuzz -j "$jobs" --target fuzz_policy fuzz_yaml fuzz_bundle
mkdir -p build-fuzz/corpus-cell build-fuzz/corpus-yaml build-fuzz/corpus-bundle
./build-fuzz/tests/fuzz/fuzz_policy -max_total_time=45 -max_len=4096 -timeout=10 \
	build-fuzz/corpus-cell policies/lib policies/examples tests/bad tests/policies tests/lint
./build-fuzz/tests/fuzz/fuzz_yaml -max_total_time=45 -max_len=4096 -timeout=10 \
	build-fuzz/corpus-yaml tests/bad-yaml tests/policies
# Seeds for cellrun's parsers: real bundles, each piece behind the byte that
# picks its parser (fuzz_bundle.c).
rm -rf build-fuzz/bundles build-fuzz/seeds-bundle
mkdir -p build-fuzz/bundles build-fuzz/seeds-bundle
for p in policies/examples/demo.cell policies/examples/python-task.cell \
	tests/runtime/policies/landlock.cell tests/policies/yaml-constructs.cell; do
	./build/cell compile -q -I policies -I policies/lib "$p" -o build-fuzz/bundles >/dev/null
done
for f in build-fuzz/bundles/*; do
	case $f in
	*.manifest) sel='\000' ;;
	*.limits) sel='\001' ;;
	*.landlock) sel='\002' ;;
	*) continue ;;
	esac
	{ printf "$sel"; cat "$f"; } >"build-fuzz/seeds-bundle/$(basename "$f")"
done
./build-fuzz/tests/fuzz/fuzz_bundle -max_total_time=30 -max_len=4096 -timeout=10 \
	build-fuzz/corpus-bundle build-fuzz/seeds-bundle
echo "fuzzing: no crash"

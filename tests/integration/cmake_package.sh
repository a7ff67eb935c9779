#!/bin/sh
# The installed CMake package: `cmake --install` of this build into a
# temporary prefix (nothing internal installed), then examples/cmake-project
# configured and built against it with find_package(cell) and
# cell_add_policy(), with make, with ninja and with the configure-time glob
# that stands in for a depfile, from paths holding spaces:
#  - the example's policy is formatted; the bundle is built, verifies
#    (cellrun --dry-run), installs with the project, and (as root, with
#    bwrap) runs the example program sandboxed;
#  - the build reruns the policy step when an included file changes and not
#    otherwise;
#  - a failing test block, a compile error, a lint warning and a lint error
#    each fail the build, and leave no bundle, not even the one an earlier
#    build made; LINT_FAIL_ON error lets the warning through; a generator
#    expression in PARAMS is filled;
#  - bad calls of cell_add_policy(), a version the package cannot satisfy
#    and an installation missing cellrun fail at configure time with a
#    message; a moved installation still works.
#
# usage: cmake_package.sh CELL SOURCE_DIR WORK_DIR (the build tree to install
# is the directory holding CELL)
set -u
cell=$1
src=$2
work=$3
build=$(cd "$(dirname "$cell")" && pwd)
command -v cmake >/dev/null 2>&1 || {
	echo "SKIP: cmake is not installed"
	exit 77
}
rm -rf "$work"
mkdir -p "$work"
work=$(cd "$work" && pwd)
pass=0
fail=0
ok() {
	pass=$((pass + 1))
}
bad() {
	echo "FAIL $*"
	fail=$((fail + 1))
}
expect_file() { # PATH WHAT
	if [ -f "$1" ]; then ok; else bad "$2: no $1"; fi
}
# A copy of the example in a directory with a space, so that every path the
# policy step handles (policy, includes, bundle, depfile) needs escaping.
example_copy() { # DIR
	rm -rf "$1"
	mkdir -p "$1"
	cp "$src/examples/cmake-project/CMakeLists.txt" "$src/examples/cmake-project/greeter.c" \
		"$src/examples/cmake-project/greeter.cell" "$1/"
}
configure() { # SOURCE BUILD GENERATOR LOG [CMAKE OPTION]...
	s=$1 b=$2 g=$3 log=$4
	shift 4
	cmake -G "$g" -S "$s" -B "$b" -DCMAKE_PREFIX_PATH="$prefix" "$@" >"$log" 2>&1
}
policy_step_ran() { # LOG: the custom command's comment is in the build output
	grep -q "cell: lint, test and compile policy greeter" "$1"
}
# The files of a bundle (docs/bundle.md).
pieces="manifest bpf args limits landlock"
npieces=$(echo "$pieces" | wc -w)
bundle_files() { # DIR: how many of greeter's pieces exist in DIR
	n=0
	for piece in $pieces; do
		[ -f "$1/greeter.$piece" ] && n=$((n + 1))
	done
	echo "$n"
}

# ---- install ------------------------------------------------------------------
prefix="$work/prefix"
if cmake --install "$build" --prefix "$prefix" >"$work/install.log" 2>&1; then ok; else
	bad "cmake --install: $(cat "$work/install.log")"
fi
for f in bin/cell bin/cellrun share/man/man1/cell.1 share/man/man1/cellrun.1 \
	share/man/man5/cell-policy.5 share/cmake/cell/cellConfig.cmake \
	share/cmake/cell/cellConfigVersion.cmake share/cmake/cell/cellAddPolicy.cmake \
	share/cell/policies/lib/system.cell share/cell/policies/examples/demo.cell \
	share/doc/cell/language.md share/doc/cell/build-integration.md \
	share/doc/cell/examples/cmake-project/CMakeLists.txt; do
	expect_file "$prefix/$f" "install"
done
# The compiler's library is internal: no archive, header or .pc is installed.
leaked=$(find "$prefix" -name '*.a' -o -name '*.h' -o -name '*.pc' | head -n 3)
if [ -z "$leaked" ]; then ok; else bad "install: internal files installed: $leaked"; fi
if [ "$("$prefix/bin/cell" --version)" = "$("$cell" --version)" ]; then ok; else
	bad "the installed cell is not this build's"
fi

# The example's policy is as `cell fmt` would write it.
if "$cell" fmt --check "$src/examples/cmake-project/greeter.cell" >"$work/fmt.out" 2>&1; then ok; else
	bad "examples/cmake-project/greeter.cell is not formatted: $(cat "$work/fmt.out")"
fi

# ---- the example, with each generator -----------------------------------------
# make and ninja read the depfile; "glob" forces the fallback for generators
# that cannot (the policy files of the include directories, at configure time).
for tag in make ninja glob; do
	extra=-DCELL_EXAMPLE_TAG=$tag # the generator decides
	case $tag in
	make) gen="Unix Makefiles" ;;
	glob)
		gen="Unix Makefiles"
		extra=-DCELL_POLICY_USE_DEPFILE=OFF
		;;
	ninja)
		gen=Ninja
		command -v ninja >/dev/null 2>&1 || {
			echo "note: ninja is not installed; the Ninja generator is not tested"
			continue
		}
		;;
	esac
	exsrc="$work/example source $tag"
	ex="$work/example build $tag"
	example_copy "$exsrc"
	if configure "$exsrc" "$ex" "$gen" "$work/configure-$tag.log" "$extra"; then ok; else
		bad "$tag: configure: $(cat "$work/configure-$tag.log")"
		continue
	fi
	cmake --build "$ex" >"$work/build-$tag.log" 2>&1
	status=$?
	if [ "$status" -eq 0 ]; then ok; else bad "$tag: build exits $status: $(cat "$work/build-$tag.log")"; fi
	if [ "$(bundle_files "$ex/cell-bundles")" = "$npieces" ] &&
		[ "$(find "$ex/cell-bundles" -type f | wc -l)" = "$npieces" ]; then ok; else
		bad "$tag: the bundle is not (all) in $ex/cell-bundles: $(ls "$ex/cell-bundles" 2>&1)"
	fi
	expect_file "$ex/greeter" "$tag: the program"
	# The depfile is written (and read) exactly when the generator can use it.
	case $tag:$(test -f "$ex/CMakeFiles/cell_policy_greeter.d" && echo depfile) in
	glob: | make:depfile | ninja:depfile) ok ;;
	*) bad "$tag: the depfile is where it should not be, or missing" ;;
	esac
	# cell check's summary: the policy compiled, linted clean, its test blocks held.
	if grep -q "^1 policy: 1 compiled, 0 lint findings, 0 tests failed$" "$work/build-$tag.log"
	then ok; else
		bad "$tag: the build did not run cell check: $(cat "$work/build-$tag.log")"
	fi

	# The bundle verifies: cellrun checks manifest, digests and params first.
	"$prefix/bin/cellrun" --dry-run --param APPDIR=/opt/app --param WORKDIR=/srv \
		"$ex/cell-bundles/greeter" -- /app/greeter >"$work/dry-$tag.out" 2>&1
	status=$?
	if [ "$status" -eq 0 ] && grep -q "GREETING hello" "$work/dry-$tag.out"; then ok; else
		bad "$tag: cellrun --dry-run exits $status: $(cat "$work/dry-$tag.out")"
	fi

	# Nothing changed: the policy step does not run; an include changed: it does.
	cmake --build "$ex" >"$work/rebuild-$tag.log" 2>&1
	if policy_step_ran "$work/rebuild-$tag.log"; then bad "$tag: a no-op build reran the policy step"; else ok; fi
	sleep 1 # coarse file times
	touch "$prefix/share/cell/policies/lib/base-syscalls.cell"
	cmake --build "$ex" >"$work/touched-$tag.log" 2>&1
	if policy_step_ran "$work/touched-$tag.log"; then ok; else
		bad "$tag: changing an included file did not rerun the policy step: $(cat "$work/touched-$tag.log")"
	fi

	# Installed with the project.
	cmake --install "$ex" --prefix "$work/installed $tag" >"$work/install-$tag.log" 2>&1 ||
		bad "$tag: cmake --install of the example: $(cat "$work/install-$tag.log")"
	if [ "$(bundle_files "$work/installed $tag/share/greeter")" = "$npieces" ]; then ok; else
		bad "$tag: the bundle was not installed to share/greeter"
	fi
	# The installed bundle is whole: cellrun finds every piece the manifest lists.
	"$prefix/bin/cellrun" --dry-run --param APPDIR=/opt/app --param WORKDIR=/srv \
		"$work/installed $tag/share/greeter/greeter" -- /app/greeter >"$work/dry-installed-$tag.out" 2>&1 ||
		bad "$tag: cellrun --dry-run on the installed bundle: $(cat "$work/dry-installed-$tag.out")"
done

# ---- the example, run in its sandbox -------------------------------------------
ex="$work/example build make"
if [ "$(id -u)" -eq 0 ] && command -v bwrap >/dev/null 2>&1 && [ -f "$ex/greeter" ]; then
	run="$work/run"
	mkdir -p "$run"
	chown 65534:65534 "$run" # started by root, the sandbox runs as nobody
	"$prefix/bin/cellrun" --param APPDIR="$ex" --param WORKDIR="$run" \
		"$ex/cell-bundles/greeter" -- /app/greeter >"$work/run.out" 2>&1
	status=$?
	if [ "$status" -eq 0 ] && grep -q "^hello from greeter$" "$work/run.out" &&
		grep -q "^network: Address family not supported" "$work/run.out"; then ok; else
		bad "the example under cellrun exits $status: $(cat "$work/run.out")"
	fi
	if [ "$(cat "$run/greeting.txt" 2>/dev/null)" = hello ]; then ok; else
		bad "the example did not write greeting.txt through its rw bind"
	fi
	# Outside its sandbox, the same program opens the socket and says so.
	(cd "$run" && "$ex/greeter") >/dev/null 2>&1
	if [ $? -eq 1 ]; then ok; else bad "greeter outside the sandbox should exit 1"; fi
else
	echo "note: not run in its sandbox (needs root and bwrap)"
fi

# ---- failures fail the build and leave no bundle --------------------------------
failing() { # NAME SED-SCRIPT EXPECTED-OUTPUT: an edit of the policy that must fail the build
	exsrc="$work/failing source"
	ex="$work/failing build"
	example_copy "$exsrc"
	configure "$exsrc" "$ex" "Unix Makefiles" "$work/configure-fail.log" ||
		bad "$1: configure: $(cat "$work/configure-fail.log")"
	# A good build first, so that there is an earlier bundle to be removed.
	cmake --build "$ex" >"$work/fail-first.log" 2>&1 || bad "$1: the unmodified example failed"
	sed -i "$2" "$exsrc/greeter.cell"
	cmake --build "$ex" >"$work/fail-$1.log" 2>&1
	status=$?
	if [ "$status" -ne 0 ]; then ok; else bad "$1: the build succeeded"; fi
	if grep -q "$3" "$work/fail-$1.log"; then ok; else
		bad "$1: the build output does not say '$3': $(cat "$work/fail-$1.log")"
	fi
	if [ "$(bundle_files "$ex/cell-bundles")" = 0 ]; then ok; else
		bad "$1: a bundle was left in $ex/cell-bundles"
	fi
	# Failing again (nothing changed) still fails: no stale output counts as done.
	cmake --build "$ex" >/dev/null 2>&1 && bad "$1: a second build succeeded"
}
failing test-block 's/expect ptrace *-> errno EPERM/expect ptrace -> allow/' \
	"expected allow, got errno EPERM"
failing compile-error 's/expect write /expect wrte /' "unknown syscall 'wrte'"
failing lint-warning 's/ *# lint: CL026.*$//' "warning: .*\[CL026\]"
failing lint-error 's/^  net none$/&\n  untrusted/; /^    time 10s$/d' \
	"error: .*runs untrusted code but sets no time limit \[CL025\]"

# LINT_FAIL_ON error lets a warning through: printed, not fatal.
exsrc="$work/lenient source"
ex="$work/lenient build"
example_copy "$exsrc"
sed -i 's/ *# lint: CL026.*$//' "$exsrc/greeter.cell"
sed -i 's/^\(  DESTINATION .*\))$/\1 LINT_FAIL_ON error)/' "$exsrc/CMakeLists.txt"
# and a generator expression among the PARAMS: APPDIR becomes the program's directory.
sed -i 's/^  PARAMS GREETING=hello$/& APPDIR=$<TARGET_FILE_DIR:greeter>/' "$exsrc/CMakeLists.txt"
grep -q "APPDIR=\$<TARGET_FILE_DIR:greeter>" "$exsrc/CMakeLists.txt" || bad "lenient: could not add APPDIR"
grep -q "LINT_FAIL_ON error)" "$exsrc/CMakeLists.txt" || bad "lenient: could not edit CMakeLists.txt"
configure "$exsrc" "$ex" "Unix Makefiles" "$work/configure-lenient.log" ||
	bad "lenient: configure: $(cat "$work/configure-lenient.log")"
cmake --build "$ex" >"$work/build-lenient.log" 2>&1
status=$?
if [ "$status" -eq 0 ] && grep -q "warning: .*\[CL026\]" "$work/build-lenient.log" &&
	[ "$(bundle_files "$ex/cell-bundles")" = "$npieces" ]; then ok; else
	bad "lenient: LINT_FAIL_ON error, a warning: exit $status: $(cat "$work/build-lenient.log")"
fi
"$prefix/bin/cellrun" --dry-run --param WORKDIR=/srv "$ex/cell-bundles/greeter" -- /app/greeter \
	>"$work/dry-lenient.out" 2>&1
if grep -qF -- "--ro-bind '$ex' /app" "$work/dry-lenient.out"; then ok; else
	bad "lenient: APPDIR=\$<TARGET_FILE_DIR:greeter> was not filled in: $(cat "$work/dry-lenient.out")"
fi

# ---- configure-time errors ------------------------------------------------------
misuse() { # NAME CALL EXPECTED-MESSAGE
	d="$work/misuse-$1"
	mkdir -p "$d"
	cp "$src/examples/cmake-project/greeter.cell" "$d/"
	cat >"$d/CMakeLists.txt" <<EOF
cmake_minimum_required(VERSION 3.18)
project(misuse LANGUAGES NONE)
find_package(cell REQUIRED)
$2
EOF
	cmake -S "$d" -B "$d/build" -DCMAKE_PREFIX_PATH="$prefix" >"$d.log" 2>&1
	status=$?
	# CMake wraps long messages: compare with every run of blanks made one space.
	if [ "$status" -ne 0 ] && tr -s ' \n' '  ' <"$d.log" | grep -qF "$3"; then ok; else
		bad "$1: configure exits $status without '$3': $(cat "$d.log")"
	fi
}
misuse no-policy 'cell_add_policy(greeter PARAMS GREETING=x)' "POLICY FILE is required"
misuse missing-file 'cell_add_policy(greeter POLICY nope.cell)' "no policy file"
misuse bad-param 'cell_add_policy(greeter POLICY greeter.cell PARAMS GREETING)' \
	"PARAMS takes NAME=VALUE, not 'GREETING'"
misuse unknown-keyword 'cell_add_policy(greeter POLICY greeter.cell OUTPUT x)' "unexpected argument 'OUTPUT;x'"
misuse twice 'cell_add_policy(greeter POLICY greeter.cell)
cell_add_policy(greeter POLICY greeter.cell)' "was already added"
misuse lint-level 'cell_add_policy(greeter POLICY greeter.cell LINT_FAIL_ON warnings)' \
	"LINT_FAIL_ON is error, warning or never, not 'warnings'"
misuse version 'find_package(cell 99.0 REQUIRED)' "99.0"

# An installation that lost a command is not found, and says what is missing;
# a moved installation still is (every path is relative to the package).
cp -R "$prefix" "$work/moved prefix"
rm "$work/moved prefix/bin/cellrun"
prefix_saved=$prefix
prefix="$work/moved prefix"
misuse broken-install 'message(FATAL_ERROR "found a broken cell")' "bin/cellrun is missing"
cp "$prefix_saved/bin/cellrun" "$prefix/bin/cellrun"
misuse moved 'message(FATAL_ERROR "cell is ${CELL_EXECUTABLE}")' "cell is $prefix/bin/cell"
prefix=$prefix_saved

echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]

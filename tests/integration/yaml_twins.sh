#!/bin/sh
# Every policy that exists as both NAME.cell and NAME.yaml (the stock
# examples and the test policies) compiles to byte-identical bundles: the
# YAML front end feeds the same tree to the same compiler.
# usage: yaml_twins.sh CELL SOURCE_DIR WORK_DIR
set -u
cell=$1
src=$2
work=$3
rm -rf "$work"
mkdir -p "$work"
pass=0
fail=0
for yaml in "$src"/policies/examples/*.yaml "$src"/tests/policies/*.yaml; do
	twin=${yaml%.yaml}.cell
	[ -f "$twin" ] || continue
	name=$(basename "$yaml" .yaml)
	out_y="$work/$name-yaml"
	out_c="$work/$name-cell"
	if ! "$cell" compile -q "$yaml" -o "$out_y" >"$work/$name.ylog" 2>&1 ||
		! "$cell" compile -q "$twin" -o "$out_c" >"$work/$name.clog" 2>&1; then
		echo "FAIL $name: does not compile"
		cat "$work/$name.ylog" "$work/$name.clog" | head -20
		fail=$((fail + 1))
		continue
	fi
	for f in "$out_c"/*; do
		piece=$(basename "$f")
		# The Landlock piece names policy locations (file:line:col), which
		# differ between twins by nature; the manifest holds its digest.
		case $piece in
		*.landlock)
			sed -E 's/^((net|fs) [a-z?]+|gap|cwd) [^ ]+/\1 LOC/' "$f" >"$work/c.ll"
			sed -E 's/^((net|fs) [a-z?]+|gap|cwd) [^ ]+/\1 LOC/' "$out_y/$piece" >"$work/y.ll"
			set -- "$work/c.ll" "$work/y.ll"
			;;
		*.manifest)
			grep -v '^piece landlock ' "$f" >"$work/c.m"
			grep -v '^piece landlock ' "$out_y/$piece" >"$work/y.m"
			set -- "$work/c.m" "$work/y.m"
			;;
		*) set -- "$f" "$out_y/$piece" ;;
		esac
		if cmp -s "$1" "$2"; then
			pass=$((pass + 1))
		else
			echo "FAIL $name: $piece differs between the .cell and the .yaml twin"
			fail=$((fail + 1))
		fi
	done
done
echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ] && [ "$pass" -gt 0 ]

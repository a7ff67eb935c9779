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
		if cmp -s "$f" "$out_y/$piece"; then
			pass=$((pass + 1))
		else
			echo "FAIL $name: $piece differs between the .cell and the .yaml twin"
			fail=$((fail + 1))
		fi
	done
done
echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ] && [ "$pass" -gt 0 ]

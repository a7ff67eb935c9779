#!/bin/sh
# What cellrun refuses before anything runs (exit 125 and a message that
# names the problem): params, altered or mixed bundles, files writable by
# others, a missing or too old bwrap, a foreign architecture; and what
# --dry-run, --bundle-fds and --status-json say.
. "$(dirname "$0")/lib/common.sh"
skip_unless_root
ensure_user
setup

b=$work/b
wd=$work/w-root
ok_params="--param WORKDIR=$wd --param ATTACK=$attack"

refused() { # refused NAME NEEDLE CELLRUN-ARGS...: exit 125, NEEDLE in stderr, nothing ran
	name=$1
	needle=$2
	shift 2
	rm -f "$wd/ran"
	timeout 30 "$cellrun" "$@" >"$work/out" 2>"$work/err"
	check "$name: exit 125" 125 $?
	check_has "$name: message" "$needle" "$(cat "$work/err")"
	check "$name: nothing ran" "no" "$([ -e "$wd/ran" ] && echo yes || echo no)"
}
touch_ran="/bin/sh -c 'echo >/work/ran'"

# Params
refused "missing param" "param ATTACK is missing" --param "WORKDIR=$wd" "$b/rt-base" -- /bin/true
refused "unknown param" "--param NOPE: bundle rt-base has no such param" \
	$ok_params --param NOPE=1 "$b/rt-base" -- /bin/true
refused "relative path param" "param WORKDIR is a path and needs an absolute path" \
	--param WORKDIR=relative/dir --param "ATTACK=$attack" "$b/rt-base" -- /bin/true
refused "newline in param" "param WORKDIR: the value contains a newline" \
	--param "WORKDIR=$wd
/etc" --param "ATTACK=$attack" "$b/rt-base" -- /bin/true
refused "dot-dot in path param" "contains a '..' component" \
	--param "WORKDIR=$wd/../../.." --param "ATTACK=$attack" "$b/rt-base" -- /bin/true
refused "param given twice" "--param WORKDIR is given twice" \
	$ok_params --param "WORKDIR=$wd" "$b/rt-base" -- /bin/true

# Altered and mixed bundles: each case in its own copy.
copy() { rm -rf "$work/c"; mkdir "$work/c"; cp "$b"/rt-base.* "$b"/rt-time.* "$work/c/"; chmod 644 "$work/c"/*; }
copy
cp "$work/c/rt-time.limits" "$work/c/rt-base.limits"
refused "limits piece from another bundle" "rt-base.limits has" $ok_params "$work/c/rt-base" -- /bin/true
copy
cp "$b/rt-loopback.bpf" "$work/c/rt-base.bpf"
refused "filter piece from another bundle" "rt-base.bpf" $ok_params "$work/c/rt-base" -- /bin/true
copy
printf 'x' | dd of="$work/c/rt-base.args" bs=1 seek=3 conv=notrunc 2>/dev/null
refused "args piece altered in place" "does not match the manifest's SHA-256" \
	$ok_params "$work/c/rt-base" -- /bin/true
copy
sed -i 's/^net none /net host /' "$work/c/rt-base.landlock"
refused "landlock piece altered in place" "rt-base.landlock does not match the manifest's SHA-256" \
	$ok_params "$work/c/rt-base" -- /bin/true
copy
sed -i 's/^arch x86_64$/arch aarch64/' "$work/c/rt-base.manifest"
refused "foreign architecture" "compiled for aarch64, not for this machine (x86_64)" \
	$ok_params "$work/c/rt-base" -- /bin/true
copy
sed -i 's/^cell-bundle 2$/cell-bundle 3/' "$work/c/rt-base.manifest"
refused "newer bundle format" "bundle format version 3 is not supported" \
	$ok_params "$work/c/rt-base" -- /bin/true
# Version 1 (no fallback, no landlock piece) is still read.
copy
sed -i 's/^cell-bundle 2$/cell-bundle 1/; /^fallback /d; /^piece landlock /d' "$work/c/rt-base.manifest"
check "format 1 still runs" "v1" \
	"$(timeout 30 "$cellrun" $ok_params "$work/c/rt-base" -- /bin/echo v1 2>&1)"
copy
sed -i '/^piece landlock /d' "$work/c/rt-base.manifest"
refused "format 2 without its landlock piece" "ends early" $ok_params "$work/c/rt-base" -- /bin/true
copy
sed -i 's/^name rt-base$/name  rt-base/' "$work/c/rt-base.manifest"
refused "extra space in the manifest" "manifest line 2" $ok_params "$work/c/rt-base" -- /bin/true
copy
printf 'extra 1\n' >>"$work/c/rt-base.manifest"
refused "unknown trailing key" "nothing may follow" $ok_params "$work/c/rt-base" -- /bin/true

# Files and directories writable by others.
copy
chmod o+w "$work/c/rt-base.bpf"
refused "world-writable piece" "refusing $work/c/rt-base.bpf: it is writable by every user" \
	$ok_params "$work/c/rt-base" -- /bin/true
copy
chmod g+w "$work/c/rt-base.manifest"
refused "group-writable manifest" "refusing $work/c/rt-base.manifest: it is writable by its group" \
	$ok_params "$work/c/rt-base" -- /bin/true
copy
chmod 777 "$work/c"
refused "world-writable directory" "refusing $work/c: it is writable by every user" \
	$ok_params "$work/c/rt-base" -- /bin/true
# A sticky world-writable directory owned by someone else than root is no
# safer than a plain one (its owner can replace entries)...
chmod 1777 "$work/c"
if [ "$(id -u)" -eq 0 ]; then
	chown "$user" "$work/c"
	refused "sticky directory not owned by root" "refusing $work/c: it is owned by uid $uid_of_user" \
		$ok_params "$work/c/rt-base" -- /bin/true
	chown 0 "$work/c"
	# ...but a root-owned sticky one, like /tmp, protects what is in it.
	"$cellrun" $ok_params "$work/c/rt-base" -- /bin/true 2>"$work/err"
	check "root-owned sticky directory (like /tmp) accepted" 0 $?
fi
chmod 755 "$work/c"
chown "$user" "$work/c/rt-base.limits"
refused "piece owned by another user" "refusing $work/c/rt-base.limits: it is owned by uid $uid_of_user" \
	$ok_params "$work/c/rt-base" -- /bin/true

# bwrap missing or too old.
refused "missing bwrap (--bwrap)" "bwrap /nonexistent/bwrap (from --bwrap) cannot be executed" \
	--bwrap /nonexistent/bwrap $ok_params "$b/rt-base" -- /bin/true
rm -f "$wd/ran"
CELL_BWRAP=/nonexistent/bwrap timeout 30 "$cellrun" $ok_params "$b/rt-base" -- /bin/true 2>"$work/err"
check "missing bwrap (CELL_BWRAP): exit 125" 125 $?
check_has "missing bwrap (CELL_BWRAP): message" "from \$CELL_BWRAP" "$(cat "$work/err")"
timeout 30 env PATH=/nonexistent "$cellrun" $ok_params "$b/rt-base" -- /bin/true 2>"$work/err"
check "no bwrap on PATH: exit 125" 125 $?
check_has "no bwrap on PATH: message" "cannot find bwrap" "$(cat "$work/err")"
mkdir -p "$work/old"
printf '#!/bin/sh\necho bubblewrap 0.4.1\n' >"$work/old/bwrap"
chmod 755 "$work/old/bwrap"
refused "bwrap too old" "needs bwrap 0.7.0 or newer; $work/old/bwrap is 0.4.1" \
	--bwrap "$work/old/bwrap" $ok_params "$b/rt-base" -- /bin/true

# Usage
refused "no command" "no command given" $ok_params "$b/rt-base"
refused "--user root" "has uid or gid 0" --user root $ok_params "$b/rt-base" -- /bin/true
setpriv --reuid="$user" --regid="$user" --init-groups "$cellrun" --user nobody \
	--param "WORKDIR=$work/w-user" --param "ATTACK=$attack" "$b/rt-base" -- /bin/true 2>"$work/err"
check "--user when not root: exit 125" 125 $?
check_has "--user when not root: message" "--user needs cellrun to run as root" "$(cat "$work/err")"

# --dry-run prints the command line with the args inline and params filled,
# and the limits, and runs nothing.
rm -f "$wd/ran"
out=$(timeout 30 "$cellrun" --dry-run $ok_params "$b/rt-time" -- /bin/sh -c 'echo >/work/ran')
check "dry-run: exit 0" 0 $?
check "dry-run: nothing ran" "no" "$([ -e "$wd/ran" ] && echo yes || echo no)"
check_has "dry-run: bwrap and the inline args" "bwrap --unshare-user --unshare-ipc" "$out"
check_has "dry-run: params filled" "--bind $wd /work --ro-bind $attack /attack" "$out"
check_has "dry-run: env-keep after the args" "--setenv PATH" "$out"
check_has "dry-run: filter, status and command, quoted" \
	"--seccomp 4 --json-status-fd 5 -- /bin/sh -c 'echo >/work/ran'" "$out"
check_has "dry-run: the limits" "# limit time: 2000 ms" "$out"
check_has "dry-run: the data fd" "# fd 10: file contents, 22 bytes" "$out"
check_has "dry-run: as root, the uid" "# bwrap runs as host uid 65534" "$out"
# The printed line is a real command line: bwrap runs it (fds supplied here).
line=$(echo "$out" | head -n 1 | sed "s|/bin/sh -c 'echo >/work/ran'|/bin/echo dry-ok|; s|--json-status-fd 5 ||")
check "dry-run: the printed line runs under bwrap" "dry-ok" \
	"$(cd / && timeout 30 bash -c "exec $line 4<'$b/rt-time.bpf' 10</dev/null" 2>&1)"

# --bundle-fds: the same bundle handed over as open descriptors.
check "bundle-fds: runs" "via-fds" \
	"$(timeout 30 "$cellrun" $ok_params --bundle-fds 3,4,5,6,7 -- /bin/echo via-fds \
		3<"$b/rt-base.manifest" 4<"$b/rt-base.bpf" 5<"$b/rt-base.args" 6<"$b/rt-base.limits" \
		7<"$b/rt-base.landlock")"
timeout 30 "$cellrun" $ok_params --bundle-fds 3,4,5,6,7 -- /bin/true \
	3<"$b/rt-base.manifest" 4<"$b/rt-loopback.bpf" 5<"$b/rt-base.args" 6<"$b/rt-base.limits" \
	7<"$b/rt-base.landlock" 2>"$work/err"
check "bundle-fds: a mixed set is refused" 125 $?
check_has "bundle-fds: names the piece" "the bpf piece on fd 4" "$(cat "$work/err")"
timeout 30 "$cellrun" $ok_params --bundle-fds 3,4,5,6 -- /bin/true \
	3<"$b/rt-base.manifest" 4<"$b/rt-base.bpf" 5<"$b/rt-base.args" 6<"$b/rt-base.limits" 2>"$work/err"
check "bundle-fds: a piece missing is refused" 125 $?
check_has "bundle-fds: says how many" "gave 4 descriptors; a version 2 bundle has 5" "$(cat "$work/err")"

# --status-json
timeout 30 "$cellrun" --status-json "$work/st.json" $ok_params "$b/rt-base" -- /bin/sh -c 'exit 3'
check_has "status-json: exited" '{"exit_code":3,"signal":null,"reason":"exited","wall_ms":' "$(cat "$work/st.json")"
timeout 30 "$cellrun" --status-json "$work/st.json" $ok_params "$b/rt-base" -- /bin/sh -c 'cd /' 2>/dev/null
check_has "status-json: seccomp" '{"exit_code":159,"signal":31,"reason":"seccomp"' "$(cat "$work/st.json")"
timeout 30 "$cellrun" --status-json "$work/st.json" --param "WORKDIR=$wd" "$b/rt-base" -- /bin/true 2>/dev/null
check_has "status-json: setup failed" '{"exit_code":125,"signal":null,"reason":"setup-failed"' "$(cat "$work/st.json")"

finish

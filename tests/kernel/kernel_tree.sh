# Sourced by the `kernel` label's scripts: kernel_tree VERSION prints the
# unpacked tree of Debian's linux-source-VERSION (`scripts/kmapsim
# kernel-src`, installed on first use). When the package cannot be
# installed the test is skipped (exit 77) with the reason, never failed.
# patch_in_function (below) writes the run-time patches the scripts check.
kernel_tree() {
	local out err
	err=$(mktemp)
	if ! out=$("$ROOT/scripts/kmapsim" kernel-src "$1" 2>"$err"); then
		echo "SKIP: linux-source-$1 is not available here: $(cat "$err")"
		rm -f "$err"
		exit 77
	fi
	rm -f "$err"
	echo "$out"
}

# patch_in_function FILE FUNCTION OLD NEW: FILE on stdout with OLD replaced
# by NEW on the first line of FUNCTION's body holding it (FUNCTION may be a
# function-like macro or a header's inline); the number of the changed line
# on stderr, nothing there when OLD is not in FUNCTION.
patch_in_function() {
	OLD=$3 NEW=$4 FUNC=$2 awk '
		BEGIN { old = ENVIRON["OLD"]; new = ENVIRON["NEW"]; fn = ENVIRON["FUNC"] "(" }
		!done && index($0, fn) && $0 !~ /;[ \t]*$/ { infn = 1 }
		infn && !done && (i = index($0, old)) {
			$0 = substr($0, 1, i - 1) new substr($0, i + length(old))
			done = 1
			print NR >"/dev/stderr"
		}
		infn && /^}/ { infn = 0 }
		{ print }
	' "$1"
}

# Sourced by the `kernel` label's scripts: kernel_tree VERSION prints the
# unpacked tree of Debian's linux-source-VERSION (`scripts/kmapsim
# kernel-src`, installed on first use). When the package cannot be
# installed the test is skipped (exit 77) with the reason, never failed.
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

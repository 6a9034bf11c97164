# Sourced by the `kernel` label's scripts: kernel_tree VERSION prints the
# unpacked tree of Debian's linux-source-VERSION (`scripts/kmapsim
# kernel-src`, installed on first use). When the package cannot be
# installed the test is skipped (exit 77) with the reason, never failed.
# patch_in_function (below) writes the run-time patches the scripts check.
kernel_tree() {
	local out err top
	# An unpacked tree (kernel_src.py marks it .unpacked once tar is done) is
	# used as it is: starting Python to print its path cost 0.3 s a test.
	top=${KMAPSIM_CACHE:-$ROOT/.kmapsim}/kernel/$1
	if [[ -e $top/.unpacked ]]; then
		echo "$top/linux-source-$1"
		return
	fi
	err=$(mktemp)
	if ! out=$("$ROOT/scripts/kmapsim" kernel-src "$1" 2>"$err"); then
		echo "SKIP: linux-source-$1 is not available here: $(cat "$err")"
		rm -f "$err"
		exit 77
	fi
	rm -f "$err"
	echo "$out"
}

# kernel_seconds EXPECT: the check budget of a test expecting EXPECT, or
# KMAPSIM_KERNEL_SECONDS when set. A run that must stay clean spends all of
# it: 2 s, two explore rounds of 1 s (a coverage-guided round needs 2 s of
# its own; the first round's bounded-exhaustive part, fault sweep and
# random walks are where a false report on legal code shows). A run that
# must report stops at the report, so it gets 6 s of margin at no cost when
# it passes. A verdict over two versions (introduced, fixed, unchanged) has
# a clean side, and both sides get the same budget: 2 s (the reporting
# sides of these tests report within a second; checked with
# KMAPSIM_KERNEL_SECONDS=1). The label runs about 320 checks, 250 of them
# spending the whole budget: each second of it is about 2.5 minutes of a
# CI run at two jobs (3 s made the clean-clone run 38 minutes).
kernel_seconds() {
	case $1 in
	clean | discarded | introduced | fixed | unchanged | unchanged-clean) echo "${KMAPSIM_KERNEL_SECONDS:-2}" ;;
	*) echo "${KMAPSIM_KERNEL_SECONDS:-6}" ;;
	esac
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

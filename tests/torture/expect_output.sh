#!/usr/bin/env bash
# expect_output.sh STATUS REGEX... -- CMD...: runs CMD and passes when it
# exits with STATUS and its output (stdout and stderr) has a line matching
# each extended regular expression REGEX. The torture tests use it where the
# expected outcome is not a clean exit: the deliberately racy subject must
# be reported by ThreadSanitizer, and a buggy subject must end a torture run
# with its kmapsim report.
set -u
want=$1
shift
patterns=()
while (($#)) && [[ $1 != -- ]]; do
	patterns+=("$1")
	shift
done
shift
out=$("$@" 2>&1)
rc=$?
printf '%s\n' "$out" | tail -40
if [[ $rc != "$want" ]]; then
	echo "expect_output: exit status $rc, wanted $want" >&2
	exit 1
fi
for p in "${patterns[@]}"; do
	if ! grep -qE -- "$p" <<<"$out"; then
		echo "expect_output: no line matches: $p" >&2
		exit 1
	fi
	echo "expect_output: matched: $p"
done
echo "expect_output: exit status $rc as expected"

#!/usr/bin/env bash
# fuzz_overnight.sh WORKDIR: the long-run tools in about a minute.
#  - `overnight` on a zoo buggy variant and a clean target, interrupted with
#    SIGINT half-way and resumed with the same --out: nothing is lost (time,
#    execs, crash files, the finding), the report lists the finding once,
#    and the plot is a PNG
#  - `minimize` keeps the class (a crash file and a raw libFuzzer input)
#  - `triage` puts two crash files of one bug (different addresses and pfns,
#    two profiles) in one group
#  - both take crash files whose runs failed a call or stalled a delay
#    (trace sites inject and stall), and minimizing keeps the failure
set -uo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
kmapsim=$root/scripts/kmapsim
work=$1
out=$work/overnight
bug=zoo_tag_lookup_use_after_unmap_buggy
class=kmap-use-after-unmap
rm -rf "$work"
mkdir -p "$work"
fail=0
check() { # DESCRIPTION COMMAND...
	local what=$1
	shift
	if "$@"; then echo "ok: $what"; else echo "FAIL: $what"; fail=1; fi
}
state() { # PYTHON-EXPRESSION over s (state.json)
	python3 -c "import json,sys; s=json.load(open(sys.argv[1])); print($1)" "$out/state.json"
}

# ---- overnight, interrupted, then resumed
run=("$kmapsim" overnight --seconds 24 --jobs 2 --out "$out" "$bug" fuzz_nesting_irq)
"${run[@]}" >"$work/run1.log" 2>&1 &
pid=$!
for _ in $(seq 60); do # until the finding is in, at most ~30 s
	sleep 0.5
	[[ -f $out/state.json ]] && [[ $(state 'len(s["findings"])') -ge 1 ]] && break
done
sleep 2
kill -INT "$pid"
wait "$pid"
rc=$?
cat "$work/run1.log"
if [[ ! -f $out/state.json ]]; then
	echo "FAIL: overnight did not start (exit $rc)"
	exit 1
fi
check "an interrupted run exits 130" test "$rc" -eq 130
check "the state says it is unfinished" test "$(state 's["phase"]')" = fuzzing
t1=$(state 'int(s["elapsed"])')
e1=$(state 'sum(t["execs"] for t in s["targets"].values())')
cp "$out/state.json" "$work/state1.json"
crashes1=$(ls "$out/crashes")
check "the finding was made before the interrupt" grep -q "$class" <<<"$(state 's["findings"]')"

"${run[@]}" >"$work/run2.log" 2>&1
rc=$?
cat "$work/run2.log"
check "the resumed run finishes with a finding (exit 1)" test "$rc" -eq 1
check "it resumed" grep -q "resuming the campaign" "$work/run2.log"
check "two runs in one campaign" test "$(state 'len(s["sessions"])')" -eq 2
check "time adds up" test "$(state 'int(s["elapsed"])')" -ge "$t1"
check "execs add up" test "$(state 'sum(t["execs"] for t in s["targets"].values())')" -ge "$e1"
# shellcheck disable=SC2317 # called through check
kept() { # every finding of the first run is still there, first seen at the same time
	python3 -c 'import json,sys
a, b = (json.load(open(p))["findings"] for p in sys.argv[1:])
sys.exit(any(k not in b or b[k]["first_seen"] != v["first_seen"] for k, v in a.items()))' "$work/state1.json" "$out/state.json"
}
check "findings of the first run are kept as they were" kept
for c in $crashes1; do
	check "crash file $c kept" test -f "$out/crashes/$c"
done
check "the campaign is done" test "$(state 's["phase"]')" = "done"
check "report.md written" test -s "$out/report.md"
check "the finding is listed once" test "$(grep -c "^### .*$class in $bug" "$out/report.md")" -eq 1
check "with its replay command" grep -q "replay: \`scripts/kmapsim repro " "$out/report.md"
check "the plot is a PNG" test "$(head -c 4 "$out/overnight.png" | tail -c 3)" = PNG
check "the corpora were merged" grep -q "merged: " "$out/report.md"

# ---- minimize keeps the class
crash=$(find "$out/crashes" -name '*.crash' | sort | head -1)
"$kmapsim" minimize "$crash" --seconds 20
check "minimize wrote CRASH.min" test -f "$crash.min"
"$kmapsim" repro "$crash.min" --no-events >"$work/min.out" 2>&1
rc=$?
check "CRASH.min replays to the same class" grep -q "^BUG: kmapsim: $class:" "$work/min.out"
check "... and repro says so (exit 1)" test "$rc" -eq 1
raw=$(find "$out/artifacts/$bug" -name 'crash-*' ! -name '*.min' | sort | head -1)
"$kmapsim" minimize "$raw" --seconds 10
check "minimize of a raw input wrote it.min" test -f "$raw.min"

# ---- triage: one bug, two crash files (two profiles: other addresses, pfns)
mkdir -p "$work/triage"
cp "$root/corpus/$bug/regressions/strict-$class" "$work/triage/a.crash"
cp "$root/corpus/$bug/regressions/x86-32-$class" "$work/triage/b.crash"
"$kmapsim" triage "$work/triage" | tee "$work/triage.out"
check "triage: two inputs, one group" grep -q "^kmapsim: triage: 2 inputs in 1 group" "$work/triage.out"
check "triage: the row counts both" grep -Eq "^$class +2 +tag_lookup_use_after_unmap: " "$work/triage.out"

# ---- crash files of error paths: a failed call (site 9), a stall (site 10)
mkdir -p "$work/faults"
sites() { # CRASH-FILE: the decision sites of its trace, sorted, unique
	PYTHONPATH=$root/scripts python3 -c 'import sys
from kmapsim_cli import crash_file
print(" ".join(str(s) for s in sorted({s for s, _ in crash_file.read(sys.argv[1]).trace})))' "$1"
}
for row in "user_copy_leak 9" "timeout_leak 10"; do
	read -r subject site <<<"$row"
	out=$("$kmapsim" check --seconds 30 --subject "$subject" "$root/tests/subjects/fault_path_sites.c" 2>&1)
	c=$(sed -n 's/^kmapsim: crash file: //p' <<<"$out" | head -1)
	[[ -z $c || $c == /* ]] || c=$root/$c
	if [[ -z $c || ! -f $c ]]; then
		echo "FAIL: check found no leak in $subject"
		echo "$out" | tail -5
		fail=1
		continue
	fi
	cp "$c" "$work/faults/$subject.crash"
	check "$subject's crash file records site $site" grep -qw "$site" <<<"$(sites "$work/faults/$subject.crash")"
	"$kmapsim" minimize "$work/faults/$subject.crash" --seconds 20
	check "minimize of $subject wrote CRASH.min" test -f "$work/faults/$subject.crash.min"
	check "... which keeps site $site" grep -qw "$site" <<<"$(sites "$work/faults/$subject.crash.min")"
	"$kmapsim" repro "$work/faults/$subject.crash.min" --no-events >"$work/faults/$subject.out" 2>&1
	check "... and replays to the leak" grep -q "^BUG: kmapsim: kmap-leak:" "$work/faults/$subject.out"
	mv "$work/faults/$subject.crash.min" "$work/$subject.crash.min"
done
"$kmapsim" triage "$work/faults" | tee "$work/faults.out"
check "triage reads both" grep -q "^kmapsim: triage: 2 inputs in 2 groups" "$work/faults.out"
check "triage calls neither corrupt" bash -c "! grep -q 'corrupt crash file' '$work/faults.out'"
exit $fail

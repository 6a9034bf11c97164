"""`kmapsim bench`: build the release and fuzz presets and run tests/bench/bench.py."""
import glob
import os
import subprocess

from kmapsim_cli import builds, subject_cache
from kmapsim_cli.common import ROOT, STATE, Failure, rel, say, scratch_dir

HELP = """\
Builds the release preset (optimised, no sanitizers) and the fuzz preset
(libFuzzer + ASan + UBSan), then measures, side by side in one run:
  - time to first detection of every zoo bug and of two planted schedule
    bugs, per strategy (default explore, bounded-exhaustive, PCT, uniform
    random, coverage-guided fuzzing): median and max over 5 seeds
  - execs/s of a ~20-step fuzz target against an empty libFuzzer target, and
    the share of an exec spent in the mapping system calls
  - seconds to enumerate every schedule with <= 2 preemptions, per zoo subject
  - the cost of each kmap variant and of a context switch next to the
    mprotect() floor and a 4 KiB memcpy; fiber switches/s; schedules/s
  - peak RSS of a fuzz target after 10k and 1M execs
Prints a table and one line per figure,
  RESULT <name> <value> <unit> target=<target> met=<yes|no>
and writes docs/benchmarks.md (command, date, machine, tables). The machines
are shared and noisy: compare figures within one run. Nothing fails on speed.

  --quick   3 seeds, searches capped at 4 s (10 s for the default
            strategy), 100k execs for memory: about 2-3 minutes once the
            builds are up to date. The full run (5 seeds, caps of 30-60 s,
            1M execs) takes about 10-20 minutes, most of it searches that
            find nothing and the 1M-exec memory runs.

Exit: 0 when the benchmarks ran (targets met or not), 3 when a build or a
benchmark binary failed."""
USAGE = "scripts/kmapsim bench [--quick]"


def add_parser(sub):
    p = sub.add_parser("bench", usage=USAGE, description=HELP, help="benchmarks: a table, RESULT lines, docs/benchmarks.md")
    p.add_argument("--quick", action="store_true")
    p.set_defaults(run=run, setup_first=True)


def zoo_targets():
    out = []
    for expect in sorted(glob.glob(os.path.join(ROOT, "subjects", "*", "expect"))):
        ident = os.path.basename(os.path.dirname(expect)).replace("-", "_")
        if os.path.exists(os.path.join(os.path.dirname(expect), "buggy.c")):  # fixed-only entries have none
            out.append("zoo_%s_buggy" % ident)
        out.append("zoo_%s_fixed" % ident)
    return out


def run(args):
    zoo = zoo_targets()
    say("bench: building the release preset (build/release, -j2)")
    builds.build_preset("release", "kmapsim_bench_micro", "kmapsim_bench_planted", *zoo)
    say("bench: building the fuzz preset (build/fuzz, -j2)")
    builds.build_preset("fuzz", "kmapsim_model", "kmapsim_driver", *zoo)
    # The fuzz preset does not build tests/: its bench subjects are built the
    # way `check` builds a user's file, and the empty target beside them.
    planted_fuzz = subject_cache.build_subject(os.path.join(ROOT, "tests", "bench", "planted.c"))[0]
    subject20_fuzz = subject_cache.build_subject(os.path.join(ROOT, "tests", "bench", "subject20.c"))[0]
    bench_dir = os.path.join(STATE, "bench")
    os.makedirs(bench_dir, exist_ok=True)
    empty_src = os.path.join(ROOT, "tests", "bench", "empty_fuzzer.c")
    empty = os.path.join(bench_dir, "empty_fuzzer")
    if not os.access(empty, os.X_OK) or os.path.getmtime(empty_src) > os.path.getmtime(empty):
        log = os.path.join(bench_dir, "empty_fuzzer.log")
        with open(log, "w") as f:
            rc = subprocess.call(["clang", "-std=gnu11", "-g", "-O0", "-fsanitize=address,undefined,fuzzer",
                                  "-fno-sanitize-recover=all", empty_src, "-o", empty], stdout=f, stderr=subprocess.STDOUT)
        if rc != 0:
            raise Failure("bench: the empty libFuzzer target does not build (see %s)" % rel(log))
    rel_dir = builds.build_dir("release")
    with scratch_dir() as tmp:
        cmd = ["/usr/bin/python3" if os.path.exists("/usr/bin/python3") else "python3",
               os.path.join(ROOT, "tests", "bench", "bench.py")] + (["--quick"] if args.quick else []) + [
            "--micro", os.path.join(rel_dir, "tests", "bench", "kmapsim_bench_micro"),
            "--zoo-release", os.path.join(rel_dir, "subjects"), "--zoo-fuzz", os.path.join(builds.FUZZ_DIR, "subjects"),
            "--planted", os.path.join(rel_dir, "tests", "bench", "kmapsim_bench_planted"), "--planted-fuzz", planted_fuzz,
            "--subject20-fuzz", subject20_fuzz, "--empty-fuzz", empty,
            "--out", os.path.join(ROOT, "docs", "benchmarks.md"), "--tmp", tmp,
            "--command", "scripts/kmapsim bench" + (" --quick" if args.quick else "")]
        rc = subprocess.call(cmd)
    if rc != 0:
        raise Failure("bench: the benchmark run failed (exit %d)" % rc)
    return 0

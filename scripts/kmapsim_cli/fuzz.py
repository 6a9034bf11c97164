"""`kmapsim fuzz`: coverage-guided fuzzing of every in-tree target for a short
total, then a summary table.

Per target it runs libFuzzer for its share of the time on a working corpus
(STATE_DIR/fuzz/corpus/<target>, seeded from corpus/<target>/seeds) and
reads libFuzzer's final statistics and the driver's --json result. A zoo
buggy variant must be re-found with the class its expect file names for the
default profile; every other target must stay clean. Exit 0 when all is as
expected, 1 otherwise.
"""
import glob
import os
import re
import subprocess
import sys
import time

from kmapsim_cli import builds, driver
from kmapsim_cli.common import ROOT, STATE, Unusable, whole_number

HELP = """\
The main job: builds the fuzz preset (libFuzzer + ASan + UBSan), fuzzes
every in-tree target (kmapsim's own fuzz_* targets and both variants of
every zoo entry) for a share of N seconds (default 240 in all; the time
targets leave unused goes to the zoo bugs not re-found in their share),
and prints a table: execs, exec/s, coverage, what was found, what was
expected. A zoo buggy variant must be re-found with its expected class; everything else
must stay clean. Unexpected results are shown in red with their replay
command. Working corpora live in .kmapsim/fuzz/corpus/<target>.

  --seconds N   time budget in all (default 240)
  --list        the targets and what each must give

Exit: 0 all as expected, 1 something unexpected, 2 bad input."""
USAGE = "scripts/kmapsim fuzz [--seconds N] [--list] [TARGET...]"


def add_parser(sub):
    p = sub.add_parser("fuzz", usage=USAGE, description=HELP, help="fuzz every in-tree target, print a summary")
    p.add_argument("targets", nargs="*")
    p.add_argument("--seconds", default="240")
    p.add_argument("--list", action="store_true")
    p.set_defaults(run=run, setup_first=True)


def load_targets(build):
    return list(builds.load_targets(build).values())


def libfuzzer_flags(seconds, artifacts):
    return ["-max_total_time=%d" % seconds, "-print_final_stats=1", "-artifact_prefix=%s/" % artifacts,
            "-max_len=4096", "-timeout=20", "-rss_limit_mb=4096"]


def run_target(t, seconds, state):
    work = os.path.join(state, "fuzz")
    corpus = os.path.join(work, "corpus", t["name"])
    crashes = os.path.join(work, "crashes")
    artifacts = os.path.join(work, "artifacts", t["name"])
    logs = os.path.join(work, "logs")
    for d in (corpus, crashes, artifacts, logs):
        os.makedirs(d, exist_ok=True)
    seeds = os.path.join(ROOT, "corpus", t["name"], "seeds")
    dirs = [corpus] + ([seeds] if os.path.isdir(seeds) else [])
    json_path = os.path.join(work, "result-%s.json" % t["name"])
    if os.path.exists(json_path):
        os.remove(json_path)
    if t["kind"] == "subject":
        cmd = [t["bin"], "--crash-dir", crashes, "--target", t["name"], "--replay-prefix", "scripts/kmapsim repro",
               "--json", json_path, "--fuzz"] + libfuzzer_flags(seconds, artifacts) + dirs
    else:
        cmd = [t["bin"]] + libfuzzer_flags(seconds, artifacts) + dirs
    log = os.path.join(logs, t["name"] + ".log")
    start = time.time()
    with open(log, "w") as f:
        rc = subprocess.call(cmd, stdout=f, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL)
    text = open(log, errors="replace").read()
    res = {"rc": rc, "log": log, "secs": time.time() - start}
    m = re.findall(r"stat::number_of_executed_units:\s*(\d+)", text)
    res["execs"] = int(m[-1]) if m else 0
    m = re.findall(r"stat::average_exec_per_sec:\s*(\d+)", text)
    res["rate"] = int(m[-1]) if m else 0
    m = re.findall(r"\bcov: (\d+)", text)
    res["cov"] = int(m[-1]) if m else 0
    if not res["execs"]:
        m = re.findall(r"#(\d+)\s", text)
        res["execs"] = int(m[-1]) if m else 0
    result = driver.read_result(json_path) if t["kind"] == "subject" else None
    res["finding"] = None
    res["crash"] = None
    if result is not None and result.reported:
        res["finding"] = result["class"]
        res["crash"] = os.path.relpath(os.path.abspath(result["crash_file"]), ROOT)
    elif rc != 0:
        res["finding"] = "kmapsim-crash"  # a finding of libFuzzer/ASan, or an internal error
        arts = sorted(glob.glob(os.path.join(artifacts, "*")), key=os.path.getmtime)
        res["crash"] = os.path.relpath(arts[-1], ROOT) if arts else os.path.relpath(log, ROOT)
    return res


def first_share(total, n):
    """Each of n targets' first share of a budget of total seconds."""
    return max(2, total // max(1, n))


def schedule(targets, total, run_one, clock=time.time):
    """The job's budget of `total` seconds: each target gets an equal part
    of it, then the time the targets left unused (most zoo bugs are
    re-found by their first input) goes to the zoo bugs not re-found yet,
    each an equal part of what is left, going on from its working corpus;
    a job with nothing left to find ends early. run_one(target, seconds,
    again) runs one target and gives its result. Returns the results in
    the order of targets (a second run's execs and seconds add up)."""
    deadline = clock() + total
    results = [run_one(t, first_share(total, len(targets)), False) for t in targets]
    pending = [k for k, t in enumerate(targets) if t["expect"] != "clean" and not results[k]["finding"]]
    for j, k in enumerate(pending):
        left = deadline - clock()
        if left < 2 * (len(pending) - j):
            break
        r = run_one(targets[k], int(left // (len(pending) - j)), True)
        r["execs"] += results[k]["execs"]
        r["secs"] += results[k]["secs"]
        results[k] = r
    return results


def run(args):
    total = whole_number("--seconds", args.seconds)
    build = builds.build_preset("fuzz")
    targets = load_targets(build)
    if args.list:
        w = max(len(t["name"]) for t in targets)
        for t in targets:
            print("%-*s  %s" % (w, t["name"], t["expect"]))
        return 0
    state = STATE
    os.makedirs(state, exist_ok=True)
    wanted = args.targets
    if wanted:
        names = {t["name"] for t in targets}
        for w in wanted:
            if w not in names:
                raise Unusable("fuzz: unknown target '%s' (see scripts/kmapsim fuzz --list)" % w)
        targets = [t for t in targets if t["name"] in wanted]
    tty = sys.stdout.isatty()
    red = (lambda s: "\033[31m%s\033[0m" % s) if tty else (lambda s: s)
    print("kmapsim: fuzzing %d targets, %d s each, then the time left to zoo bugs not re-found (libFuzzer + ASan + UBSan)" %
          (len(targets), first_share(total, len(targets))), flush=True)
    started = [0]

    def run_one(t, seconds, again):
        if tty:
            started[0] += not again
            where = "[again]" if again else "[%d/%d]" % (started[0], len(targets))
            print("\r\033[K  %s %s" % (where, t["name"]), end="", flush=True)
        return run_target(t, seconds, state)

    results = schedule(targets, total, run_one)
    rows, bad = [], 0
    for t, r in zip(targets, results):
        found = r["finding"] or "clean"
        ok = found == t["expect"]
        if not ok:
            bad += 1
        if t["expect"] == "clean":
            verdict = "ok" if ok else "UNEXPECTED"
        else:
            verdict = "re-found" if ok else "NOT re-found" if found == "clean" else "WRONG CLASS"
        rows.append((t, r, found, verdict, ok))
    if tty:
        print("\r\033[K", end="")
    w = max(len(t["name"]) for t in targets)
    print("%-*s %10s %9s %6s  %-22s %-22s %s" % (w, "target", "execs", "exec/s", "cov", "found", "expected", "verdict"))
    for t, r, found, verdict, ok in rows:
        line = "%-*s %10d %9d %6d  %-22s %-22s %s" % (w, t["name"], r["execs"], r["rate"], r["cov"], found, t["expect"], verdict)
        print(line if ok else red(line))
    zoo = [x for x in rows if x[0]["expect"] != "clean"]
    refound = sum(1 for x in zoo if x[4])
    print("kmapsim: %d/%d zoo bugs re-found, %d unexpected result%s" % (refound, len(zoo), bad, "" if bad == 1 else "s"))
    for t, r, found, verdict, ok in rows:
        if not ok and r["crash"]:
            print("  %s: %s (replay: scripts/kmapsim repro %s)" % (t["name"], found, r["crash"]))
        elif not ok:
            print("  %s: log %s" % (t["name"], os.path.relpath(r["log"], ROOT)))
    return 0 if bad == 0 else 1

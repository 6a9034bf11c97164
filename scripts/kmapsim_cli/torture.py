"""`kmapsim torture`: simulated CPUs on real host threads under ThreadSanitizer."""
import os
import re
import subprocess
import sys

from kmapsim_cli import builds, driver, report_json, subject_cache
from kmapsim_cli.common import ROOT, Exit, Failure, Unusable, is_source, is_tty, rel, say, scratch_dir, whole_number

HELP = """\
Torture mode (docs/torture.md): builds the tsan preset (ThreadSanitizer,
build/tsan) and runs simulated CPUs on real host threads for N seconds
(default 60): T CPUs (default 4, at most 8), each played by a host thread,
run the subject's tasks with randomised delays, preemptions, migrations and
interrupts; subject code runs truly in parallel, every kmapsim call takes
the model lock, and the model's invariants are checked continuously.

  (nothing)         the torture hammer (fuzz/torture_hammer.c): T lanes of
                    random legal kmap, kmap_local, kmap_atomic, interrupt,
                    lock and per-CPU traffic at once, on strict-tiny
  ZOO_ENTRY         a zoo entry's fixed variant (subjects/ZOO_ENTRY/fixed.c);
                    ZOO_ENTRY/buggy for its buggy one
  SUBJECT_FILE.c    a subject file (see the README), built with
                    -fsanitize=thread; cached in .kmapsim/torture/

  --seconds N       time budget in whole seconds (default 60)
  --threads T       simulated CPUs = host threads running at once (default 4)
  --profile P       simulated machine (default: the subject's, else strict)
  --seed S          seed of the timing and of kmapsim_pick() (default 1)
  --json FILE       also write the verdict and a kmapsim report as data to
                    FILE ("-": standard output), the document of check
                    --json (docs/report.schema.json); a ThreadSanitizer
                    report is not a kmapsim report: FILE is not written

Stops at the first report: a kmapsim report (as in deterministic mode; its
replay line says replay is best effort: thread timing differs between runs)
or a ThreadSanitizer report (a data race in the subject or in kmapsim).
Exit: 0 clean, 1 a kmapsim or ThreadSanitizer report, 2 unusable input,
3 kmapsim itself failed."""
USAGE = ("scripts/kmapsim torture [--seconds N] [--threads T] [--profile P] [--seed S] [--json FILE]\n"
         "                               [SUBJECT_FILE.c | ZOO_ENTRY[/fixed|/buggy]]")


def add_parser(sub):
    p = sub.add_parser("torture", usage=USAGE, description=HELP,
                       help="simulated CPUs on real threads under ThreadSanitizer")
    p.add_argument("what", nargs="*")
    p.add_argument("--seconds", default="60")
    p.add_argument("--threads", default="4")
    p.add_argument("--profile", default="")
    p.add_argument("--seed", default="1")
    p.add_argument("--json", default="", metavar="FILE")
    p.set_defaults(run=run, setup_first=True)


def binary_of(what, threads):
    """(binary, lanes, what to call it) for the torture operand WHAT."""
    tsan = builds.build_dir("tsan")
    if not what:
        builds.build_preset("tsan", "torture_hammer")
        return os.path.join(tsan, "tests", "torture", "torture_hammer"), threads, "the torture hammer"
    if is_source(what):
        if not os.path.isfile(what):
            raise Unusable("%s: no such file" % what)
        if not os.access(what, os.R_OK):
            raise Unusable("%s: cannot read it" % what)
        src = os.path.abspath(what)
        return subject_cache.build_subject(src, subject_cache.TORTURE)[0], 1, rel(src)
    entry, _, variant = what.partition("/")
    variant = variant or "fixed"
    if variant not in ("fixed", "buggy"):
        raise Unusable("torture: '%s': a zoo entry is ENTRY, ENTRY/fixed or ENTRY/buggy" % what)
    if not os.path.isfile(os.path.join(ROOT, "subjects", entry, variant + ".c")):
        raise Unusable("torture: '%s' is neither a subject file (.c) nor a zoo entry (ls subjects/)" % what)
    target = "zoo_%s_%s" % (entry.replace("-", "_"), variant)
    builds.build_preset("tsan", target)
    return os.path.join(tsan, "subjects", target), 1, "zoo %s (%s)" % (entry, variant)


def run(args):
    if len(args.what) > 1:
        raise Unusable("torture: one subject at a time (got '%s' and '%s')" % tuple(args.what[:2]))
    args.what = args.what[0] if args.what else ""
    seconds = whole_number("--seconds", args.seconds)
    why = report_json.unwritable(args.json)
    if why:
        raise Unusable(why)
    if not re.fullmatch(r"[0-9]+", args.threads) or not 1 <= int(args.threads) <= 8:
        raise Unusable("--threads takes 1 to 8 simulated CPUs, got '%s'" % args.threads)
    if not re.fullmatch(r"[0-9]+", args.seed):
        raise Unusable("--seed takes a whole number, got '%s'" % args.seed)
    threads = int(args.threads)
    rerun = "%s torture --seconds %d --threads %d --seed %s" % (rel(os.path.join(ROOT, "scripts", "kmapsim")), seconds,
                                                              threads, args.seed)
    if args.profile:
        rerun += " --profile " + args.profile
    binary, lanes, label = binary_of(args.what, threads)
    if args.what:
        rerun += " " + args.what
    with scratch_dir() as tmp:
        json_path = os.path.join(tmp, "torture.json")
        rc, err = run_binary(binary, lanes, seconds, threads, args, rerun, label, json_path if args.json else "")
        doc = json_document(rc, json_path) if args.json else None
        if doc is not None:
            report_json.write(args.json, doc)
    if rc == 0:
        return 0
    if rc in (1, 2):
        raise Exit(rc)  # the binary printed the report or the one-line error
    if rc == 66:
        m = next((re.search(r"WARNING: ThreadSanitizer: ([a-z -]+)", line) for line in err
                  if "WARNING: ThreadSanitizer" in line), None)
        if m:
            say("torture: ThreadSanitizer reported the %s above (in the subject, or in kmapsim if the stacks are "
                "model/src); rerun (best effort): %s" % (m.group(1).strip(), rerun))
            raise Exit(1)
        raise Failure("torture: the run stopped unexpectedly (exit 66)")
    raise Failure("torture: the run stopped unexpectedly (exit %d); rerun to see whether it repeats" % rc)


def json_document(rc, json_path):
    """check --json's document for a torture run that ended with exit code
    RC, its driver result in JSON_PATH; None for a ThreadSanitizer report
    or a failure (no kmapsim verdict)."""
    if rc == 0:
        return report_json.document(None)
    result = driver.read_result(json_path) if rc == 1 else None
    if result is not None and result.reported:
        return report_json.document(result)
    return None


def run_binary(binary, lanes, seconds, threads, args, rerun, label, json_path):
    """Runs the torture binary, its stderr shown as it comes: (exit code, stderr lines)."""
    cmd = [binary, "--torture", "--seconds", str(seconds), "--threads", str(threads), "--lanes", str(lanes),
           "--seed", args.seed, "--replay-prefix", rerun]
    if args.profile:
        cmd += ["--profile", args.profile]
    if json_path:
        cmd += driver.json_args(json_path)
    if is_tty():
        cmd.append("--progress")
    say("torture: %s, %d simulated CPUs on host threads, %ds (ThreadSanitizer build)" % (label, threads, seconds))
    # halt_on_error: the first data race ends the run, as a kmapsim report
    # does. Its stderr is shown as it comes and kept to tell the two apart.
    env = dict(os.environ, TSAN_OPTIONS="halt_on_error=1 second_deadlock_stack=1 " + os.environ.get("TSAN_OPTIONS", ""))
    p = subprocess.Popen(cmd, stderr=subprocess.PIPE, env=env)
    err = []
    for raw in iter(p.stderr.readline, b""):
        sys.stderr.buffer.write(raw)
        sys.stderr.flush()
        err.append(raw.decode(errors="replace"))
    return p.wait(), err

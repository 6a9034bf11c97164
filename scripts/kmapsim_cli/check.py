"""`kmapsim check FILE.c`: build a subject file against the model and explore it.

The subject binary comes from the build cache (subject_cache.py). The time
budget is spent in rounds: a long first explore round (the bounded-
exhaustive part restarts in every process, so it gets the most time), then
coverage-guided libFuzzer rounds and further explore rounds with new seeds,
alternating until the budget is spent or a report appears. Every round's
outcome is read from the driver's --json result. A round whose enumerations
covered every run each subject can take ("whole_space") ends the check
early: there is nothing left to try.

Where the binary comes from is one function, subject_binary(): other ways
to name a subject (a kernel tree and FILE:FUNCTION) add a branch there and
their flags in add_parser(); the rounds do not change.
"""
import os
import re
import subprocess
import sys
import time

from kmapsim_cli import driver, report_json, subject_cache
from kmapsim_cli.common import ROOT, STATE, Exit, Failure, Unusable, is_source, is_tty, rel, scratch_dir, \
    whole_number

HELP = """\
Builds FILE (a subject: see the README) against the model, then explores
every KMAPSIM_SUBJECT in it (or only NAME) for N seconds (default 60),
alternating bounded-exhaustive/PCT/random rounds with coverage-guided
libFuzzer rounds, and stops at the first report. It stops early, clean,
when the enumeration has covered every run the subject can take (no
preemption bound reached, every kmapsim_pick() value, every failure of
every fallible call).

  --seconds N     time budget in whole seconds (default 60)
  --profile P     simulated machine (default strict); one of:
                  strict x86-32 x86-32-forcemap arm-vivt x86-64
                  x86-64-forcemap, each also
                  as P-tiny (8 PKMAP slots, small zones)
  --subject NAME  only this subject of the file
  --plain-accesses / --no-plain-accesses
                  whether the subject is compiled with clang's trace-loads/
                  trace-stores hooks, so that a plain load or store of
                  shared memory (a global, the heap) is a scheduling point
                  and a preemption or an interrupt can fall between two
                  plain accesses, as in the kernel. Default: on when the
                  file starts another context (kthread_run, schedule_work,
                  request_irq), off otherwise (nothing could observe it,
                  and a run costs 1 to 8 times more). A crash file
                  records it (`build: plain-accesses`) and `repro` rebuilds
                  the same binary.
  --json FILE     also write the verdict and the report as data to FILE
                  ("-": standard output; docs/report.schema.json)

With --kernel DIR (a tree, or 6.1/6.12 for Debian's, see kernel-src), the
operands are FILE:FUNCTION (functions taken verbatim from the tree, the
harness written from their signatures) or a harness file with
KMAPSIM_IMPORT(...) lines; --before DIR|REV or --patch FILE.patch runs the
same harness on both versions and says introduced / fixed / unchanged;
--convert does so with the functions mechanically converted to
kmap_local_page() (docs/kernel-import.md).

Prints a clean verdict (exit 0), or the report, its crash file and the
command that replays it (exit 1). A file that does not compile, an unknown
profile or subject or a bad flag: one line, exit 2. The build is cached in
.kmapsim/check/; crash files go to .kmapsim/crashes/."""
USAGE = "scripts/kmapsim check FILE.c [--seconds N] [--profile P] [--subject NAME] [--json FILE]"


def add_parser(sub):
    p = sub.add_parser("check", usage=USAGE, description=HELP, add_help=True,
                       help="explore a subject file; report the first kmap misuse")
    p.add_argument("files", nargs="*", metavar="FILE.c")
    p.add_argument("--seconds", default="60")
    p.add_argument("--profile", default="strict")
    p.add_argument("--subject", default="")
    # None: decided per file (plain_accesses_for()).
    p.add_argument("--plain-accesses", dest="plain_accesses", action="store_true", default=None)
    p.add_argument("--no-plain-accesses", dest="plain_accesses", action="store_false")
    p.add_argument("--json", default="", metavar="FILE")
    p.set_defaults(run=run, setup_first=True)


def subject_binary(args):
    """(binary, cache directory, target recorded in crash files, name to print)."""
    f = args.file
    if not f:
        raise Unusable("check: which file? (usage: %s)" % USAGE)
    if not os.path.isfile(f):
        raise Unusable("%s: no such file" % f)
    if not os.access(f, os.R_OK):
        raise Unusable("%s: cannot read it" % f)
    if not is_source(f):
        raise Unusable("%s: not a C or C++ source file (.c, .cc, .cpp)" % f)
    src = os.path.abspath(f)
    if args.plain_accesses is None:
        # decided from the object's undefined symbols, before anything is
        # linked: one link, of the binary the check runs
        _, cache = subject_cache.build_subject(src, link=False)
        args.plain_accesses = True if subject_cache.starts_other_contexts(cache) else None
    binary, cache = subject_cache.build_subject(src, plain_accesses=args.plain_accesses is True)
    return binary, cache, src, rel(src)


def plain_accesses_for(args):
    """Whether the binary subject_binary() chose has the plain-access hooks.

    The default (neither flag) was measured on twelve zoo entries (fixed
    variants, strict, 5000 random runs each, the fuzz build check uses):
    the hooks make every load and store call the model, and each of the
    first 20000 shared ones of a run a scheduling point. A run costs 1.0x
    (copy-page-to-iter-compound, zfs-uiomove-bvec-offset: their accesses
    are to the stack and page contents, which are skipped) to 7.6x
    (skb-seq-read-compound-frag, raid-parity-map-all, crypto-scomp-last-page:
    byte loops over heap buffers) more, median about 2x, and in 5 s the
    bounded-exhaustive rounds complete one or two preemption bounds fewer.
    That only buys something when another context exists to run between two
    plain accesses: then it finds races no API call separates, and a plain
    flag hand-off is no longer a false soft-lockup. So: on for a file that
    starts another context, off otherwise."""
    return args.plain_accesses is True


def list_subjects(binary, cache, profile, label):
    """The subjects in BINARY (the entry CACHE's); Unusable (the driver's
    own line is on stderr) when PROFILE is unknown. The list of a known
    profile is kept in the entry."""
    def ask():
        p = subprocess.run([binary, "--profile", profile, "--list"], stdout=subprocess.PIPE, text=True,
                           stdin=subprocess.DEVNULL)
        if p.returncode != 0:
            raise Unusable("" if p.returncode == 2 else "%s: the subject binary failed (exit %d)" % (label, p.returncode))
        return p.stdout
    if re.match(r"^[a-z0-9-]+$", profile):
        out = subject_cache.remembered(cache, "subjects." + profile, ask)
    else:
        out = ask()  # not a profile's name: the driver says so
    return [line for line in out.splitlines() if line]


def run(args):
    if len(args.files) > 1:
        raise Unusable("check: one FILE at a time (got '%s' and '%s')" % tuple(args.files[:2]))
    args.file = args.files[0] if args.files else ""
    seconds = whole_number("--seconds", args.seconds)
    if not args.profile:
        raise Unusable("check: --profile needs a value")
    why = report_json.unwritable(args.json)
    if why:
        raise Unusable(why)
    binary, cache, target, label = subject_binary(args)
    names = list_subjects(binary, cache, args.profile, label)
    if not names:
        raise Unusable("%s: no KMAPSIM_SUBJECT(...) in this file" % label)
    if args.subject and args.subject not in names:
        raise Unusable("unknown subject '%s' (%s has: %s)" % (args.subject, label, ", ".join(names)))
    with scratch_dir() as tmp:
        build = subject_cache.BUILD_PLAIN_ACCESSES if plain_accesses_for(args) else ""
        rounds = Rounds(binary, cache, target, label, seconds, args.profile, args.subject, tmp, build)
        try:
            with subject_cache.using(cache):
                code = rounds.run()
        except Exit as e:
            if args.json and rounds.reported is not None:
                report_json.write(args.json, report_json.document(rounds.reported, rounds.discarded))
            raise e
        if args.json:
            report_json.write(args.json, report_json.document(None, rounds.discarded, rounds.whole_space))
        return code


class Rounds:
    def __init__(self, binary, cache, target, label, seconds, profile, subject, tmp, build=""):
        self.bin, self.label, self.seconds, self.profile, self.tmp = binary, label, seconds, profile, tmp
        crash_dir = os.path.join(STATE, "crashes")
        os.makedirs(crash_dir, exist_ok=True)
        prefix = "%s repro" % rel(os.path.join(ROOT, "scripts", "kmapsim"))
        self.common = ["--profile", profile, "--crash-dir", rel(crash_dir), "--replay-prefix", prefix, "--target", target]
        if subject:
            self.common += ["--subject", subject]
        if build:
            self.common += ["--build", build]  # written into crash files: repro rebuilds the same binary
        which = "%s-%s" % (profile, subject or "all")
        self.corpus = os.path.join(cache, "corpus-" + which)
        self.artifacts = os.path.join(cache, "artifacts")
        self.log = os.path.join(cache, "fuzz-%s.log" % which)
        self.reported = None  # the driver's Result of a report
        self.discarded = 0  # runs that broke the entry check (explore rounds)
        self.whole_space = False  # an explore round covered every run of every subject
        for d in (self.corpus, self.artifacts):
            os.makedirs(d, exist_ok=True)
        open(self.log, "w").close()

    def run(self):
        deadline = time.monotonic() + self.seconds
        slice_ = max(2, self.seconds // 6)
        first = (self.seconds + 1) // 2
        verdict = ""
        explore_rounds = fuzz_rounds = runs = fuzz_seconds = 0
        rnd = 0
        while True:
            left = int(deadline - time.monotonic() + 0.5)
            if left < 1:
                break
            length = min(first if rnd == 0 else slice_, left)
            # A coverage-guided round lasts at least 2 s (fuzz_round): a
            # last second left over is explored instead, so the check ends
            # on time.
            if rnd % 2 == 0 or length < 2:
                out, result = self.explore_round(length, explore_rounds + 1)
                explore_rounds += 1
                if explore_rounds == 1:
                    verdict = out
                runs += result.get("runs", 0)
                subjects = result.get("subjects") or []
                if subjects and all(s.get("whole_space") for s in subjects):
                    # Every run each subject can take has been made: more
                    # rounds, of either kind, would only repeat them.
                    self.whole_space = True
                    break
            else:
                self.fuzz_round(length)
                fuzz_rounds += 1
                fuzz_seconds += length
            rnd += 1
        sys.stdout.write(verdict)
        if fuzz_rounds or explore_rounds > 1:
            # The first round's verdict counts its own runs; this line counts
            # every explore round's, and so does --json's "discarded".
            discarded = ", %d of them discarded at the entry check" % self.discarded if self.discarded else ""
            fuzzed = ""
            if fuzz_rounds:
                inputs = sum(len(files) for _, _, files in os.walk(self.corpus))
                fuzzed = "; %d coverage-guided round(s), %ds, corpus of %d input(s)" % (fuzz_rounds, fuzz_seconds, inputs)
            print("kmapsim: clean: %s on %s: no report in %ds: %d explore round(s), %d runs in all%s%s" % (
                self.label, self.profile, self.seconds, explore_rounds, runs, discarded, fuzzed))
        sys.stdout.flush()
        return 0

    def explore_round(self, length, seed):
        """One explore round: its verdict lines (stdout) are returned; a report
        (stderr) goes straight to the user, then exit 1."""
        args = ["--explore", "--seconds", str(length), "--seed", str(seed)] + (["--progress"] if is_tty() else [])
        p, result = driver.run(self.bin, args + self.common, os.path.join(self.tmp, "round.json"),
                               stdout=subprocess.PIPE, text=True, stdin=subprocess.DEVNULL)
        if result is not None:
            self.discarded += result.get("discarded", 0)
        if p.returncode == 1 and result is not None and result.reported:
            self.reported = result
        if p.returncode in (1, 2):
            raise Exit(p.returncode)  # the binary printed the report or the one-line error
        if p.returncode != 0 or result is None:
            raise Failure("the explorer stopped unexpectedly (exit %d); rerun to see whether it repeats" % p.returncode)
        return p.stdout, result

    def fuzz_round(self, length):
        """One coverage-guided round. libFuzzer's output goes to the log; only
        a report reaches the terminal."""
        json_path = os.path.join(self.tmp, "fuzz.json")
        if os.path.exists(json_path):
            os.remove(json_path)
        # libFuzzer stops once its whole elapsed seconds exceed
        # -max_total_time, so N runs for N + 1 s: ask one second less.
        cmd = [self.bin] + self.common + driver.json_args(json_path) + [
            "--fuzz", "-max_total_time=%d" % (length - 1), "-artifact_prefix=%s/" % self.artifacts, "-print_final_stats=0",
            self.corpus]
        if is_tty():
            sys.stderr.write("\r\033[Kkmapsim: coverage-guided fuzzing for %ds" % length)
            sys.stderr.flush()
        p = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
                           text=True, errors="replace")
        if is_tty():
            sys.stderr.write("\r\033[K")
        with open(self.log, "a") as f:
            f.write(p.stdout)
        if p.returncode == 0:
            return
        result = driver.read_result(json_path)
        if result is not None and result.reported:
            self.reported = result
            # Our report, exactly as the explore rounds print it.
            sys.stderr.write(result["report"])
            sys.stderr.write("kmapsim: crash file: %s\n" % result["crash_file"])
            raise Exit(1)
        lines = p.stdout.splitlines()
        if p.returncode == 2 and lines:
            print(lines[-1], file=sys.stderr)  # the driver's one-line error comes last
            raise Exit(2)
        # Something that is not a kmapsim report: a sanitizer error in the
        # subject's own memory, a timeout, an out-of-memory.
        msg = ["kmapsim: the fuzzer stopped on a finding that is not a kmapsim report (exit %d):" % p.returncode]
        found = [line for line in lines if re.match(r"^==[0-9]+==ERROR|^SUMMARY:|.*ERROR: libFuzzer", line)][:3]
        msg += found or lines[-5:]
        m = re.search(r"Test unit written to (\S+)", p.stdout)
        if m:
            msg.append("kmapsim: input: %s (replay: %s --replay-bytes %s)" % (m.group(1), rel(self.bin), m.group(1)))
        msg.append("kmapsim: full output: %s" % rel(self.log))
        print("\n".join(msg), file=sys.stderr)
        raise Exit(1)

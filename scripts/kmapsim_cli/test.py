"""`kmapsim test [-L LABEL]`: build the presets that have tests and run CTest in each.

A label runs in exactly the builds that build its tests: dev and fuzz build
everything they register, but the tsan preset builds only the torture tests'
targets, so there only tests labelled `torture` are selected (with the
user's -L on top: ctest ANDs several -L). LABELS is the README's table.
"""
import json
import shutil
import subprocess

from kmapsim_cli import builds
from kmapsim_cli.common import JOBS, ROOT, Exit, Failure, Unusable, say

HELP = """\
Configures and builds every preset that has tests (dev: ASan + UBSan;
fuzz: libFuzzer + ASan + UBSan; tsan: ThreadSanitizer, only the torture
tests' targets), then runs in each
  ctest --test-dir build/<preset> --output-on-failure -j2 [-L LABEL] [CTEST ARGS...]
Exits non-zero if any test fails, or if no test matched anywhere (an empty
selection is an error, not a pass). Labels: unit, driver, zoo, corpus,
properties, cli (dev); fuzz-smoke, cfl (fuzz); torture (tsan: the only
label built and run there). List them with
`ctest --test-dir build/<preset> --print-labels`."""
USAGE = "scripts/kmapsim test [-L LABEL] [CTEST ARGS...]"

# The presets whose CTest suites `test` runs, in order, with what is built
# (None: everything) and the labels selected there (None: all).
PRESETS = [
    ("dev", None, None),
    ("fuzz", None, None),
    ("tsan", ["torture_deps"], "^torture$"),
]
# Each label of the README's table and the one preset that builds its tests.
LABELS = {"unit": "dev", "driver": "dev", "zoo": "dev", "corpus": "dev", "properties": "dev", "cli": "dev", "kernel": "dev",
          "fuzz-smoke": "fuzz", "cfl": "fuzz", "torture": "tsan"}


# What a full run from a clean clone writes under the clone: the three
# builds, both Debian kernel trees unpacked, the subject caches of the kernel
# and driver tests (6.9 GiB measured on 2026-12-01; FULL_RUN_GIB is that,
# rounded up). A full disk fails every later compile and link, so CI would
# show dozens of failures whose cause is only in the logs; the run says so
# before and after.
FULL_RUN_GIB = 8
NEARLY_FULL_MIB = 512


def free_mib():
    return shutil.disk_usage(ROOT).free >> 20


def disk_before():
    """A warning when the clone's file system has less free space than a full
    run from a clean clone writes (a run that reuses its builds needs less)."""
    free = free_mib()
    if free < FULL_RUN_GIB << 10:
        say("test: only %d MiB free under %s; a full run from a clean clone writes about %d GiB there "
            "(builds, both kernel trees, subject caches): tests may fail for want of space" % (free, ROOT, FULL_RUN_GIB))


def disk_after_failure():
    """After failed tests: whether the disk filled up, the likeliest common cause."""
    free = free_mib()
    if free < NEARLY_FULL_MIB:
        say("test: the disk is nearly full (%d MiB free under %s): the failures above may be for want of space"
            % (free, ROOT))


def add_parser(sub):
    p = sub.add_parser("test", usage=USAGE, description=HELP, add_help=False, help="build and run the tests")
    p.passthrough = True
    p.set_defaults(run=run, setup_first=True)


def split_labels(argv):
    """(the -L/--label-regex values, the other ctest arguments). Parsed by
    hand: argparse would read ctest's -LE as -L E."""
    labels, rest, i = [], [], 0
    while i < len(argv):
        a = argv[i]
        if a in ("-L", "--label-regex"):
            if i + 1 >= len(argv):
                raise Unusable("test: %s needs a value" % a)
            labels.append(argv[i + 1])
            i += 2
            continue
        if a.startswith("--label-regex="):
            labels.append(a.split("=", 1)[1])
        else:
            rest.append(a)
        i += 1
    return labels, rest


def ctest_args(preset_labels, labels, rest):
    args = []
    if preset_labels:
        args += ["-L", preset_labels]
    for label in labels:
        args += ["-L", label]
    return args + list(rest)


def count(preset, args):
    """How many tests ctest would run in build/PRESET with ARGS (0 when the
    tree is not there)."""
    p = subprocess.run(["ctest", "--test-dir", builds.build_dir(preset), "--show-only=json-v1"] + args,
                       stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    if p.returncode != 0:
        return 0
    try:
        return len(json.loads(p.stdout).get("tests", []))
    except ValueError:
        return 0


def plan(labels, rest):
    """[(preset, ctest arguments, number of tests)] for every preset."""
    out = []
    for preset, _, sel in PRESETS:
        cargs = ctest_args(sel, labels, rest)
        out.append((preset, cargs, count(preset, cargs)))
    return out


def run(args):
    args.labels, args.rest = split_labels(args.rest)
    disk_before()
    for preset, targets, _ in PRESETS:
        say("building the %s preset (build/%s, -j%d)" % (preset, preset, JOBS))
        try:
            builds.build_preset(preset, *(targets or []))
        except Failure:
            disk_after_failure()
            raise
    total = 0
    rc = 0
    for preset, cargs, n in plan(args.labels, args.rest):
        if n == 0:
            continue
        total += n
        say("running %d tests of build/%s" % (n, preset))
        r = subprocess.call(["ctest", "--test-dir", builds.build_dir(preset), "--output-on-failure", "-j", str(JOBS)]
                            + cargs)
        rc = rc or r
    selection = " ".join(sum((["-L", label] for label in args.labels), []) + args.rest)
    if total == 0:
        say("test: no tests matched%s: nothing was tested" % (" (%s)" % selection if selection else ""))
        raise Exit(1)
    if rc != 0:
        disk_after_failure()
        say("test: FAILED (ctest exit %d)" % rc)
        raise Exit(1)
    say("test: all %d tests passed" % total)
    return 0

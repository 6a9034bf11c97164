"""`kmapsim repro CRASH`: replay a crash file (its target is built if needed)."""
import os
import subprocess

from kmapsim_cli import crash_file, driver, report_json, subject_cache
from kmapsim_cli.common import Exit, Unusable, is_source, readable_file, scratch_dir

HELP = """\
Replays a crash file (.kmapsim/crashes/*.crash, a CRASH.min from `minimize`)
and prints the event trace of the run (every event: task, CPU, what it did),
then the same report.
The file names its target: a subject source file (built as `check` builds
it, cached; with the plain-access hooks when the file says `build:
plain-accesses`) or a binary under build/fuzz or build/dev (built if
missing).
  --twice      replay it twice and check that both runs are identical
  --no-events  only the report (it ends with the last events anyway)
  --json FILE  also write the report as data to FILE ("-": standard
               output; docs/report.schema.json)
Exit: 1 the report reproduced, 0 the replay ran clean, 2 the crash file is
missing, unreadable, corrupt or from another kmapsim version."""
USAGE = "scripts/kmapsim repro CRASH [--twice] [--no-events] [--json FILE]"


def add_parser(sub):
    p = sub.add_parser("repro", usage=USAGE, description=HELP, help="replay a crash file")
    p.add_argument("crash", nargs="*")
    p.add_argument("--twice", action="store_true")
    p.add_argument("--events", dest="events", action="store_true", default=True)
    p.add_argument("--no-events", dest="events", action="store_false")
    p.add_argument("--json", default="", metavar="FILE")
    p.set_defaults(run=run, setup_first=True)


def crash_file_binary(path):
    """The binary that replays crash file PATH: its target, a subject source
    file (built as `check` builds it) or a binary of the build."""
    readable_file(path)
    if not crash_file.is_crash_file(path):
        raise Unusable("%s: not a kmapsim crash file (no 'kmapsim-crash' header)" % path)
    target = build = ""
    with open(path, errors="replace") as f:
        for line in f:
            if line.startswith("target: ") and not target:
                target = line[len("target: "):].rstrip("\n")
            elif line.startswith("build: "):
                build = line[len("build: "):].rstrip("\n")
            elif line.startswith("report: "):
                break  # the fields that say how to build come before it
    if not target:
        raise Unusable("%s: corrupt crash file: no 'target:' line" % path)
    if is_source(target):
        src = subject_cache.source_path(target)
        if not os.path.isfile(src):
            raise Unusable("%s: its subject file %s no longer exists" % (path, target))
        # The same binary the crash came from: `build: plain-accesses` (check
        # --plain-accesses) or, without the line, the default build.
        plain = build == subject_cache.BUILD_PLAIN_ACCESSES
        if build and not plain:
            raise Unusable("%s: unknown build '%s' (this kmapsim knows '%s')" % (path, build,
                                                                             subject_cache.BUILD_PLAIN_ACCESSES))
        return subject_cache.build_subject(src, plain_accesses=plain)[0]
    binary = subject_cache.find_target_binary(target)
    if not binary:
        raise Unusable("%s: no binary '%s' under build/fuzz or build/dev" % (path, os.path.basename(target)))
    return binary


def run(args):
    if len(args.crash) > 1:
        raise Unusable("repro: one crash file at a time")
    if not args.crash:
        raise Unusable("repro: which crash file? (usage: %s)" % USAGE)
    args.crash = args.crash[0]
    why = report_json.unwritable(args.json)
    if why:
        raise Unusable(why)
    binary = crash_file_binary(args.crash)
    # The driver validates the rest of the file (one line and exit 2 when
    # corrupt) and prints the events and the report itself.
    cmd = [binary, "--replay", args.crash] + (["--twice"] if args.twice else []) + (["--events"] if args.events else [])
    if not args.json:
        raise Exit(subprocess.call(cmd))
    with scratch_dir() as tmp:
        p, result = driver.run(binary, cmd[1:], os.path.join(tmp, "repro.json"))
        if p.returncode in (0, 1):
            report_json.write(args.json, report_json.document(result if p.returncode == 1 else None))
    raise Exit(p.returncode)

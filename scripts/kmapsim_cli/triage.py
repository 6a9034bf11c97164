"""`kmapsim triage DIR...`: group crash files and raw inputs by class and site.

Every file under the paths is looked at: kmapsim crash files are grouped by
the class and site of their recorded report (findings.py says what a site
is); libFuzzer artifacts (crash-*, timeout-*, oom-*, leak-*) are replayed
on their target (a folder of that name on their path, as in
overnight/artifacts/<target>/, or --target) and grouped the same way. Other
files are skipped. One row per group: class, count, site, then one
representative (a crash file if the group has one, the smallest) and its
replay command.
"""
import os
import shutil
import sys
import tempfile

from kmapsim_cli import builds, crash_file, report_json
from kmapsim_cli import findings as fnd
from kmapsim_cli.common import Unusable

HELP = """\
Groups the findings under DIR by class and site and prints one row per
group: class, count, site, then one representative and the command that
replays it. A site is the subject and the report's first line with numbers
normalised (addresses and pfns differ between two runs of one bug).
Kmapsim crash files are grouped by the report they recorded; libFuzzer's raw
inputs (crash-, timeout-, oom-, leak-<sha1>) are replayed on their target:
the folder of that name on their path (as in overnight's artifacts/<target>/)
or --target NAME. Other files are skipped.
--json FILE also writes the groups as data to FILE ("-": standard output):
{"format": "kmapsim-triage 1", "groups": [{"class", "count", "site",
"first_line", "targets", "example", "replay"}], "clean", "untargeted",
"unreadable", "skipped"}; `repro --json` of an example gives its report.
Exit: 0 the table was printed, 2 DIR does not exist or an unknown target."""
USAGE = "scripts/kmapsim triage DIR... [--target NAME] [--json FILE]"


def add_parser(sub):
    p = sub.add_parser("triage", usage=USAGE, description=HELP, help="group crash files by class and site")
    p.add_argument("paths", nargs="*")
    p.add_argument("--target")
    p.add_argument("--json", default="", metavar="FILE")
    p.set_defaults(run=run, setup_first=True)


def die(msg):
    raise Unusable("triage: " + msg)


def files_under(paths):
    for p in paths:
        if os.path.isfile(p):
            yield p
            continue
        for d, subdirs, names in os.walk(p):
            subdirs.sort()
            for n in sorted(names):
                yield os.path.join(d, n)


def decisions(f):
    if f["kind"] != "crash-file":
        return os.path.getsize(f["path"])
    try:
        return len(crash_file.read(f["path"]).trace)
    except (OSError, ValueError):
        return 1 << 30


def run(args):
    if not args.paths:
        raise Unusable("triage: which directory? (usage: %s)" % USAGE)
    for p in args.paths:
        if not os.path.exists(p):
            raise Unusable("%s: no such file or directory" % p)
    why = report_json.unwritable(args.json)
    if why:
        raise Unusable(why)
    targets = fnd.load_targets(builds.build_preset("fuzz"))
    if args.target and args.target not in targets:
        die("unknown target '%s' (see scripts/kmapsim fuzz --list)" % args.target)
    tty = sys.stdout.isatty()
    groups, clean, untargeted, corrupt, skipped = {}, [], [], [], 0
    scratch = tempfile.mkdtemp(prefix="kmapsim-triage.")
    try:
        for path in files_under(args.paths):
            if fnd.is_crash_file(path):
                try:
                    f = fnd.from_crash_file(path)
                except (OSError, ValueError) as e:
                    corrupt.append("%s (%s)" % (path, e))
                    continue
            elif fnd.is_artifact_name(path):
                t = targets[args.target] if args.target else fnd.target_of_path(path, targets)
                if not t:
                    untargeted.append(path)
                    continue
                if tty:
                    sys.stderr.write("\r\033[Kkmapsim: triage: replaying %s" % os.path.basename(path))
                f = fnd.replay_artifact(t, path, scratch)
                if f is None:
                    clean.append(path)
                    continue
            else:
                skipped += 1
                continue
            groups.setdefault(f["key"], []).append(f)
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
        if tty:
            sys.stderr.write("\r\033[K")
    n = sum(len(v) for v in groups.values())
    print("kmapsim: triage: %d input%s in %d group%s (class and site)%s" % (
        n, "" if n == 1 else "s", len(groups), "" if len(groups) == 1 else "s",
        "; %d other file%s skipped" % (skipped, "" if skipped == 1 else "s") if skipped else ""))
    rows = sorted(groups.values(), key=lambda fs: (-len(fs), fs[0]["class"], fs[0]["site"]))
    if rows:
        w = max([len("class")] + [len(fs[0]["class"]) for fs in rows])
        print("%-*s  %5s  %s" % (w, "class", "count", "site"))
        for fs in rows:
            rep = min(fs, key=lambda f: (f["kind"] != "crash-file", decisions(f), not f["path"].endswith(".min"), f["path"]))
            targets_in = sorted({f["target"] for f in fs if f["target"]})
            print("%-*s  %5d  %s" % (w, fs[0]["class"], len(fs), fs[0]["site"]))
            print("%*s  target%s: %s" % (w + 7, "", "s" if len(targets_in) > 1 else "", ", ".join(targets_in) or "?"))
            print("%*s  example: %s" % (w + 7, "", rep["path"]))
            print("%*s  replay:  %s" % (w + 7, "", rep["replay"]))
    if args.json:
        doc = {"format": "kmapsim-triage 1", "groups": [], "clean": clean, "untargeted": untargeted,
               "unreadable": corrupt, "skipped": skipped}
        for fs in rows:
            rep = min(fs, key=lambda f: (f["kind"] != "crash-file", decisions(f), not f["path"].endswith(".min"), f["path"]))
            doc["groups"].append({"class": fs[0]["class"], "count": len(fs), "site": fs[0]["site"],
                                  "first_line": rep.get("first_line"),
                                  "targets": sorted({f["target"] for f in fs if f["target"]}),
                                  "example": rep["path"], "replay": rep["replay"]})
        report_json.write(args.json, doc)
    for label, items in (("replay clean (flaky or fixed)", clean), ("no target known: pass --target NAME", untargeted),
                         ("unreadable", corrupt)):
        if items:
            print("kmapsim: triage: %d %s:" % (len(items), label))
            for p in items[:10]:
                print("  " + p)
            if len(items) > 10:
                print("  ... and %d more" % (len(items) - 10))
    return 0


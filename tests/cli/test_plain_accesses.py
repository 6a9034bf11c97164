"""check's plain-access hooks (--plain-accesses / --no-plain-accesses): the
subject's plain loads and stores of shared memory are scheduling points.
tests/subjects/plain_race.c has a race only a preemption between two plain
accesses shows: check finds it with the hooks (the default there: it starts
kthreads) and not without; the crash file says `build: plain-accesses`,
and repro rebuilds that binary and replays the same report."""
import os
import re

from conftest import ROOT

from kmapsim_cli import crash_file as cf

RACE = "tests/subjects/plain_race.c"
SINGLE = "subjects/btrfs-lzo-kmap-leak/buggy.c"  # one task: the hooks are off by default


def first_report_line(text):
    return next((line for line in text.splitlines() if line.startswith("BUG: kmapsim: ")), "")


def check(run_kmapsim, *args):
    """(first report line, crash file path) of a check that must report."""
    p = run_kmapsim("check", *args, timeout=600)
    assert p.returncode == 1, p.stdout + p.stderr
    m = re.search(r"kmapsim: crash file: (\S+)", p.stderr)
    assert m, p.stderr
    return first_report_line(p.stderr), os.path.join(ROOT, m.group(1))


def test_race_found_by_default_and_replayed_by_repro(run_kmapsim, tmp_path):
    first, path = check(run_kmapsim, RACE, "--seconds", "20")
    assert first.startswith("BUG: kmapsim: kunmap-bad-address: kunmap() of pfn "), first
    text = open(path).read()
    assert "\nprofile: strict\nbuild: plain-accesses\nreport: " in text
    assert cf.decode(text).encode() == text  # the C++ writer and the Python reader agree
    r = run_kmapsim("repro", path, "--no-events", timeout=600)
    assert r.returncode == 1, r.stdout + r.stderr
    assert first_report_line(r.stderr) == first
    # The same trace on the binary without the hooks (the line removed) is
    # another program: its run does not reach the report.
    plain = tmp_path / "no-build-line.crash"
    plain.write_text(text.replace("build: plain-accesses\n", ""))
    r = run_kmapsim("repro", str(plain), "--no-events", timeout=600)
    assert r.returncode != 1 and "kunmap-bad-address" not in r.stderr, r.stdout + r.stderr


def test_race_unseen_without_the_hooks(run_kmapsim):
    p = run_kmapsim("check", RACE, "--no-plain-accesses", "--seconds", "5", timeout=600)
    assert p.returncode == 0, p.stdout + p.stderr
    assert p.stdout.startswith("kmapsim: clean: plain_claim_race on strict: "), p.stdout


def test_single_context_file_is_built_without_hooks_unless_asked(run_kmapsim):
    first, path = check(run_kmapsim, SINGLE, "--seconds", "10")
    assert first.startswith("BUG: kmapsim: kmap-leak: "), first
    assert "\nbuild:" not in open(path).read()
    first, path = check(run_kmapsim, SINGLE, "--seconds", "10", "--plain-accesses")
    assert first.startswith("BUG: kmapsim: kmap-leak: "), first
    assert "\nbuild: plain-accesses\n" in open(path).read()
    r = run_kmapsim("repro", path, "--no-events", timeout=600)
    assert r.returncode == 1 and first_report_line(r.stderr) == first, r.stdout + r.stderr


def test_unknown_build_is_one_line(run_kmapsim, tmp_path):
    c = cf.CrashFile(RACE, "plain_claim_race", "strict", "BUG: kmapsim: kunmap-bad-address: x", "r", [(0, 1)],
                     build="something-else")
    path = tmp_path / "x.crash"
    path.write_text(c.encode())
    r = run_kmapsim("repro", str(path))
    assert r.returncode == 2
    assert r.stderr == "kmapsim: %s: unknown build 'something-else' (this kmapsim knows 'plain-accesses')\n" % path

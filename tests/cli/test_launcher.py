"""scripts/kmapsim as users run it: --help of every subcommand, bad flags and
operands (one line, exit 2), an unknown subcommand."""
import os

import pytest
from conftest import ROOT

COMMANDS = ["check", "repro", "test", "setup", "overnight", "minimize", "triage", "fuzz", "bench", "torture"]


def one_line(p):
    lines = p.stderr.splitlines()
    assert len(lines) == 1, p.stderr
    assert lines[0].startswith("kmapsim: ")
    return lines[0]


@pytest.mark.parametrize("args", [[], ["help"], ["-h"], ["--help"]])
def test_usage(run_kmapsim, args):
    p = run_kmapsim(*args)
    assert p.returncode == 0
    assert p.stdout.startswith("usage: scripts/kmapsim COMMAND")
    for c in COMMANDS:
        assert "\n  %s" % c in p.stdout


@pytest.mark.parametrize("cmd", COMMANDS)
def test_help(run_kmapsim, cmd):
    for flag in ("--help", "-h"):
        p = run_kmapsim(cmd, flag)
        assert p.returncode == 0, p.stderr
        assert p.stdout.startswith("usage: scripts/kmapsim %s" % cmd)
        assert p.stderr == ""


@pytest.mark.parametrize("cmd", [c for c in COMMANDS if c != "test"])
def test_unknown_flag(run_kmapsim, cmd):
    p = run_kmapsim(cmd, "--no-such-flag")
    assert p.returncode == 2
    assert one_line(p) == "kmapsim: %s: unknown flag '--no-such-flag' (see: scripts/kmapsim %s --help)" % (cmd, cmd)


def test_unknown_command(run_kmapsim):
    p = run_kmapsim("frobnicate")
    assert p.returncode == 2
    assert one_line(p) == "kmapsim: unknown command 'frobnicate' (see: scripts/kmapsim help)"


@pytest.mark.parametrize("args,line", [
    (["check"], "kmapsim: check: which file? (usage: scripts/kmapsim check FILE.c [--seconds N] [--profile P] "
                "[--subject NAME] [--json FILE])"),
    (["check", "no-such.c"], "kmapsim: no-such.c: no such file"),
    (["check", "README.md"], "kmapsim: README.md: not a C or C++ source file (.c, .cc, .cpp)"),
    (["check", "x.c", "--seconds", "0"], "kmapsim: --seconds takes a whole number of seconds > 0, got '0'"),
    (["check", "x.c", "--seconds"], "kmapsim: check: --seconds needs a value"),
    (["check", "a.c", "b.c"], "kmapsim: check: one FILE at a time (got 'a.c' and 'b.c')"),
    (["check", "a.c", "--seconds", "5", "b.c"], "kmapsim: check: one FILE at a time (got 'a.c' and 'b.c')"),
    (["repro", "a", "b"], "kmapsim: repro: one crash file at a time"),
    (["minimize", "a", "b"], "kmapsim: minimize: one input at a time"),
    (["torture", "a", "b"], "kmapsim: torture: one subject at a time (got 'a' and 'b')"),
    (["repro"], "kmapsim: repro: which crash file? (usage: scripts/kmapsim repro CRASH [--twice] [--no-events] [--json FILE])"),
    (["repro", "no-such.crash"], "kmapsim: no-such.crash: no such file"),
    (["repro", "README.md"], "kmapsim: README.md: not a kmapsim crash file (no 'kmapsim-crash' header)"),
    (["minimize", "no-such"], "kmapsim: no-such: no such file"),
    (["triage", "no-such-dir"], "kmapsim: no-such-dir: no such file or directory"),
    (["torture", "--threads", "9"], "kmapsim: --threads takes 1 to 8 simulated CPUs, got '9'"),
    (["torture", "--seed", "x"], "kmapsim: --seed takes a whole number, got 'x'"),
    (["torture", "no-such-entry"], "kmapsim: torture: 'no-such-entry' is neither a subject file (.c) nor a zoo "
                                   "entry (ls subjects/)"),
    (["overnight", "--hours", "-1"], "kmapsim: --hours takes a number of hours > 0, got '-1'"),
    (["overnight", "--jobs", "0"], "kmapsim: --jobs takes a whole number > 0, got '0'"),
    (["overnight", "--out", "README.md"], "kmapsim: --out README.md: not a directory"),
    (["fuzz", "--seconds", "x"], "kmapsim: --seconds takes a whole number of seconds > 0, got 'x'"),
    (["bench", "extra"], "kmapsim: bench: unexpected argument 'extra' (see: scripts/kmapsim bench --help)"),
    # an output file that cannot be written is said before any work (not an
    # internal error once the check is over)
    (["check", "x.c", "--json", "/no-such-dir/r.json"], "kmapsim: --json /no-such-dir/r.json: no directory /no-such-dir "
                                                         "to write it in"),
    (["check", "x.c", "--json", "scripts"], "kmapsim: --json scripts: a directory; name a file"),
    (["repro", "x.crash", "--json", "/no-such-dir/r.json"], "kmapsim: --json /no-such-dir/r.json: no directory "
                                                             "/no-such-dir to write it in"),
    (["torture", "x", "--json", "/no-such-dir/r.json"], "kmapsim: --json /no-such-dir/r.json: no directory /no-such-dir "
                                                         "to write it in"),
    (["triage", "scripts", "--json", "/no-such-dir/r.json"], "kmapsim: --json /no-such-dir/r.json: no directory "
                                                              "/no-such-dir to write it in"),
])
def test_unusable_input(run_kmapsim, args, line):
    p = run_kmapsim(*args)
    assert p.returncode == 2, p.stderr
    assert one_line(p) == line


def test_corrupt_crash_file_is_one_line(run_kmapsim, tmp_path):
    bad = tmp_path / "bad.crash"
    bad.write_text("kmapsim-crash 1\nsubject: x\n")
    p = run_kmapsim("repro", str(bad))
    assert p.returncode == 2
    assert one_line(p) == "kmapsim: %s: corrupt crash file: no 'target:' line" % bad


def test_runs_from_another_directory(run_kmapsim, tmp_path):
    p = run_kmapsim("check", "--help", cwd=str(tmp_path))
    assert p.returncode == 0 and p.stdout.startswith("usage: scripts/kmapsim check")


def test_launcher_runs_debians_python():
    text = open(os.path.join(ROOT, "scripts", "kmapsim")).read()
    assert text.startswith("#!/bin/sh\n")
    assert "py=/usr/bin/python3" in text


def test_compiled_modules_go_to_kmapsims_cache():
    # kmapsim's modules are compiled once into .kmapsim/pycache/, even where
    # PYTHONDONTWRITEBYTECODE is set; never into the source tree
    import subprocess
    env = dict(os.environ, PYTHONDONTWRITEBYTECODE="1")
    p = subprocess.run([os.path.join(ROOT, "scripts", "kmapsim"), "help"], env=env, stdout=subprocess.PIPE,
                       stderr=subprocess.PIPE, text=True, stdin=subprocess.DEVNULL)
    assert p.returncode == 0, p.stderr
    cached = os.path.join(ROOT, ".kmapsim", "pycache") + os.path.join(ROOT, "scripts", "kmapsim_cli")
    assert any(f.startswith("main.") and f.endswith(".pyc") for f in os.listdir(cached))
    for d, dirs, _ in os.walk(os.path.join(ROOT, "scripts")):
        assert "__pycache__" not in dirs, d

"""Argument handling: argparse's errors become kmapsim's one-line errors;
`test` passes ctest's own flags through."""
import pytest

from kmapsim_cli import main, test
from kmapsim_cli.common import KmapsimExit


@pytest.mark.parametrize("message,line", [
    ("unrecognized arguments: --nope", "check: unknown flag '--nope' (see: scripts/kmapsim check --help)"),
    ("unrecognized arguments: b.c", "check: unexpected argument 'b.c' (see: scripts/kmapsim check --help)"),
    ("argument --seconds: expected one argument", "check: --seconds needs a value"),
])
def test_one_line_errors(message, line):
    assert main.one_line_error("check", message) == line


def test_split_labels_keeps_ctest_flags():
    assert test.split_labels(["-L", "zoo", "-LE", "x", "-R", "y", "--label-regex=a|b"]) == (
        ["zoo", "a|b"], ["-LE", "x", "-R", "y"])


def test_split_labels_needs_a_value():
    with pytest.raises(KmapsimExit) as e:
        test.split_labels(["-R", "x", "-L"])
    assert e.value.code == 2 and e.value.message == "test: -L needs a value"


def test_tsan_runs_only_torture():
    tsan = [p for p in test.PRESETS if p[0] == "tsan"][0]
    assert test.ctest_args(tsan[2], ["properties"], ["-R", "x"]) == ["-L", "^torture$", "-L", "properties", "-R", "x"]
    dev = [p for p in test.PRESETS if p[0] == "dev"][0]
    assert test.ctest_args(dev[2], [], []) == []


def test_every_subcommand_is_dispatched():
    _, sub = main.build_parser()
    assert sorted(sub.choices) == sorted(["check", "repro", "test", "setup", "overnight", "minimize", "triage", "fuzz",
                                          "bench", "torture", "kernel-src"])

"""`check` on a subject whose every run the enumeration covers
(tests/subjects/whole_space.c, the dev build's binary standing in for the
subject cache's): one explore round, no coverage-guided round, the clean
verdict says the whole space was explored, and --json's whole_space is
true; a subject with a wider pick spends its budget and is not claimed
whole."""
import argparse
import json
import os

import pytest

from kmapsim_cli import check
from kmapsim_cli.common import ROOT

BINARY = os.path.join(ROOT, "build", "dev", "fuzz", "kmapsim_whole_space")
SOURCE = os.path.join(ROOT, "tests", "subjects", "whole_space.c")
CLAIM = "every run the subject can take explored"


def check_subject(tmp_path, monkeypatch, subject, seconds):
    monkeypatch.setattr(check, "subject_binary", lambda args: (BINARY, str(tmp_path), SOURCE, "whole_space.c"))
    out = tmp_path / "check.json"
    args = argparse.Namespace(files=[SOURCE], seconds=str(seconds), profile="strict", subject=subject, json=str(out),
                              plain_accesses=False)
    assert check.run(args) == 0
    return json.loads(out.read_text())


@pytest.mark.skipif(not os.path.exists(BINARY), reason="build/dev is not built")
def test_whole_space_ends_check(tmp_path, monkeypatch, capfd):
    # A budget of 10 minutes: the check must end long before, after its
    # first explore round (the test's own timeout is the backstop).
    doc = check_subject(tmp_path, monkeypatch, "copy_head", 600)
    out = capfd.readouterr().out
    assert doc["verdict"] == "clean" and doc["whole_space"] is True
    assert CLAIM in out and "coverage-guided round" not in out, out


@pytest.mark.skipif(not os.path.exists(BINARY), reason="build/dev is not built")
def test_wide_pick_spends_the_budget(tmp_path, monkeypatch, capfd):
    # One second: one explore round, which the dev binary can run (its
    # coverage-guided rounds need the fuzz build's libFuzzer).
    doc = check_subject(tmp_path, monkeypatch, "copy_at", 1)
    out = capfd.readouterr().out
    assert doc["verdict"] == "clean" and doc["whole_space"] is False
    assert CLAIM not in out, out

"""`check --json FILE` on a zoo buggy variant of the dev build (the binary
stands in for the subject cache's): the document carries the report as data,
its text is the report printed, and the sites name the marked lines."""
import argparse
import json
import os

import pytest

from kmapsim_cli import check, report_text
from kmapsim_cli.common import ROOT, Exit

BINARY = os.path.join(ROOT, "build", "dev", "subjects", "zoo_btrfs_zstd_unmap_order_buggy")
SOURCE = os.path.join(ROOT, "subjects", "btrfs-zstd-unmap-order", "buggy.c")


def marked(tag):
    with open(SOURCE) as f:
        return [i + 1 for i, line in enumerate(f) if "/* kmapsim: %s */" % tag in line]


@pytest.mark.skipif(not os.path.exists(BINARY), reason="build/dev is not built")
def test_check_json_report(tmp_path, monkeypatch, capfd):
    monkeypatch.setattr(check, "subject_binary", lambda args: (BINARY, str(tmp_path), SOURCE, "buggy.c"))
    out = tmp_path / "check.json"
    args = argparse.Namespace(files=[SOURCE], seconds="5", profile="strict", subject="", json=str(out), plain_accesses=False)
    with pytest.raises(Exit) as e:
        check.run(args)
    assert e.value.code == 1
    doc = json.loads(out.read_text())
    assert doc["format"] == "kmapsim-report 1" and doc["verdict"] == "report" and doc["class"] == "kunmap-order"
    assert report_text.render(doc["report"]) == doc["text"]
    assert doc["text"] in capfd.readouterr().err
    call, mapped = doc["report"]["sites"][:2]
    assert call["role"] == "call" and call["trace"][0]["line"] in marked("here")
    assert mapped["role"] == "mapped" and mapped["trace"][0]["line"] in marked("map")
    assert doc["replay"].startswith("scripts/kmapsim repro ")

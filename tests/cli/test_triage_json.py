"""`triage --json FILE`: the groups as data, the same rows as the table."""
import argparse
import json

from kmapsim_cli import crash_file, triage


def write_crash(path, subject, first_line):
    c = crash_file.CrashFile(target="zoo_x_buggy", subject=subject, profile="strict", report=first_line,
                             replay="scripts/kmapsim repro " + str(path), trace=[])
    crash_file.write(str(path), c)


def test_triage_json_groups(tmp_path, monkeypatch, capsys):
    monkeypatch.setattr(triage.builds, "build_preset", lambda *a, **k: str(tmp_path))
    monkeypatch.setattr(triage.fnd, "load_targets", lambda d: {})
    d = tmp_path / "crashes"
    d.mkdir()
    line = "BUG: kmapsim: kunmap-order: kunmap_local(0x7e9002c02000) unmaps the mapping of pfn %d at stack depth 0"
    write_crash(d / "a.crash", "s", line % 1024)
    write_crash(d / "b.crash", "s", line % 1025)
    write_crash(d / "c.crash", "s", "BUG: kmapsim: kmap-leak: kmap() of pfn 3 was never kunmap()ed")
    out = tmp_path / "t.json"
    args = argparse.Namespace(paths=[str(d)], target=None, json=str(out))
    assert triage.run(args) == 0
    doc = json.loads(out.read_text())
    assert doc["format"] == "kmapsim-triage 1"
    groups = {g["class"]: g for g in doc["groups"]}
    assert groups["kunmap-order"]["count"] == 2 and groups["kmap-leak"]["count"] == 1
    assert groups["kunmap-order"]["example"].endswith(".crash")
    assert groups["kunmap-order"]["first_line"].startswith("BUG: kmapsim: kunmap-order: ")
    assert groups["kunmap-order"]["site"] in capsys.readouterr().out

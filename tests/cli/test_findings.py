"""Findings: sites, classes of recorded outputs, the driver's --json result."""
import json
import os

from conftest import DATA, ROOT

from kmapsim_cli import driver, findings


def test_normalise():
    assert findings.normalise("read at 0x7e9000c03000 of pfn 12, offset 4096") == "read at 0x? of pfn N, offset N"


def test_crash_file_finding():
    p = os.path.join(ROOT, "corpus", "zoo_tag_lookup_use_after_unmap_buggy", "regressions", "strict-kmap-use-after-unmap")
    q = os.path.join(ROOT, "corpus", "zoo_tag_lookup_use_after_unmap_buggy", "regressions", "x86-32-kmap-use-after-unmap")
    a, b = findings.from_crash_file(p), findings.from_crash_file(q)
    assert a["class"] == "kmap-use-after-unmap"
    assert a["site"].startswith("tag_lookup_use_after_unmap: ")
    assert a["key"] == b["key"]  # one bug, two profiles: one group
    assert a["replay"] == "scripts/kmapsim repro " + os.path.relpath(p, ROOT)


def test_classify_recorded_asan_output():
    text = open(os.path.join(DATA, "asan-heap-overflow.txt")).read()
    cls, subject, first = findings.classify_output(text)
    assert cls == "asan:heap-buffer-overflow"
    assert first.startswith("SUMMARY: AddressSanitizer: heap-buffer-overflow")


def test_classify_recorded_libfuzzer_timeout():
    assert findings.classify_output("==1== ERROR: libFuzzer: timeout after 20 seconds\n")[0] == "timeout"


def test_recorded_report_result():
    r = driver.read_result(os.path.join(DATA, "explore-report.json"))
    assert r.reported
    assert r["class"] == "kmap-overrun"
    assert r["first_line"].startswith("BUG: kmapsim: kmap-overrun: ")
    assert r["report"].startswith(r["first_line"] + "\n")
    assert "  replay: " in r["report"]
    assert r["crash_file"].endswith(".crash")
    # The driver's site is the findings' site.
    assert r["site"] == findings.finding(r["class"], r["subject"], r["first_line"], "", "", "", "")["site"]
    assert r["runs"] == sum(s["runs"] for s in r["subjects"]) > 0


def test_recorded_clean_result():
    r = driver.read_result(os.path.join(DATA, "explore-clean.json"))
    assert not r.reported
    assert r["class"] is None and r["crash_file"] is None
    s = r["subjects"][0]
    assert s["bound"] == 2 and "all schedules with <= 2 preemptions explored" in s["guarantee"]
    assert s["runs"] >= s["schedules"] > 0


def test_unreadable_results(tmp_path):
    assert driver.read_result(str(tmp_path / "missing.json")) is None
    bad = tmp_path / "bad.json"
    bad.write_text("{not json")
    assert driver.read_result(str(bad)) is None
    other = tmp_path / "other.json"
    other.write_text(json.dumps({"format": "something else"}))
    assert driver.read_result(str(other)) is None
    assert driver.parse_result(open(os.path.join(DATA, "explore-clean.json")).read())["verdict"] == "clean"

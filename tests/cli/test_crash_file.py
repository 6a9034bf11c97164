"""The crash-file format's Python side agrees with the C++ side byte for byte."""
import glob
import os
import re

import pytest
from conftest import ROOT

from kmapsim_cli import crash_file as cf

RECORDED = sorted(p for p in glob.glob(os.path.join(ROOT, "corpus", "*", "regressions", "*"))
                  if not p.endswith(".verdict") and cf.is_crash_file(p))


def test_there_are_recorded_crash_files():
    assert len(RECORDED) >= 20


@pytest.mark.parametrize("path", RECORDED, ids=lambda p: os.path.relpath(p, ROOT))
def test_recorded_crash_file_round_trips_byte_for_byte(path):
    text = open(path).read()
    c = cf.decode(text)
    assert c.encode() == text
    assert c.bug_class and text.count("\nreport: BUG: kmapsim: %s:" % c.bug_class) == 1


def test_trace_encoding():
    ds = [(0, 0), (2, 127), (3, 128), (8, 300), (1, (1 << 64) - 1)]
    h = cf.encode_trace(ds)
    assert h.startswith("0000027f038001")
    assert cf.decode_trace(h) == ds


def test_sites_are_the_models():
    """Every site the C++ side records decodes here, and the next does not."""
    header = open(os.path.join(ROOT, "model", "src", "decision.h")).read()
    site_enum = re.search(r"enum class Site\b[^{]*\{(.*?)\};", header, re.S).group(1)
    count = int(re.search(r"\bkCount\s*=\s*(\d+)", site_enum).group(1))
    assert cf.SITES == count
    ds = [(s, 1) for s in range(count)]
    assert cf.decode_trace(cf.encode_trace(ds)) == ds
    with pytest.raises(cf.CrashFileError):
        cf.decode_trace(cf.encode_trace([(count, 1)]))


def test_writer_fields(tmp_path):
    c = cf.CrashFile("subjects/x/buggy.c", "x", "strict", "BUG: kmapsim: kmap-leak: y", "scripts/kmapsim repro z",
                     [(0, 5), (4, 1)])
    p = str(tmp_path / "a.crash")
    cf.write(p, c)
    text = open(p).read()
    assert text.splitlines()[0] == "kmapsim-crash 1"
    assert "decisions: 2\ntrace: 00050401\n" in text
    back = cf.read(p)
    assert (back.target, back.subject, back.profile, back.report, back.trace) == (c.target, c.subject, c.profile,
                                                                                   c.report, c.trace)
    assert back.bug_class == "kmap-leak"


def good():
    return cf.CrashFile("t", "s", "strict", "BUG: kmapsim: kmap-leak: y", "r", [(0, 1), (1, 200)]).encode()


@pytest.mark.parametrize("mutate,message", [
    (lambda t: "hello\n" + t, "not a kmapsim crash file (no 'kmapsim-crash' header)"),
    (lambda t: t.replace("kmapsim-crash 1", "kmapsim-crash 2"), "crash file format version 2, this kmapsim reads version 1"),
    (lambda t: t.replace("decisions: 2", "decisions: 3"), "corrupt crash file: decision count does not match the trace"),
    (lambda t: t.replace("trace: 0001", "trace: 0002"), "corrupt crash file: trace-hash does not match the trace"),
    (lambda t: t.replace("trace: 0001", "trace: 0b01"), "corrupt crash file: the trace does not decode"),
    (lambda t: t.replace("trace: 0001", "trace: 00x1"), "corrupt crash file: the trace does not decode"),
    (lambda t: t.replace("subject: s\n", ""), "corrupt crash file: no subject or profile"),
    (lambda t: t + "garbage\n", "malformed crash file line: garbage"),
])
def test_corrupt_files_get_the_cpp_readers_message(mutate, message):
    with pytest.raises(cf.CrashFileError) as e:
        cf.decode(mutate(good()))
    assert str(e.value) == message


def test_is_crash_file(tmp_path):
    a = tmp_path / "a"
    a.write_text(good())
    b = tmp_path / "b"
    b.write_bytes(b"\x00\x01crash-xyz")
    assert cf.is_crash_file(str(a))
    assert not cf.is_crash_file(str(b))
    assert not cf.is_crash_file(str(tmp_path / "missing"))


def test_build_line_round_trips_and_is_optional():
    c = cf.CrashFile("t.c", "s", "strict", "BUG: kmapsim: kmap-leak: y", "r", [(0, 1)], build="plain-accesses")
    text = c.encode()
    assert "\nprofile: strict\nbuild: plain-accesses\nreport: " in text
    back = cf.decode(text)
    assert back.build == "plain-accesses" and back.encode() == text
    # A file without the line (every file written before it existed) is the
    # default build, and encodes back without it.
    old = good()
    assert "build:" not in old
    assert cf.decode(old).build == "" and cf.decode(old).encode() == old

"""`check` (the fuzz preset's optimised model, as users run it) names the
marked lines of a zoo buggy variant: the kworker's read of another task's
kmap_local address (the trace walks from kmapsim's access check through
ASan's callback into the subject), the map call and the schedule_work()
that handed the address over. The fixed variant stays clean. A heap
overflow in an intercepted strlen() names the subject's call. A pick event
names what its value goes to, also with several picks on one line."""
import json
import os

from conftest import ROOT

ENTRY = os.path.join(ROOT, "subjects", "erofs-local-addr-to-work")


def marked(source, tag):
    with open(source) as f:
        return [i + 1 for i, line in enumerate(f) if "/* kmapsim: %s */" % tag in line]


def test_escape_sites_in_check(run_kmapsim, tmp_path):
    buggy = os.path.join(ENTRY, "buggy.c")
    out = tmp_path / "r.json"
    p = run_kmapsim("check", buggy, "--seconds", "5", "--json", str(out), timeout=600)
    assert p.returncode == 1, p.stderr[-2000:]
    doc = json.loads(out.read_text())
    assert doc["class"] == "kmap-escape"
    sites = {s["role"]: s["trace"][0] for s in doc["report"]["sites"] if s["trace"]}
    assert set(sites) == {"access", "mapped", "handed over"}, doc["text"]
    for role, tag in (("access", "here"), ("mapped", "map"), ("handed over", "handover")):
        assert (sites[role]["file"], sites[role]["line"]) in [("buggy.c", n) for n in marked(buggy, tag)], (role, doc["text"])
    fixed = run_kmapsim("check", os.path.join(ENTRY, "fixed.c"), "--seconds", "5", timeout=600)
    assert fixed.returncode == 0, fixed.stderr[-2000:]


def test_string_overflow_names_the_subject_line(run_kmapsim, tmp_path):
    """A subject file is compiled with -fno-builtin, so its strlen() is
    ASan's interceptor, whose frame has no source line ("strlen
    (subject+0x9d473) (BuildId: ...)"): the report's first line names the
    subject's call instead, and carries no build id. The terminated twin is
    clean."""
    src = os.path.join(ROOT, "tests", "subjects", "string_overflow.c")
    out = tmp_path / "r.json"
    p = run_kmapsim("check", src, "--subject", "strlen_overflow", "--seconds", "3", "--json", str(out), timeout=600)
    assert p.returncode == 1, p.stderr[-2000:]
    doc = json.loads(out.read_text())
    assert doc["class"] == "memory-error"
    first = doc["first_line"]
    assert "heap-buffer-overflow: read of size 17 in name_len (string_overflow.c:" in first, first
    assert "BuildId" not in first and "subject+0x" not in first, first
    clean = run_kmapsim("check", src, "--subject", "strlen_in_bounds", "--seconds", "3", timeout=600)
    assert clean.returncode == 0, clean.stderr[-2000:]


def test_overflow_in_kmapsims_copy_names_the_subject_line(run_kmapsim, tmp_path):
    """copy_to_user() from a kernel buffer shorter than its length: the read
    past the buffer is made by kmapsim's user copy (UserMem::copy_user, a
    frame with a source line of kmapsim's, and a C++ signature with spaces
    in it). The report's first line names the subject's call instead. The
    bounded twin is clean."""
    src = os.path.join(ROOT, "tests", "subjects", "user_copy_overflow.c")
    out = tmp_path / "r.json"
    p = run_kmapsim("check", src, "--subject", "user_copy_overflow", "--seconds", "3", "--json", str(out), timeout=600)
    assert p.returncode == 1, p.stderr[-2000:]
    doc = json.loads(out.read_text())
    assert doc["class"] == "memory-error"
    first = doc["first_line"]
    assert "heap-buffer-overflow: read of size 17 in copy_record (user_copy_overflow.c:" in first, first
    assert "kmapsim::" not in first and "uaccess.cc" not in first, first
    clean = run_kmapsim("check", src, "--subject", "user_copy_in_bounds", "--seconds", "3", timeout=600)
    assert clean.returncode == 0, clean.stderr[-2000:]


def test_pick_events_name_their_own_target_on_a_shared_line(run_kmapsim, tmp_path):
    """Several kmapsim_pick() calls on one line: the call's column tells
    which one an event is (before, every event of the line took the first
    call's name: `n` for `done`); a pick whose value goes into an
    expression gets no name rather than a wrong one."""
    src = os.path.join(ROOT, "tests", "subjects", "pick_labels.c")
    out = tmp_path / "r.json"
    p = run_kmapsim("check", src, "--seconds", "2", "--json", str(out), timeout=600)
    assert p.returncode == 1, p.stderr[-2000:]
    doc = json.loads(out.read_text())
    picks = [e["detail"] for e in doc["report"]["events"] if e["kind"] == "pick"]
    assert picks == ["kmapsim_pick = 1 -> n", "kmapsim_pick = 0 -> done", "kmapsim_pick = 1 -> first", "kmapsim_pick = 0",
                     "kmapsim_pick = 0 -> an argument of min()", "kmapsim_pick = 2 -> an argument of min()"], doc["text"]

"""The subject build cache keeps the binaries of its most recently used
entries (subject_cache.prune) and every entry's corpora and logs; an entry
whose binary was removed is rebuilt in place, its corpus kept."""
import argparse
import os
import subprocess
import sys
import time

from kmapsim_cli import subject_cache


def entry(root, name, age_s):
    d = root / name
    (d / "corpus-strict-all").mkdir(parents=True)
    (d / "corpus-strict-all" / "input").write_text("x")
    (d / "compile.log").write_text("")
    for f in subject_cache.BUILT_FILES:
        (d / f).write_text("built")
    t = time.time() - age_s
    os.utime(d / "subject", (t, t))
    return d


def test_old_binaries_go_the_rest_stays(tmp_path):
    day = subject_cache.KEEP_SECONDS
    # 40 entries a week old, one per hour apart: the 32 newest keep theirs.
    old = [entry(tmp_path, "old%02d" % i, 7 * day + i * 3600) for i in range(40)]
    subject_cache.prune(str(tmp_path))
    for i, d in enumerate(old):
        assert (d / "subject").exists() == (i < 32), d
        assert (d / "subject.o").exists() == (i < 32), d
        assert (d / "corpus-strict-all" / "input").exists() and (d / "compile.log").exists()
    # 40 entries of the last hours: used today, none goes, whatever the count.
    recent = [entry(tmp_path, "new%02d" % i, 60 * i) for i in range(40)]
    subject_cache.prune(str(tmp_path))
    assert all((d / "subject").exists() for d in recent)
    assert not any((d / "subject").exists() for d in old)
    # An entry without a binary (a failed build, a pruned one) is left alone.
    (tmp_path / "failed").mkdir()
    (tmp_path / "failed" / "link-failed.log").write_text("ld: ...")
    subject_cache.prune(str(tmp_path))
    assert (tmp_path / "failed" / "link-failed.log").exists()
    # A step that failed before the entry was known (preprocessing) keeps
    # its log in the cache root itself: a file there is no entry.
    (tmp_path / "preprocess-failed.log").write_text("clang: error: ...")
    subject_cache.prune(str(tmp_path))
    assert (tmp_path / "preprocess-failed.log").exists()


def test_objects_never_linked_and_entries_being_built(tmp_path):
    """check compiles a file's object first to decide on the plain-access
    hooks, and links only the binary it runs: an entry may hold an object
    alone, aged by the object's mtime. An entry whose build lock is held is
    being built by another check and keeps what it has."""
    week = 7 * subject_cache.KEEP_SECONDS
    entries = [entry(tmp_path, "e%02d" % i, week + i * 3600) for i in range(32)]
    lone = tmp_path / "object-only"
    lone.mkdir()
    (lone / "subject.o").write_text("built")
    t = time.time() - 2 * week
    os.utime(lone / "subject.o", (t, t))
    building = entry(tmp_path, "building", 3 * week)
    with subject_cache.locked(str(building / subject_cache.BUILD_LOCK)):
        subject_cache.prune(str(tmp_path))
        assert (building / "subject").exists()
    assert not (lone / "subject.o").exists()
    assert all((d / "subject").exists() for d in entries)
    subject_cache.prune(str(tmp_path))
    assert not (building / "subject").exists()


def test_a_pruned_entry_is_rebuilt_in_place(tmp_path):
    src = tmp_path / "prune_me.c"
    src.write_text('#include <kmapsim/subject.h>\nKMAPSIM_SUBJECT(prune_me) { }\n')
    binary, cache = subject_cache.build_subject(str(src))
    corpus = os.path.join(cache, "corpus-strict-all")
    os.makedirs(corpus, exist_ok=True)
    open(os.path.join(corpus, "input"), "w").write("x")
    for f in subject_cache.BUILT_FILES:
        os.unlink(os.path.join(cache, f))
    again, cache2 = subject_cache.build_subject(str(src))
    assert (again, cache2) == (binary, cache)
    assert os.access(again, os.X_OK)
    assert os.path.exists(os.path.join(corpus, "input"))
    # A hit marks the entry used.
    t = time.time() - 10 * subject_cache.KEEP_SECONDS
    os.utime(again, (t, t))
    subject_cache.build_subject(str(src))
    assert os.stat(again).st_mtime > time.time() - 3600


def test_an_entry_in_use_keeps_its_binary(tmp_path):
    week = 7 * subject_cache.KEEP_SECONDS
    entries = [entry(tmp_path, "e%02d" % i, week + i * 3600) for i in range(34)]
    held, other = entries[33], entries[32]  # the two oldest: both would go
    # A `check` of the oldest entry runs (here, in this process).
    with subject_cache.using(str(held)):
        assert subject_cache.in_use(str(held)) and not subject_cache.in_use(str(other))
        subject_cache.prune(str(tmp_path))
        assert (held / "subject").exists()
        assert not (other / "subject").exists()
    assert not subject_cache.in_use(str(held))
    # Another process holds it, and is killed: the lock goes with it.
    code = ("import sys, time; sys.path.insert(0, %r); from kmapsim_cli import subject_cache\n"
            "with subject_cache.using(%r):\n    print('held', flush=True); time.sleep(600)\n"
            % (os.path.dirname(os.path.dirname(subject_cache.__file__)), str(held)))
    p = subprocess.Popen([sys.executable, "-c", code], stdout=subprocess.PIPE, text=True)
    try:
        assert p.stdout.readline().strip() == "held"
        subject_cache.prune(str(tmp_path))
        assert (held / "subject").exists()
    finally:
        p.kill()
        p.wait()
    subject_cache.prune(str(tmp_path))
    assert not (held / "subject").exists()


def test_check_holds_its_entry_while_it_runs(tmp_path, monkeypatch):
    from kmapsim_cli import check
    src = tmp_path / "held_by_check.c"
    src.write_text('#include <kmapsim/subject.h>\nKMAPSIM_SUBJECT(held_by_check) { }\n')
    seen = []

    def rounds_run(self):
        seen.append(subject_cache.in_use(os.path.dirname(self.corpus)))
        return 0

    monkeypatch.setattr(check.Rounds, "run", rounds_run)
    args = argparse.Namespace(files=[str(src)], seconds="1", profile="strict", subject="", plain_accesses=False,
                              json="")
    assert check.run(args) == 0
    assert seen == [True]
    _, cache = subject_cache.build_subject(str(src))
    assert not subject_cache.in_use(cache)

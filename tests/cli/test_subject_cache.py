"""What a subject file includes is kept between processes (.kmapsim/deps/):
a first build takes it from its own compile (-MD), later ones from the kept
list while every header on it, and every directory holding one, is
unchanged. An edited header, or a file added beside one, makes the list
stale; the entry's key still hashes every header's contents, so a changed
header is a new binary. A file that does not compile leaves its log in its
entry and no scratch files behind."""
import os

import pytest

from kmapsim_cli import subject_cache
from kmapsim_cli.common import STATE, Unusable

SUBJECT = """#include <kmapsim/subject.h>
#include "inc/depth.h"

KMAPSIM_SUBJECT(cache_probe)
{
	struct page *page = alloc_page(GFP_KERNEL);
	char *p;

	if (!page)
		return;
	p = kmap_local_page(page);
	p[DEPTH] = 1;
	kunmap_local(p);
	__free_page(page);
}
"""


def flags(src):
    cc, std = subject_cache.compilers(src)
    cflags = [std] + subject_cache.CHECK.cflags + ["-fdebug-compilation-dir=.",
                                                   "-I" + os.path.join(subject_cache.ROOT, "model", "include")]
    return cc, cflags


def scratch_entries():
    d = os.path.join(STATE, "scratch")
    return sorted(os.listdir(d)) if os.path.isdir(d) else []


@pytest.fixture
def subject(tmp_path):
    (tmp_path / "inc").mkdir()
    (tmp_path / "inc" / "depth.h").write_text("#define DEPTH 1\n")
    src = tmp_path / "probe.c"
    src.write_text(SUBJECT)
    return str(src)


def test_a_build_keeps_what_the_file_includes(subject):
    cc, cflags = flags(subject)
    header = os.path.join(os.path.dirname(subject), "inc", "depth.h")
    assert subject_cache.known_dependencies(cc, cflags, subject) is None
    before = scratch_entries()
    binary, cache = subject_cache.build_subject(subject)
    assert os.access(binary, os.X_OK)
    known = subject_cache.known_dependencies(cc, cflags, subject)
    assert known is not None and header in known and subject in known
    assert any(d.endswith("/kmapsim/subject.h") for d in known)
    # the same list the compiler gives when asked
    subject_cache._dependencies.cache_clear()
    os.remove(subject_cache._deps_memo(cc, cflags, subject))
    assert sorted(subject_cache.dependencies(cc, cflags, subject)) == sorted(known)
    assert scratch_entries() == before
    # the kept list gives the same entry again, built already
    assert subject_cache.build_subject(subject) == (binary, cache)


def test_an_edited_header_is_a_new_binary(subject):
    cc, cflags = flags(subject)
    header = os.path.join(os.path.dirname(subject), "inc", "depth.h")
    _, first = subject_cache.build_subject(subject)
    with open(header, "w") as f:
        f.write("#define DEPTH 2\n")
    assert subject_cache.known_dependencies(cc, cflags, subject) is None
    _, second = subject_cache.build_subject(subject)
    assert second != first
    assert subject_cache.known_dependencies(cc, cflags, subject) is not None


def test_a_file_added_beside_a_header_makes_the_list_stale(subject):
    cc, cflags = flags(subject)
    subject_cache.build_subject(subject)
    assert subject_cache.known_dependencies(cc, cflags, subject) is not None
    with open(os.path.join(os.path.dirname(subject), "inc", "other.h"), "w") as f:
        f.write("/* new */\n")
    assert subject_cache.known_dependencies(cc, cflags, subject) is None


def test_a_file_that_does_not_compile(subject):
    with open(subject, "a") as f:
        f.write("static int broken(void) { return undeclared_name; }\n")
    before = scratch_entries()
    with pytest.raises(Unusable, match=r"does not compile: .*undeclared_name"):
        subject_cache.build_subject(subject)
    assert scratch_entries() == before
    logs = [os.path.join(subject_cache.CHECK.cache, d, "compile-failed.log") for d in os.listdir(subject_cache.CHECK.cache)]
    assert any(os.path.isfile(p) and "undeclared_name" in open(p).read() for p in logs)


def test_a_precompiled_unit_is_compiled_once(subject, monkeypatch):
    # kmapsim_kernel's check compiles an imported unit on its own to see
    # every error; build_subject() then takes that object, not a second
    # compile, unless the file changed in between.
    ok, out = subject_cache.precompile(subject)
    assert ok
    calls = []
    real = subject_cache._compile_scratch
    monkeypatch.setattr(subject_cache, "_compile_scratch", lambda *a, **k: calls.append(a) or real(*a, **k))
    binary, _ = subject_cache.build_subject(subject)
    assert os.access(binary, os.X_OK) and calls == []
    # taken once: a stale object is never used for an edited file
    ok, _ = subject_cache.precompile(subject)
    with open(subject, "a") as f:
        f.write("/* edited */\n")
    cc, cflags = flags(subject)
    assert subject_cache._take_precompiled(subject, cflags) is None
    n = len(calls)
    subject_cache.build_subject(subject)
    assert len(calls) == n + 1
    subject_cache._drop_precompiled(subject)


def test_precompile_shows_every_error(subject):
    with open(subject, "a") as f:
        f.write("static int a(void) { return first_unknown; }\nstatic int b(void) { return second_unknown; }\n")
    before = scratch_entries()
    ok, out = subject_cache.precompile(subject)
    assert not ok and "first_unknown" in out and "second_unknown" in out
    assert scratch_entries() == before


def test_undefined_symbols_are_what_nm_lists(subject, tmp_path):
    import subprocess
    _, cache = subject_cache.build_subject(subject)
    obj = os.path.join(cache, "subject.o")
    nm = subprocess.run(["nm", "-u", obj], stdout=subprocess.PIPE, text=True, check=True).stdout
    names = {line.split()[-1] for line in nm.splitlines() if line.split()}
    assert names and subject_cache.undefined_symbols(obj) == names
    assert "kthread_run_named" not in names and subject_cache.starts_other_contexts(cache) is False
    (tmp_path / "not-elf").write_text("text")
    assert subject_cache.undefined_symbols(str(tmp_path / "not-elf")) is None


def test_kept_lists_are_capped(tmp_path, monkeypatch):
    # beyond DEPS_KEEP lists the least recently used quarter goes; a list
    # that is used is kept
    monkeypatch.setattr(subject_cache, "DEPS", str(tmp_path / "deps"))
    monkeypatch.setattr(subject_cache, "DEPS_KEEP", 8)
    (tmp_path / "deps").mkdir()
    for i in range(8):
        p = tmp_path / "deps" / ("old%d" % i)
        p.write_text("x\n")
        os.utime(p, ns=(i * 10**9, i * 10**9))
    os.utime(tmp_path / "deps" / "old0")  # used just now
    header = tmp_path / "h.h"
    header.write_text("")
    src = tmp_path / "s.c"
    src.write_text('#include "h.h"\n')
    subject_cache.remember_dependencies("clang", ["-std=gnu11"], str(src), [str(src), str(header)])
    left = sorted(os.listdir(tmp_path / "deps"))
    assert len(left) == 6 and "old0" in left and "old1" not in left and "old2" not in left
    assert subject_cache.known_dependencies("clang", ["-std=gnu11"], str(src)) == [str(src), str(header)]

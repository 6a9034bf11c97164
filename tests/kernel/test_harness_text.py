"""A harness file's `#include "name"` of a file beside it (harness_text.py):
the helper's text is read in place between #line markers, so a helper
shared by several harnesses of one subsystem is imported for, compiled and
reported at its own lines; a quoted include with no file beside the
harness is left to the compiler; `#pragma once` and include cycles behave
as the compiler would have them. End to end on Debian's 6.12 tree (skipped
without it): a leak in the helper is reported at the helper's line, and
the check after the helper is mended is clean (the unit and its memo
follow the helper's text)."""

import os
import subprocess
import sys

import pytest

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
sys.path.insert(0, os.path.join(ROOT, "scripts"))

from kmapsim_kernel import errors, harness_text  # noqa: E402

KMAPSIM = os.path.join(ROOT, "scripts", "kmapsim")


def test_a_helper_beside_the_harness_is_read_in_place_with_its_lines(tmp_path):
    (tmp_path / "lib").mkdir()
    (tmp_path / "lib" / "inner.h").write_text("int inner;\n")
    (tmp_path / "helper.h").write_text('#pragma once\n#include "lib/inner.h"\nint helper;\n')
    h = tmp_path / "h.c"
    h.write_text('#include <kmapsim/subject.h>\n#include "helper.h"\n#include "internal.h"\n'
                 '#include "helper.h"\nint mine;\n')
    got = harness_text.read(str(h)).split("\n")
    inner, helper, harness = (str(tmp_path / "lib" / "inner.h"), str(tmp_path / "helper.h"), str(h))
    assert got == ["#include <kmapsim/subject.h>",
                   '#line 1 "%s"' % helper, "",                       # the pragma, dropped
                   '#line 1 "%s"' % inner, "int inner;", "", '#line 3 "%s"' % helper,
                   "int helper;", "", '#line 3 "%s"' % harness,
                   '#include "internal.h"',                          # no such file here: the tree's
                   "",                                               # a second include of a #pragma once file
                   "int mine;", ""]


def test_an_include_cycle_is_left_to_the_guards(tmp_path):
    (tmp_path / "a.h").write_text('#ifndef A\n#define A\n#include "b.h"\n#endif\n')
    (tmp_path / "b.h").write_text('#include "a.h"\nint b;\n')
    h = tmp_path / "h.c"
    h.write_text('#include "a.h"\n')
    text = harness_text.read(str(h))
    assert '#include "%s"' % (tmp_path / "a.h") in text and text.count("int b;") == 1


def test_nesting_past_the_limit_and_an_unreadable_harness_are_bad_input(tmp_path):
    for i in range(harness_text.MAX_DEPTH + 2):
        (tmp_path / ("n%d.h" % i)).write_text('#include "n%d.h"\n' % (i + 1))
    h = tmp_path / "h.c"
    h.write_text('#include "n0.h"\n')
    with pytest.raises(errors.BadInput, match="nests more than 16 files deep"):
        harness_text.read(str(h))
    with pytest.raises(errors.BadInput, match="cannot read it"):
        harness_text.read(str(tmp_path / "missing.c"))


@pytest.fixture(scope="module")
def tree():
    p = subprocess.run([KMAPSIM, "kernel-src", "6.12"], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    if p.returncode != 0:
        pytest.skip("no 6.12 tree: " + p.stderr.strip()[-200:])
    return "6.12"


HELPER = """#pragma once

/* a highmem page with its first bytes zeroed through the tree's helper */
static struct page *zeroed_page(void)
{
	struct page *p = alloc_page(GFP_HIGHUSER | __GFP_NOFAIL);
%s
	zero_user_segments(p, 0, 16, 32, 48);
	return p;
}
"""


def test_check_reports_in_the_helper_and_follows_its_edit(tree, tmp_path):
    (tmp_path / "zero.h").write_text(HELPER % "\tvoid *held = kmap_local_page(p);\n\n\t(void)held;")
    h = tmp_path / "zero_harness.c"
    h.write_text('#include <kmapsim/subject.h>\n#include "zero.h"\n\n'
                 'KMAPSIM_IMPORT("mm/highmem.c", zero_user_segments);\n\n'
                 "KMAPSIM_SUBJECT(zeroed)\n{\n\tstruct page *p = zeroed_page();\n\n\t__free_page(p);\n}\n")
    run = [KMAPSIM, "check", "--kernel", tree, "--seconds", "1", str(h)]
    p = subprocess.run(run, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, timeout=900)
    assert p.returncode == 1, p.stdout[-3000:]
    assert "BUG: kmapsim: kmap-leak: main returned holding 1 local mapping" in p.stdout
    assert "mapped: kmap_local_page() at zero.h:7 in zeroed_page()" in p.stdout
    assert "kmapsim_subject_zeroed zero_harness.c:8" in p.stdout   # the harness's own lines kept
    (tmp_path / "zero.h").write_text(HELPER % "")
    p = subprocess.run(run, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, timeout=900)
    assert p.returncode == 0 and "kmapsim: clean: zeroed on strict" in p.stdout, p.stdout[-3000:]

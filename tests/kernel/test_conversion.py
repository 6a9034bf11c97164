"""`check --kernel --convert` (scripts/kmapsim_kernel/conversion.py): the
mechanical conversion of a function to kmap_local_page(), on fake files (no
kernel text), and the flag's bad input. The kernel rows of
tests/kernel/CMakeLists.txt check real conversions end to end."""

import os
import sys

import pytest

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
sys.path.insert(0, os.path.join(ROOT, "scripts"))

from kmapsim_kernel import check, conversion, errors  # noqa: E402

TWO_MAPS = """static int other(struct page *p)
{
\treturn *(char *)kmap_atomic(p);
}

int f(struct page *a, struct buffer_head *bh)
{
\t/* kmap_atomic() in a comment stays */
\tvoid *x = kmap_atomic(a);
\tchar *y;
\tconst char *s = "kunmap_atomic(x)";

\ty = (char *)kmap(bh->b_page);
\tmemcpy(y, x, 8);
\tkunmap(bh->b_page);
\tkunmap_atomic(x);
\treturn 0;
}
"""


def test_atomic_calls_renamed_and_kmap_paired_with_its_address():
    out, n = conversion.convert(TWO_MAPS, "f", "fs/f.c")
    assert n == 4
    body = out[out.index("int f("):]
    assert "void *x = kmap_local_page(a);" in body
    assert "y = (char *)kmap_local_page(bh->b_page);" in body
    assert "kunmap_local(y);" in body and "kunmap_local(x);" in body
    # comments, strings and other functions are left as they were
    assert "/* kmap_atomic() in a comment stays */" in body and '"kunmap_atomic(x)"' in body
    assert "return *(char *)kmap_atomic(p);" in out


def test_a_kunmap_goes_to_the_latest_kmap_of_its_page_and_members_are_addresses():
    src = ("void g(struct page *p, struct st *s)\n{\n\ts->va = kmap(p);\n\tkunmap(p);\n"
           "\tchar *b = kmap(p);\n\tkunmap(p);\n}\n")
    out, n = conversion.convert(src, "g", "g.c")
    assert n == 4 and out.index("kunmap_local(s->va);") < out.index("char *b") < out.index("kunmap_local(b);"), out


@pytest.mark.parametrize("body,said", [
    ("return kmap(p);", "not assigned to a variable"),
    ("memcpy(kmap(p), b, 1);", "not assigned to a variable"),
    ("kunmap(p);", "follows no kmap"),
    ("v = kmap(p); stash = v;", "unmapped elsewhere"),
])
def test_what_rewriting_cannot_convert_is_refused_with_its_line(body, said):
    src = "void *h(struct page *p, void *b)\n{\n\tvoid *v;\n\t%s\n}\n" % body
    with pytest.raises(errors.BadInput, match=said + ".*h.c:4|h.c:4.*" + said):
        conversion.convert(src, "h", "h.c")


def test_patch_of_the_conversion_and_nothing_to_convert(tmp_path):
    (tmp_path / "fs").mkdir()
    (tmp_path / "fs" / "f.c").write_text(TWO_MAPS)
    path, diff = conversion.write_patch(str(tmp_path), [("fs/f.c", "f")], str(tmp_path / "out"))
    assert open(path).read() == diff and diff.startswith("--- a/fs/f.c\n+++ b/fs/f.c\n")
    assert "+\tkunmap_local(y);\n" in diff and "-\tkunmap(bh->b_page);\n" in diff
    (tmp_path / "fs" / "g.c").write_text("int g(void)\n{\n\treturn 0;\n}\n")
    with pytest.raises(errors.BadInput, match=r"no kmap\(\) or kmap_atomic\(\) to convert"):
        conversion.write_patch(str(tmp_path), [("fs/g.c", "g")], str(tmp_path / "out"))
    with pytest.raises(errors.BadInput, match="no function nope"):
        conversion.write_patch(str(tmp_path), [("fs/g.c", "nope")], str(tmp_path / "out"))


def test_convert_gives_the_version_after_alone(tmp_path):
    for extra in (["--patch", __file__], ["--before", str(tmp_path)]):
        with pytest.raises(errors.BadInput, match="use one of them"):
            check.main(["--kernel", str(tmp_path), "--convert"] + extra + ["lib/x.c:f"])
    with pytest.raises(errors.BadInput, match="no --before/--patch/--convert"):
        check.main(["--kernel", str(tmp_path), "--convert", "--write-harness", str(tmp_path / "h.c"), "lib/x.c:f"])


def test_convert_checks_the_conversion_as_the_version_after(tmp_path, monkeypatch):
    (tmp_path / "fs").mkdir()
    (tmp_path / "fs" / "f.c").write_text(TWO_MAPS)
    monkeypatch.setenv("KMAPSIM_CACHE", str(tmp_path / "cache"))
    seen = []

    def side(tree, targets, profile, seconds, subject=None, iter_types=None, check_args=(), json_path=None):
        seen.append(open(os.path.join(tree, "fs/f.c")).read())
        return (0, "", "") if len(seen) == 1 else (1, "", "BUG: kmapsim: kunmap-order: x\n")
    monkeypatch.setattr(check, "side", side)
    rc = check.main(["--kernel", str(tmp_path), "--seconds", "1", "--convert", "fs/f.c:f"])
    assert rc == 1 and seen[0] == TWO_MAPS and "kunmap_local(y);" in seen[1]
    assert open(tmp_path / "fs" / "f.c").read() == TWO_MAPS   # the tree is never changed


def test_a_definition_under_any_preprocessor_branch_is_converted():
    # a function defined once per configuration: each definition converted
    src = ("#ifdef CONFIG_HIGHMEM\nstatic int c(struct page *p)\n{\n\tchar *v = kmap_atomic(p);\n"
           "\tkunmap_atomic(v);\n\treturn 0;\n}\n#else\nstatic int c(struct page *p)\n{\n"
           "\treturn *(char *)page_address(p);\n}\n#endif\n#if 0\nint c2(void) { c(0); }\n#endif\n")
    out, n = conversion.convert(src, "c", "c.c")
    assert n == 2 and "kmap_local_page(p)" in out and "kunmap_local(v)" in out and "c(0)" in out
    # an annotation between the parameters and the body
    src = "void d(struct page *p)\n\t__must_hold(&lock)\n{\n\tvoid *v = kmap_atomic(p);\n\tkunmap_atomic(v);\n}\n"
    assert conversion.convert(src, "d", "d.c")[1] == 2


HELPERS = """static void *map_frag(struct page *p, unsigned int off)
{
\treturn kmap_atomic(p) + off;
}

static void sum_page(struct page *p)
{
\tchar *a = kmap_atomic(p);
\tif (!use(a)) {
\t\tkunmap_atomic(a);
\t\treturn;
\t}
\tkunmap_atomic((void *)a);
}

int xmit(struct page *p)
{
\tchar *src = map_frag(p, 8);
\tsum_page(p);
\tkunmap_atomic(src);
\treturn 0;
}

int peek(struct page *p)
{
\tchar *src = map_frag(p, 0);
\tint c = *src;
\tkunmap_atomic(src);
\treturn c;
}

int unrelated(struct page *p)
{
\tsum_page(p);
\treturn 0;
}
"""


def test_a_helper_that_maps_for_it_is_converted_with_it_and_so_are_its_other_callers(tmp_path):
    """6.1's tbnet_kmap_frag() returns kmap_atomic(page) + off, which
    tbnet_start_xmit() unmaps: converting the caller alone would unmap a
    kmap_atomic() mapping with kunmap_local(). A helper whose maps and
    unmaps pair up (sum_page: its one mapping unmapped on two paths, once
    through a cast) is left as it is, and so is a function that only calls
    such a helper."""
    got = conversion.with_helpers(HELPERS, ["xmit"])
    assert [f for f, _ in got] == ["xmit", "map_frag", "peek"], got
    assert "xmit()" in got[1][1] and "map_frag()" in got[2][1]
    tree = tmp_path / "tree"
    (tree / "net").mkdir(parents=True)
    (tree / "net" / "x.c").write_text(HELPERS)
    path, diff = conversion.write_patch(str(tree), [("net/x.c", "xmit")], str(tmp_path / "out"))
    assert "+\treturn kmap_local_page(p) + off;" in diff
    assert diff.count("+\tkunmap_local(src);") == 2
    assert "-\t\tkunmap_atomic(a);" not in diff and "kunmap_atomic((void *)a)" not in diff

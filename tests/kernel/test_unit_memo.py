"""A check of an unchanging tree (a Debian tree kernel-src unpacked) takes
the unit the previous check of the same inputs built, prints what that one
printed and leaves the options as it left them (scripts/kmapsim_kernel/
unit_memo.py); any other tree, and any other input, is imported again.
Small fake trees, no kernel text needed."""

import os
import sys

import pytest

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
sys.path.insert(0, os.path.join(ROOT, "scripts"))

from kmapsim_kernel import check, importer  # noqa: E402

WIDGET_C = r'''
#include <linux/highmem.h>
int widget_sum(struct page *page)
{
	unsigned char *p = kmap_local_page(page);
	int n = p[0] + p[PAGE_SIZE - 1];

	kunmap_local(p);
	return n;
}
#ifdef CONFIG_WIDGET_EXTRA
int widget_extra(int x)
{
	return x + 1;
}
#endif
'''

HARNESS = r'''
#include <kmapsim/subject.h>
KMAPSIM_IMPORT("lib/widget.c", widget_sum);
KMAPSIM_SUBJECT(widget)
{
	struct page *page = alloc_page(GFP_HIGHUSER);

	if (page) {
		widget_sum(page);
		__free_page(page);
	}
}
'''

EXTRA = HARNESS.replace("widget_sum);", "widget_sum, widget_extra);").replace("widget_sum(page);", "widget_sum(page) + widget_extra(1);")


def make_tree(top):
    os.makedirs(os.path.join(top, "lib"))
    with open(os.path.join(top, "lib", "widget.c"), "w") as f:
        f.write(WIDGET_C)
    with open(os.path.join(top, "Makefile"), "w") as f:
        f.write("VERSION = 6\nPATCHLEVEL = 1\nSUBLEVEL = 1\n")
    return top


@pytest.fixture
def trees(tmp_path, monkeypatch):
    """(a Debian tree as kernel-src leaves it, a user's tree), and a counter
    of the imports made."""
    monkeypatch.setenv("KMAPSIM_CACHE", str(tmp_path / "cache"))
    debian = make_tree(str(tmp_path / "cache" / "kernel" / "6.1" / "linux-source-6.1"))
    open(str(tmp_path / "cache" / "kernel" / "6.1" / ".unpacked"), "w").close()
    user = make_tree(str(tmp_path / "user"))
    importer.set_user_config([])
    imports = []
    real = check._build_checked

    def counted(*args):
        imports.append(args[0])
        return real(*args)
    monkeypatch.setattr(check, "_build_checked", counted)
    yield debian, user, imports
    importer.set_user_config([])


def harness(tmp_path, text, name="widget_harness.c"):
    path = tmp_path / name
    path.write_text(text)
    return str(path)


def test_a_debian_tree_is_imported_once_per_input(trees, tmp_path, capsys):
    debian, _, imports = trees
    h = harness(tmp_path, HARNESS)
    first = check.build_checked(debian, h, "strict")
    printed = capsys.readouterr().err
    assert "kmapsim: unit: from the tree: lib/widget.c (1 function)" in printed
    assert check.build_checked(debian, h, "strict") == first
    assert capsys.readouterr().err == printed  # the same lines, again
    assert len(imports) == 1
    # another profile, another harness, another option: imported again
    check.build_checked(debian, h, "x86-32")
    assert len(imports) == 2
    check.build_checked(debian, harness(tmp_path, HARNESS + "\n/* edited */\n"), "strict")
    assert len(imports) == 3
    importer.set_user_config(["CONFIG_SOMETHING"])
    check.build_checked(debian, h, "strict")
    assert len(imports) == 4


def test_a_users_tree_is_imported_every_time(trees, tmp_path):
    _, user, imports = trees
    h = harness(tmp_path, HARNESS)
    a = check.build_checked(user, h, "strict")
    assert check.build_checked(user, h, "strict") == a
    assert imports == [user, user]


def test_the_options_an_import_turned_on_are_on_again(trees, tmp_path, capsys):
    """widget_extra() is defined only under CONFIG_WIDGET_EXTRA: the import
    turns it on and says so; the remembered unit does both again (the other
    side of a --before starts from those options)."""
    debian, _, imports = trees
    h = harness(tmp_path, EXTRA)
    path = check.build_checked(debian, h, "strict")
    printed = capsys.readouterr().err
    assert "CONFIG_WIDGET_EXTRA on" in printed
    assert "CONFIG_WIDGET_EXTRA" in importer.GUARD_CONFIG
    made = len(imports)  # two rounds: the one that found the guard, the one with it on
    importer.set_user_config([])
    assert check.build_checked(debian, h, "strict") == path
    assert capsys.readouterr().err == printed
    assert importer.USER_CONFIG.get("CONFIG_WIDGET_EXTRA") == "1"
    assert "CONFIG_WIDGET_EXTRA" in importer.GUARD_CONFIG
    assert len(imports) == made


def test_a_lost_unit_or_a_corrupt_memo_is_imported_again(trees, tmp_path):
    debian, _, imports = trees
    h = harness(tmp_path, HARNESS)
    path = check.build_checked(debian, h, "strict")
    os.remove(path)
    assert check.build_checked(debian, h, "strict") == path
    assert os.path.isfile(path)
    memo_dir = os.path.join(check.cache_root(), "memo")
    for f in os.listdir(memo_dir):
        with open(os.path.join(memo_dir, f), "w") as out:
            out.write("{not json")
    assert check.build_checked(debian, h, "strict") == path
    assert len(imports) == 3


def test_an_import_that_fails_is_not_remembered(trees, tmp_path):
    debian, _, imports = trees
    h = harness(tmp_path, HARNESS.replace("widget_sum);", "widget_nowhere);"))
    for _ in range(2):
        with pytest.raises(Exception):
            check.build_checked(debian, h, "strict")
    assert len(imports) == 2
    memo_dir = os.path.join(check.cache_root(), "memo")
    assert not os.path.isdir(memo_dir) or not os.listdir(memo_dir)


def test_kmapsims_own_names_are_read_once_per_version_of_its_headers(tmp_path, monkeypatch):
    """importer.kmapsim_names() keeps its answer on disk; a changed header
    is read again."""
    from kmapsim_kernel import ctokens
    monkeypatch.setenv("KMAPSIM_CACHE", str(tmp_path / "cache"))
    include = tmp_path / "include"
    for d in ("linux", "asm", "kmapsim"):
        (include / d).mkdir(parents=True)
    (include / "linux" / "widget.h").write_text("struct widget { int n; };\nint widget_len(struct widget *w);\n")
    monkeypatch.setattr(importer, "MODEL_INCLUDE", str(include))
    monkeypatch.setattr(importer, "_known_cache", {})
    names, tags = importer.kmapsim_names()
    assert "widget_len" in names and "struct widget" in tags
    reads = []
    real = ctokens.split_items
    monkeypatch.setattr(ctokens, "split_items", lambda *a, **k: reads.append(a[1]) or real(*a, **k))
    monkeypatch.setattr(importer, "_known_cache", {})  # a new process
    assert importer.kmapsim_names() == (names, tags)
    assert reads == []
    (include / "linux" / "widget.h").write_text("int widget_other(void);\n")
    monkeypatch.setattr(importer, "_known_cache", {})
    names2, _ = importer.kmapsim_names()
    assert reads == ["widget.h"]
    assert "widget_other" in names2 and "widget_len" not in names2


def test_only_the_newest_answers_about_kmapsims_names_are_kept(tmp_path, monkeypatch):
    monkeypatch.setenv("KMAPSIM_CACHE", str(tmp_path / "cache"))
    include = tmp_path / "include"
    (include / "linux").mkdir(parents=True)
    monkeypatch.setattr(importer, "MODEL_INCLUDE", str(include))
    for i in range(importer.KEEP_NAMES_MEMOS + 3):
        (include / "linux" / "widget.h").write_text("int widget_%d(void);\n" % i)
        monkeypatch.setattr(importer, "_known_cache", {})
        assert "widget_%d" % i in importer.kmapsim_names()[0]
    d = tmp_path / "cache" / "kernel-check" / "kmapsim-names"
    # the pruning runs before the newest answer is written
    assert len(os.listdir(d)) == importer.KEEP_NAMES_MEMOS + 1

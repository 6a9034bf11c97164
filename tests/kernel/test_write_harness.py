"""`check --kernel V FILE:FUNCTION --write-harness FILE.c` writes the harness
kmapsim would write as a subject file of the user's (KMAPSIM_IMPORT): one
for a signature kmapsim gives every value checks as it is; one with
parameters no signature gives meaning to stops its compile at an #error
line per parameter, saying what to fill in; an existing file is never
overwritten. On Debian's 6.12 tree (skipped without it)."""

import os
import subprocess

import pytest

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
KMAPSIM = os.path.join(ROOT, "scripts", "kmapsim")


def kmapsim(*args):
    return subprocess.run([KMAPSIM] + list(args), stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                          timeout=900)


@pytest.fixture(scope="module")
def tree():
    p = kmapsim("kernel-src", "6.12")
    if p.returncode != 0:
        pytest.skip("no 6.12 tree: " + p.stderr.strip()[-200:])
    return "6.12"


def test_written_harness_checks_as_it_is(tree, tmp_path):
    out = tmp_path / "zero_fill.c"
    p = kmapsim("check", "--kernel", tree, "drivers/nvdimm/btt.c:zero_fill_data", "--write-harness", str(out))
    assert p.returncode == 0, p.stderr
    assert "kmapsim: wrote %s: the harness for zero_fill_data(); then: scripts/kmapsim check" % out in p.stdout
    text = out.read_text()
    assert 'KMAPSIM_IMPORT("drivers/nvdimm/btt.c", zero_fill_data);' in text
    assert "KMAPSIM_SUBJECT(zero_fill_data)" in text and "#error" not in text
    p = kmapsim("check", "--kernel", tree, str(out), "--seconds", "2")
    assert p.returncode == 0, p.stderr[-2000:]
    assert "kmapsim: clean: zero_fill_data on strict" in p.stdout + p.stderr


def test_parameters_to_fill_in_stop_the_compile(tree, tmp_path):
    out = tmp_path / "squashfs.c"
    p = kmapsim("check", "--kernel", tree, "fs/squashfs/file_direct.c:squashfs_readpage_block", "--write-harness",
                str(out))
    assert p.returncode == 0, p.stderr
    assert "with 3 parameter(s) to fill in where the #error lines say" in p.stdout
    text = out.read_text()
    assert text.count("\n#error ") == 3 and "\tu64 block = { 0 };" in text
    assert "alloc_pages(GFP_HIGHUSER | __GFP_NOFAIL, kmapsim_order);" in text   # what kmapsim can give, it gives
    p = kmapsim("check", "--kernel", tree, str(out), "--seconds", "2")
    assert p.returncode == 2
    assert "kmapsim: the harness has parameters left to fill in; the errors (3, first 3 shown):" in p.stderr
    assert "error: \"kmapsim: give 'u64 block' what the callers of squashfs_readpage_block() pass" in p.stderr
    # never overwritten; without --write-harness the line points at it
    p = kmapsim("check", "--kernel", tree, "fs/squashfs/file_direct.c:squashfs_readpage_block", "--write-harness",
                str(out))
    assert p.returncode == 2 and "the file exists" in p.stderr and out.read_text() == text
    p = kmapsim("check", "--kernel", tree, "fs/squashfs/file_direct.c:squashfs_readpage_block", "--seconds", "1")
    assert p.returncode == 2 and "(--write-harness FILE.c starts one)" in p.stderr


def test_check_command_keeps_the_options(tree, tmp_path):
    """The file's check command repeats --config, so the import sees the
    same #ifs as the harness was written for."""
    out = tmp_path / "dump.c"
    p = kmapsim("check", "--kernel", tree, "--config", "CONFIG_ELF_CORE", "fs/coredump.c:dump_page_copy",
                "--write-harness", str(out))
    assert p.returncode == 0, p.stderr
    want = "scripts/kmapsim check --kernel %s --config CONFIG_ELF_CORE --profile strict %s" % (tree, out)
    assert want in p.stdout and want in out.read_text()


def test_write_harness_takes_one_function(tree, tmp_path):
    p = kmapsim("check", "--kernel", tree, "drivers/nvdimm/btt.c:zero_fill_data", "mm/highmem.c:zero_user_segments",
                "--write-harness", str(tmp_path / "two.c"))
    assert p.returncode == 2 and "--write-harness takes one FILE:FUNCTION" in p.stderr
    assert not (tmp_path / "two.c").exists()


def test_written_iterator_harness_builds_every_type(tree, tmp_path):
    """The file holds the iterator of each type check's own harness builds
    (the tree's constructors are imported with it), never an iterator left
    unset."""
    out = tmp_path / "cpti.c"
    p = kmapsim("check", "--kernel", tree, "lib/iov_iter.c:copy_page_to_iter", "--write-harness", str(out))
    assert p.returncode == 0, p.stderr
    text = out.read_text()
    for ctor in ("iov_iter_ubuf(", "iov_iter_init(", "iov_iter_kvec(", "iov_iter_bvec(", "iov_iter_xarray(",
                 "iov_iter_folio_queue("):
        assert ctor in text, ctor
    p = kmapsim("check", "--kernel", tree, str(out), "--seconds", "2")
    assert p.returncode == 0, p.stderr[-2000:]

"""check's own flags with --kernel, and the discarded-run count in --json:
- `check --kernel` takes --plain-accesses / --no-plain-accesses and hands
  them to the check of the generated unit (neither: check decides);
- `check --json` counts the runs discarded for breaking the entry check
  (tests/kernel/entry_contract.c: a WARN_ON_ONCE-return on entry), the same
  number the clean verdict prints, and 0 for a subject with no entry check;
  over several explore rounds, the total the "runs in all" line prints (the
  first round's verdict counts only its own)."""

import json
import os
import re
import subprocess
import sys

import pytest

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
sys.path.insert(0, os.path.join(ROOT, "scripts"))

from kmapsim_kernel import check  # noqa: E402

HERE = os.path.dirname(os.path.abspath(__file__))


@pytest.mark.parametrize("flags,want", [([], []), (["--plain-accesses"], ["--plain-accesses"]),
                                        (["--no-plain-accesses"], ["--no-plain-accesses"])])
def test_plain_accesses_reach_check(tmp_path, monkeypatch, flags, want):
    calls = []
    monkeypatch.setattr(check, "side", lambda tree, targets, profile, seconds, subject=None, iter_types=None,
                        check_args=(), json_path=None: calls.append(list(check_args)) or (0, "", ""))
    rc = check.main(["--kernel", str(tmp_path), "--seconds", "1"] + flags + ["lib/iov_iter.c:copy_page_to_iter"])
    assert rc == 0 and calls == [want]
    calls.clear()
    check.main(["--kernel", str(tmp_path), "--before", str(tmp_path)] + flags + ["lib/x.c:f"])
    assert calls == [want, want]   # both sides alike


def test_patch_that_is_no_file_or_comes_with_before_is_bad_input(tmp_path):
    # before any tree is read or anything is built: exit 2 and one line
    from kmapsim_kernel import errors
    for extra, said in ((["--patch", str(tmp_path / "missing.patch")], "no such file"),
                        (["--patch", __file__, "--before", str(tmp_path)], "use one of them")):
        with pytest.raises(errors.BadInput, match=said):
            check.main(["--kernel", str(tmp_path), "--seconds", "1"] + extra + ["lib/x.c:f"])
    p = subprocess.run([os.path.join(ROOT, "scripts", "kmapsim"), "check", "--kernel", str(tmp_path), "--patch",
                        str(tmp_path / "missing.patch"), "lib/x.c:f"], stdout=subprocess.PIPE,
                       stderr=subprocess.STDOUT, text=True)
    assert p.returncode == 2 and "internal error" not in p.stdout and "no such file" in p.stdout, p.stdout


def test_an_output_file_that_cannot_be_written_is_bad_input_before_the_check(tmp_path):
    # said before the tree is read: a check of minutes must not end in an
    # internal error over where its output goes
    from kmapsim_kernel import errors
    missing = str(tmp_path / "no-such-dir" / "out")
    for flag, out, said in (("--json", missing, "no directory"), ("--json", str(tmp_path), "a directory"),
                            ("--write-harness", missing, "no directory")):
        with pytest.raises(errors.BadInput, match=said):
            check.main(["--kernel", str(tmp_path), "--seconds", "1", flag, out, "lib/x.c:f"])


def run_check(tmp_path, subject, name, seconds=2):
    out = tmp_path / (name + ".json")
    p = subprocess.run([os.path.join(ROOT, "scripts", "kmapsim"), "check", os.path.join(HERE, subject),
                        "--subject", name, "--seconds", str(seconds), "--json", str(out)],
                       stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    return p, json.loads(out.read_text())


def test_json_counts_discarded_runs(tmp_path):
    # 1 s: one explore round, whose verdict line counts every run
    p, doc = run_check(tmp_path, "entry_contract.c", "entry_warn", seconds=1)
    assert p.returncode == 0 and doc["verdict"] == "clean", p.stdout
    said = sum(int(n) for n in re.findall(r"; (\d+) of the runs discarded: they broke the entry check", p.stdout))
    assert doc["discarded"] > 0 and doc["discarded"] == said
    p, doc = run_check(tmp_path, "kernel_surface.c", "current_ok")
    assert p.returncode == 0 and doc["verdict"] == "clean" and doc["discarded"] == 0


def test_json_discarded_is_every_explore_rounds(tmp_path):
    # 14 s: an explore round of 7 s, a coverage-guided one of 2 s, a second
    # explore round of about 2 s; the margin of about 3 s is for each
    # round's start-up on a loaded machine (with 8 s, two rounds' start-up
    # on a busy CI machine left no time for the second explore round)
    p, doc = run_check(tmp_path, "entry_contract.c", "entry_warn", seconds=14)
    assert p.returncode == 0 and doc["verdict"] == "clean", p.stdout
    first = re.findall(r"; (\d+) of the runs discarded: they broke the entry check", p.stdout)
    m = re.search(r": (\d+) explore round\(s\), (\d+) runs in all, (\d+) of them discarded at the entry check; ",
                  p.stdout)
    assert len(first) == 1 and m and int(m.group(1)) >= 2, p.stdout
    assert doc["discarded"] == int(m.group(3)) > int(first[0])


@pytest.mark.parametrize("flag", ["CONFIG_HIGHMEM", "HUGETLBFS", "CONFIG_HUGETLBFS=n"])
def test_config_refuses_the_machines_options_and_bad_forms(tmp_path, flag):
    """--config names an option of the user's kernel; the machine's options
    are the profile's: a clear one-line error and exit code 2."""
    p = subprocess.run([os.path.join(ROOT, "scripts", "kmapsim"), "check", "--kernel", str(tmp_path), "--config", flag,
                        "mm/memory.c:copy_folio_from_user"], stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    assert p.returncode == 2 and p.stdout.startswith("kmapsim: --config %s: " % flag), p.stdout
    assert len(p.stdout.strip().splitlines()) == 1

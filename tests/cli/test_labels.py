"""`scripts/kmapsim test -L LABEL` (issue 17): a label runs in exactly the
builds that build its tests, the number of tests the README's table implies;
an unknown label is "no tests matched" (exit 1). Needs the dev, fuzz and tsan
trees configured and built (scripts/kmapsim test builds them first)."""
import json
import os
import re
import subprocess

import pytest
from conftest import ROOT

from kmapsim_cli import test


def readme_labels():
    """{label: preset} of the README's table of test labels."""
    text = open(os.path.join(ROOT, "README.md")).read()
    section = text[text.index("\n## Tests\n"):]
    section = section[:section.index("\n## ", 1)]
    return dict(re.findall(r"^\| `([a-z-]+)` \| ([a-z]+) \|", section, re.M))


def labelled(preset, label):
    """How many tests of build/PRESET carry LABEL, asked of ctest directly."""
    d = os.path.join(ROOT, "build", preset)
    if not os.path.isfile(os.path.join(d, "CTestTestfile.cmake")):
        pytest.fail("build/%s is not configured: run scripts/kmapsim test (it builds every preset first)" % preset)
    out = subprocess.run(["ctest", "--test-dir", d, "--show-only=json-v1", "-L", "^%s$" % label],
                         stdout=subprocess.PIPE, check=True, text=True).stdout
    return len(json.loads(out)["tests"])


def test_readme_table_is_the_clis_table():
    table = readme_labels()
    assert len(table) >= 9
    assert table == test.LABELS


@pytest.mark.parametrize("label", sorted(test.LABELS))
def test_label_runs_only_in_its_preset(label):
    preset = test.LABELS[label]
    plan = {p: n for p, _, n in test.plan(["^%s$" % label], [])}
    want = labelled(preset, label)
    assert want > 0, "no test carries label %s in build/%s" % (label, preset)
    assert plan == {p: (want if p == preset else 0) for p in plan}


def test_every_registered_label_is_in_the_table():
    for preset, _, _ in test.PRESETS:
        d = os.path.join(ROOT, "build", preset)
        out = subprocess.run(["ctest", "--test-dir", d, "--print-labels"], stdout=subprocess.PIPE, text=True).stdout
        labels = re.findall(r"^  (\S+)$", out, re.M)
        # every label found in this build is one the table knows (torture may
        # be registered in dev and fuzz only when built there; it is not)
        assert set(labels) <= set(test.LABELS), (preset, labels)


def test_unknown_label_matches_nothing(run_kmapsim):
    p = run_kmapsim("test", "-L", "no-such-label", timeout=3000)
    assert p.returncode == 1
    assert "kmapsim: test: no tests matched (-L no-such-label): nothing was tested" in p.stderr.splitlines()


def test_a_label_end_to_end(run_kmapsim):
    # torture: its tests run in build/tsan, not in build/dev where this test
    # runs (a nested ctest there would overwrite the outer one's logs). One
    # of them (-R, passed through to ctest) is enough to show the label
    # reaching its preset and only it; the whole label runs on its own in
    # the same `kmapsim test` (and took this test to 114 s, run serially).
    one = "^torture/buggy-is-reported$"
    assert labelled("tsan", "torture") > 1
    p = run_kmapsim("test", "-L", "torture", "-R", one, timeout=3000)
    assert p.returncode == 0, p.stdout[-3000:] + p.stderr[-3000:]
    err = p.stderr.splitlines()
    assert "kmapsim: running 1 tests of build/tsan" in err
    assert not any(line.startswith("kmapsim: running") and "build/tsan" not in line for line in err)
    assert "kmapsim: test: all 1 tests passed" in err
    assert "100% tests passed, 0 tests failed out of 1" in p.stdout

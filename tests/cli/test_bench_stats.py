"""The bench's time to a first report leaves out the symbolizer: the driver's
--stats line says how much of `seconds` composing the report's call sites
took, and tests/bench/bench.py subtracts it."""
import os
import subprocess
import sys

import pytest

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
sys.path.insert(0, os.path.join(ROOT, "tests", "bench"))
import bench  # noqa: E402

BUGGY = os.path.join(ROOT, "build", "dev", "subjects", "zoo_aio_complete_kmap_under_lock_buggy")
FIXED = os.path.join(ROOT, "build", "dev", "subjects", "zoo_aio_complete_kmap_under_lock_fixed")


def test_search_seconds_subtracts_the_symbolizer():
    st = bench.parse_stats('kmapsim: stats: subject=x strategy=explore found=yes runs=3 seconds=1.250000 '
                           'found_by="bounded-exhaustive (K=0 preemptions)" symbolizer_seconds=1.000000')
    assert st["found_by"] == "bounded-exhaustive (K=0 preemptions)"
    assert bench.search_seconds(st) == pytest.approx(0.25)
    # An older driver's line, without the field: all of it.
    assert bench.search_seconds(bench.parse_stats("kmapsim: stats: found=yes runs=1 seconds=0.5")) == pytest.approx(0.5)


def stats_of(binary, tmp_path):
    if not os.access(binary, os.X_OK):
        pytest.skip("the dev preset's zoo binaries are not built")
    out = subprocess.run([binary, "--explore", "--runs", "200", "--stats", "--crash-dir", str(tmp_path)],
                         stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, timeout=300).stdout
    st = bench.parse_stats(out)
    assert st is not None, out
    return st


def test_a_report_counts_its_symbolizer_time(tmp_path):
    st = stats_of(BUGGY, tmp_path)
    assert st["found"] == "yes"
    # The report names its call sites, so the symbolizer ran, within the search's time.
    assert 0 < float(st["symbolizer_seconds"]) <= float(st["seconds"])


def test_a_clean_search_never_starts_the_symbolizer(tmp_path):
    st = stats_of(FIXED, tmp_path)
    assert st["found"] == "no"
    assert float(st["symbolizer_seconds"]) == 0

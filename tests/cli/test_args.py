"""Argument handling: argparse's errors become kmapsim's one-line errors;
`test` passes ctest's own flags through."""
import pytest

from kmapsim_cli import main, test
from kmapsim_cli.common import KmapsimExit


@pytest.mark.parametrize("message,line", [
    ("unrecognized arguments: --nope", "check: unknown flag '--nope' (see: scripts/kmapsim check --help)"),
    ("unrecognized arguments: b.c", "check: unexpected argument 'b.c' (see: scripts/kmapsim check --help)"),
    ("argument --seconds: expected one argument", "check: --seconds needs a value"),
])
def test_one_line_errors(message, line):
    assert main.one_line_error("check", message) == line


def test_split_labels_keeps_ctest_flags():
    assert test.split_labels(["-L", "zoo", "-LE", "x", "-R", "y", "--label-regex=a|b"]) == (
        ["zoo", "a|b"], ["-LE", "x", "-R", "y"])


def test_split_labels_needs_a_value():
    with pytest.raises(KmapsimExit) as e:
        test.split_labels(["-R", "x", "-L"])
    assert e.value.code == 2 and e.value.message == "test: -L needs a value"


def test_tsan_runs_only_torture():
    tsan = [p for p in test.PRESETS if p[0] == "tsan"][0]
    assert test.ctest_args(tsan[2], ["properties"], ["-R", "x"]) == ["-L", "^torture$", "-L", "properties", "-R", "x"]
    dev = [p for p in test.PRESETS if p[0] == "dev"][0]
    assert test.ctest_args(dev[2], [], []) == []


def test_every_subcommand_is_dispatched():
    _, sub = main.build_parser()
    assert sorted(sub.choices) == sorted(["check", "repro", "test", "setup", "overnight", "minimize", "triage", "fuzz",
                                          "bench", "torture", "kernel-src"])


def test_disk_space_is_named(monkeypatch, capsys):
    """Less free space than a clean run writes: a warning before; a nearly
    full disk after failed tests: a line naming it. Plenty: silence."""
    import collections
    usage = collections.namedtuple("usage", "total used free")
    free = {"mib": 100}
    monkeypatch.setattr(test.shutil, "disk_usage", lambda path: usage(1 << 40, 0, free["mib"] << 20))
    test.disk_before()
    test.disk_after_failure()
    err = capsys.readouterr().err.splitlines()
    assert err[0].startswith("kmapsim: test: only 100 MiB free under ")
    assert "writes about %d GiB there" % test.FULL_RUN_GIB in err[0]
    assert err[1].startswith("kmapsim: test: the disk is nearly full (100 MiB free under ")
    free["mib"] = 64 << 10
    test.disk_before()
    test.disk_after_failure()
    assert capsys.readouterr().err == ""


def test_a_changed_preset_is_configured_again(tmp_path):
    """A build directory is configured when it never was, and again when
    CMakePresets.json is newer than its cache (a preset's flags changed)."""
    import os
    from kmapsim_cli import builds
    presets = tmp_path / "CMakePresets.json"
    presets.write_text("{}")
    d = tmp_path / "build"
    d.mkdir()
    assert builds.needs_configure(str(d), str(presets))
    (d / "CMakeCache.txt").write_text("")
    (d / "build.ninja").write_text("")
    os.utime(presets, (1000, 1000))
    assert not builds.needs_configure(str(d), str(presets))
    os.utime(presets, None)
    os.utime(d / "CMakeCache.txt", (1000, 1000))
    assert builds.needs_configure(str(d), str(presets))


def test_a_variable_a_preset_dropped_is_gone_after_configuring(tmp_path):
    """Configuring again starts the cache afresh: a variable the preset no
    longer sets does not linger at its old value (on a throwaway project)."""
    import json
    import subprocess
    from kmapsim_cli import builds
    (tmp_path / "CMakeLists.txt").write_text("cmake_minimum_required(VERSION 3.20)\nproject(p NONE)\n")

    def presets(variables):
        (tmp_path / "CMakePresets.json").write_text(json.dumps({"version": 3, "configurePresets": [
            {"name": "p", "generator": "Ninja", "binaryDir": "${sourceDir}/build", "cacheVariables": variables}]}))

    def configure():
        cmd = builds.configure_command("p", str(tmp_path / "build"))
        subprocess.run(cmd, cwd=tmp_path, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        return (tmp_path / "build" / "CMakeCache.txt").read_text()

    presets({"KMAPSIM_OLD_FLAG": "on", "KMAPSIM_KEPT": "1"})
    assert "KMAPSIM_OLD_FLAG" in configure()
    presets({"KMAPSIM_KEPT": "2"})
    cache = configure()
    assert "KMAPSIM_OLD_FLAG" not in cache
    assert "KMAPSIM_KEPT:UNINITIALIZED=2" in cache or "KMAPSIM_KEPT:STRING=2" in cache, cache

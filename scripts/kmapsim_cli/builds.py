"""CMake presets: configure once (again when CMakePresets.json changed),
build targets at -j2, under a lock.

Output goes to build/kmapsim-build-PRESET.log; on failure the first errors
are shown and the command ends with exit 3 (the model not building is
kmapsim's own failure, not the user's input).
"""
import os
import re
import subprocess
import sys
import time

from kmapsim_cli.common import JOBS, ROOT, Failure, locked, rel, say

FUZZ_DIR = os.path.join(ROOT, "build", "fuzz")
MODEL_LIB = os.path.join(FUZZ_DIR, "model", "libkmapsim_model.a")
DRIVER_LIB = os.path.join(FUZZ_DIR, "fuzz", "libkmapsim_driver.a")


def build_dir(preset):
    return os.path.join(ROOT, "build", preset)


def needs_configure(d, presets=os.path.join(ROOT, "CMakePresets.json")):
    """Whether build directory D must be configured: never was, or the
    presets changed since (a pull that changes a preset's flags would
    otherwise leave an existing build with the old ones)."""
    cache = os.path.join(d, "CMakeCache.txt")
    if not os.path.isfile(cache) or not os.path.isfile(os.path.join(d, "build.ninja")):
        return True
    return os.stat(presets).st_mtime > os.stat(cache).st_mtime


def configure_command(preset, d):
    """The configure command of PRESET into D. An existing cache is started
    afresh (--fresh): `cmake --preset` sets the preset's variables again but
    leaves one the preset no longer names at its cached value."""
    fresh = ["--fresh"] if os.path.isfile(os.path.join(d, "CMakeCache.txt")) else []
    return ["cmake", "--preset", preset] + fresh


def _build_once(preset, targets, log):
    d = build_dir(preset)
    with open(log, "w") as out:
        if needs_configure(d):
            if subprocess.call(configure_command(preset, d), cwd=ROOT, stdout=out, stderr=subprocess.STDOUT,
                               stdin=subprocess.DEVNULL) != 0:
                return False
        cmd = ["cmake", "--build", d, "-j", str(JOBS)] + (["--target"] + list(targets) if targets else [])
        return subprocess.call(cmd, stdout=out, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL) == 0


def build_preset(preset, *targets):
    """Configures PRESET if it never was or the presets changed, then builds
    TARGETS (everything when none). One retry: another build of the same
    directory may have been running."""
    os.makedirs(os.path.join(ROOT, "build"), exist_ok=True)
    log = os.path.join(ROOT, "build", "kmapsim-build-%s.log" % preset)
    for attempt in (1, 2):
        with locked(os.path.join(ROOT, "build", ".kmapsim-%s.lock" % preset)):
            if _build_once(preset, targets, log):
                return build_dir(preset)
        if attempt == 1:
            time.sleep(5)
    with open(log, errors="replace") as f:
        text = f.read().splitlines()
    errors = [line for line in text if re.search(r"error|FAILED|CMake Error", line)][:20] or text[-20:]
    print("kmapsim: building the %s preset failed; the errors (full log: %s):" % (preset, rel(log)), file=sys.stderr)
    for line in errors:
        print(line, file=sys.stderr)
    raise Failure()


def ensure_fuzz_libs():
    """The model and the driver of the fuzz preset (what `check` links a
    subject against). Ninja only rebuilds what changed."""
    if not os.path.isfile(MODEL_LIB) or not os.path.isfile(DRIVER_LIB):
        say("building the model (fuzz preset, first time only; about a minute)")
    build_preset("fuzz", "kmapsim_model", "kmapsim_driver")


def load_targets(build=FUZZ_DIR):
    """{name: {name, kind, bin, expect}} of build/<preset>/kmapsim-targets.tsv."""
    targets = {}
    with open(os.path.join(build, "kmapsim-targets.tsv")) as f:
        for line in f:
            name, kind, binary, expect = line.rstrip("\n").split("\t")
            targets[name] = {"name": name, "kind": kind, "bin": binary, "expect": expect}
    return targets

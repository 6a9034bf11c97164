"""`kmapsim setup`: the Debian packages kmapsim needs, installed when missing.

Runs on a bare Debian with python3 only (the launcher needs nothing else):
the standard library, dpkg-query and apt-get. Every other subcommand runs
ensure() first, which is quiet when nothing is missing.
"""
import functools
import os
import re
import shutil
import subprocess

from kmapsim_cli.common import Failure, say

HELP = """\
Installs the Debian packages kmapsim needs, only those missing (apt-get update
first; as root, or through sudo): clang, libclang-rt-N-dev (libFuzzer and the
sanitizer runtimes for clang N), librapidcheck-dev, libgtest-dev, cmake,
ninja-build, python3-matplotlib (overnight's plot), python3-pytest (the CLI's
tests), python3-yaml (the ci/ files' test), python3-jsonschema (the report
schema's test), patch (check --kernel --patch), lld (subject binaries link
with it).
Quiet when nothing is missing. Every other subcommand runs it first."""


def clang_rt_package():
    """The sanitizer/libFuzzer runtime package of the installed clang (14 on Debian 12)."""
    major = "14"
    path = shutil.which("clang")
    if path:
        # Debian's clang is a link into /usr/lib/llvm-N/: its major version
        # without starting the compiler (every subcommand asks)
        m = re.search(r"/llvm-(\d+)/", os.path.realpath(path))
        if m:
            return "libclang-rt-%s-dev" % m.group(1)
        try:
            out = subprocess.run(["clang", "-dumpversion"], stdout=subprocess.PIPE, stderr=subprocess.DEVNULL,
                                 text=True).stdout.strip()
            major = out.split(".")[0] or major
        except OSError:
            pass
    return "libclang-rt-%s-dev" % major


def installed_packages(packages):
    """The ones of PACKAGES dpkg has installed, in one dpkg-query."""
    try:
        out = subprocess.run(["dpkg-query", "-W", "-f=${Package} ${Status}\n"] + list(packages),
                             stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True).stdout
    except OSError:
        return set()
    return {line.split(" ", 1)[0].split(":")[0] for line in out.splitlines()
            if line.endswith(" install ok installed")}


def python_module(name):
    """Whether Debian's python3 (this interpreter) can import NAME."""
    import importlib.util
    return importlib.util.find_spec(name) is not None


# (package, test): a package is missing when its test fails.
def requirements():
    rt = clang_rt_package()
    dpkg = [rt, "librapidcheck-dev", "libgtest-dev"]  # asked of dpkg at once, when first needed
    have = []

    def from_dpkg(package):
        if not have:
            have.append(installed_packages(dpkg))
        return package in have[0]
    return [
        ("clang", lambda: shutil.which("clang") and shutil.which("clang++")),
        (rt, lambda: from_dpkg(rt)),
        ("librapidcheck-dev", lambda: from_dpkg("librapidcheck-dev")),
        ("libgtest-dev", lambda: from_dpkg("libgtest-dev")),
        ("cmake", lambda: shutil.which("cmake")),
        ("ninja-build", lambda: shutil.which("ninja")),
        ("python3-matplotlib", lambda: python_module("matplotlib")),
        ("python3-pytest", lambda: python_module("pytest")),
        ("python3-yaml", lambda: python_module("yaml")),  # tests/ci: the workflow files parse
        ("python3-jsonschema", lambda: python_module("jsonschema")),  # tests: --json reports match docs/report.schema.json
        ("patch", lambda: shutil.which("patch")),  # check --kernel --patch
        ("lld", lambda: shutil.which("ld.lld")),  # subject binaries link with it (subject_cache.LLD)
    ]


def missing_packages():
    return [pkg for pkg, present in requirements() if not present()]


@functools.lru_cache(maxsize=None)
def ensure():
    """Installs what is missing; Failure (exit 3) when that is not possible.
    Once per process: `check --kernel` runs check in the same process."""
    missing = missing_packages()
    if not missing:
        return
    names = " ".join(missing)
    sudo = []
    if os.geteuid() != 0:
        if not shutil.which("sudo"):
            raise Failure("missing packages: %s; install them as root: apt-get install %s" % (names, names))
        sudo = ["sudo"]
    if not shutil.which("apt-get"):
        raise Failure("missing packages: %s, and no apt-get to install them with" % names)
    say("installing: " + names)
    if subprocess.call(sudo + ["apt-get", "update", "-q"], stdin=subprocess.DEVNULL) != 0:
        raise Failure("apt-get update failed; could not install: " + names)
    cmd = sudo + ["env", "DEBIAN_FRONTEND=noninteractive", "apt-get", "install", "-y", "-q", "--no-install-recommends"]
    if subprocess.call(cmd + missing, stdin=subprocess.DEVNULL) != 0:
        raise Failure("could not install: " + names)
    import importlib
    importlib.invalidate_caches()
    still = missing_packages()
    if still:
        raise Failure("still missing after installing: " + " ".join(still))


def add_parser(sub):
    p = sub.add_parser("setup", help="install the missing Debian packages", description=HELP,
                       usage="scripts/kmapsim setup")
    p.set_defaults(run=run, setup_first=False)


def run(args):
    ensure()
    return 0

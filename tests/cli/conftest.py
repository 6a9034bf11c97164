"""pytest set-up for the CLI's tests (tests/cli/): the package is imported
from scripts/, the launcher is run as users run it."""
import os
import subprocess
import sys

import pytest

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
sys.path.insert(0, os.path.join(ROOT, "scripts"))
sys.dont_write_bytecode = True

DATA = os.path.join(os.path.dirname(os.path.abspath(__file__)), "data")
LAUNCHER = os.path.join(ROOT, "scripts", "kmapsim")


def kmapsim(*args, cwd=ROOT, timeout=120):
    """Runs scripts/kmapsim ARGS; the CompletedProcess (text stdout, stderr)."""
    return subprocess.run([LAUNCHER] + list(args), cwd=cwd, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                          text=True, timeout=timeout, stdin=subprocess.DEVNULL)


@pytest.fixture
def run_kmapsim():
    return kmapsim


@pytest.fixture
def data():
    return lambda name: os.path.join(DATA, name)

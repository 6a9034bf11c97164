"""Real kernel code (scripts/kmapsim_kernel, docs/kernel-import.md):
`kmapsim kernel-src VERSION` and `kmapsim check --kernel DIR ...` are the
kmapsim_kernel package's; this module hands them over. That package calls
back into `scripts/kmapsim check` for the build and the exploration.
"""
import os
import sys

from kmapsim_cli.common import ROOT

HELP = """\
Installs Debian's linux-source-VERSION (6.1 or 6.12) through apt-get on first
use, unpacks it once into kmapsim's cache (.kmapsim/kernel/VERSION/, or
$KMAPSIM_CACHE/kernel/VERSION/) and prints the tree's path. `check --kernel`
accepts the version instead of a path. Exit 2 for an unknown version, 3 when
the package cannot be installed."""
USAGE = "scripts/kmapsim kernel-src VERSION"


def kernel_module():
    path = os.path.join(ROOT, "scripts")
    if path not in sys.path:
        sys.path.insert(0, path)
    from kmapsim_kernel import cli
    return cli


def wants_kernel(argv):
    """Whether a `check` command line names a kernel tree."""
    return any(a == "--kernel" or a.startswith("--kernel=") for a in argv)


def check(argv):
    """`check --kernel DIR FILE:FUNCTION...|HARNESS.c [--before X|--patch P]`."""
    return kernel_module().main(["check"] + list(argv))


def diagnose(log_path, what):
    """Every compiler error, the kept log and the names kmapsim does not know."""
    from kmapsim_kernel import diagnose as d  # noqa: F401 (kernel_module() set the path)
    d.report(log_path, what)


def add_parser(sub):
    p = sub.add_parser("kernel-src", usage=USAGE, description=HELP, add_help=True,
                       help="a Debian kernel tree (6.1, 6.12), unpacked once; prints its path")
    p.add_argument("version", metavar="VERSION")
    p.set_defaults(run=run, setup_first=False)


def run(args):
    return kernel_module().main(["kernel-src", args.version])

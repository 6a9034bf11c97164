"""Entry points: `kernel-src VERSION` and `check --kernel DIR FILE:FUNC...`."""

import sys

from . import errors


def main(argv):
    try:
        if not argv or argv[0] in ("-h", "--help"):
            print("usage: python3 -m kmapsim_kernel {kernel-src VERSION | check --kernel DIR FILE:FUNC...}")
            return 0 if argv else 2
        if argv[0] == "kernel-src":
            from . import kernel_src
            return kernel_src.main(argv[1:])
        if argv[0] == "check":
            from . import check
            return check.main(argv[1:])
        if argv[0] == "diagnose":
            from . import diagnose
            return diagnose.main(argv[1:])
        raise errors.BadInput("unknown command '%s'" % argv[0])
    except errors.KmapsimError as e:
        print("kmapsim: %s" % e, file=sys.stderr)
        return e.code

"""scripts/kmapsim: argument parsing and dispatch (shaped like the kernel's
tools/testing/kunit/kunit.py: one parser per subcommand, each module adds
its own with add_parser() and does its work in run(args)).

Every subcommand has --help. A bad flag, a missing or extra operand is one
line "kmapsim: CMD: ..." and exit 2, never argparse's usage dump.
"""
import argparse
import re
import sys
import traceback

from kmapsim_cli import (bench, check, fuzz, kernel, minimize, overnight, packages, repro, test, torture, triage)
from kmapsim_cli.common import KmapsimExit, say

# The order of `kmapsim help`.
MODULES = [check, repro, test, packages, overnight, minimize, triage, fuzz, bench, torture, kernel]

USAGE = """\
usage: scripts/kmapsim COMMAND [ARGS...]     (scripts/kmapsim COMMAND --help)

  check FILE.c [--seconds N] [--profile P] [--subject NAME]
                    explore a subject file; report the first kmap misuse
  check --kernel DIR FILE:FUNCTION...|HARNESS.c [--before DIR|REV] [--patch P]
                    check functions taken verbatim from a kernel tree
  repro CRASH [--twice] [--no-events]
                    replay a crash file: its event trace and report again
  test [-L LABEL]   build (dev, fuzz, tsan presets) and run the tests
  setup             install the missing Debian packages
  overnight [--hours H] [--jobs J] [--out DIR] [TARGET...]
                    fuzz for hours (resumable); report.md with a plot
  minimize CRASH    the smallest input that keeps the class
  triage DIR        group crash files by class and site
  fuzz [--seconds N] [TARGET...]
                    the main job: fuzz every in-tree target, print a summary
  bench [--quick]   benchmarks: a table, RESULT lines, docs/benchmarks.md
  torture [--seconds N] [--threads T] [SUBJECT]
                    simulated CPUs on real threads under ThreadSanitizer
  kernel-src VERSION
                    Debian's linux-source-6.1/-6.12, unpacked once; its path

Exit codes: 0 nothing found, 1 a report, 2 unusable input (one line),
3 kmapsim itself failed (packages, build, explorer crash).
"""


class Parser(argparse.ArgumentParser):
    """argparse with kmapsim's errors: one line, exit 2."""

    def __init__(self, *a, **kw):
        kw.setdefault("allow_abbrev", False)
        kw.setdefault("formatter_class", argparse.RawDescriptionHelpFormatter)
        super().__init__(*a, **kw)

    def format_help(self):
        # A subcommand's help is its usage line and its text, which already
        # describes every flag (the same text the README quotes).
        if self.description:
            return "usage: %s\n\n%s\n" % (self.usage, self.description)
        return super().format_help()

    def command(self):
        return self.prog.split()[-1]

    def error(self, message):
        raise KmapsimExit(one_line_error(self.command(), message), 2)


def one_line_error(cmd, message):
    """argparse's MESSAGE in kmapsim's words."""
    see = "(see: scripts/kmapsim %s --help)" % cmd
    m = re.match(r"unrecognized arguments: (\S+)", message)
    if m:
        arg = m.group(1)
        if arg.startswith("-"):
            return "%s: unknown flag '%s' %s" % (cmd, arg, see)
        return "%s: unexpected argument '%s' %s" % (cmd, arg, see)
    m = re.match(r"argument (\S+?)(?:/\S+)?: expected one argument", message)
    if m:
        return "%s: %s needs a value" % (cmd, m.group(1))
    m = re.match(r"argument (\S+?)(?:/\S+)?: (.*)", message)
    if m:
        return "%s: %s: %s %s" % (cmd, m.group(1), m.group(2), see)
    return "%s: %s %s" % (cmd, message, see)


def build_parser():
    top = Parser(prog="scripts/kmapsim", add_help=False, usage=USAGE)
    sub = top.add_subparsers(dest="command", parser_class=Parser)
    for module in MODULES:
        module.add_parser(sub)
    return top, sub


def main(argv=None):
    argv = sys.argv[1:] if argv is None else argv
    top, sub = build_parser()
    try:
        if not argv or argv[0] in ("help", "-h", "--help"):
            if argv[1:2] and argv[1] in sub.choices:
                sub.choices[argv[1]].print_help()
            else:
                sys.stdout.write(USAGE)
            return 0
        if argv[0] not in sub.choices:
            raise KmapsimExit("unknown command '%s' (see: scripts/kmapsim help)" % argv[0], 2)
        if argv[0] == "check" and kernel.wants_kernel(argv[1:]) and argv[1:2] not in (["-h"], ["--help"]):
            packages.ensure()
            return kernel.check(argv[1:])
        parser = sub.choices[argv[0]]
        if getattr(parser, "passthrough", False):
            # `test`: the arguments it does not know are ctest's, and only a
            # first -h/--help asks for its usage.
            if argv[1:2] in (["-h"], ["--help"]):
                parser.print_help()
                return 0
            args = parser.parse_args([])
            args.rest = argv[1:]
        else:
            args = parser.parse_intermixed_args(argv[1:])
        if args.setup_first:
            packages.ensure()
        return args.run(args) or 0
    except KmapsimExit as e:
        if e.message:
            say(e.message)
        return e.code
    except KeyboardInterrupt:
        say("interrupted")
        return 130
    except BrokenPipeError:
        return 0
    except Exception:  # kmapsim's own bug: say so, never exit 1 (a report)
        tb = traceback.extract_tb(sys.exc_info()[2])[-1]
        say("internal error: %s (%s:%d)" % (sys.exc_info()[1] or sys.exc_info()[0].__name__, tb.filename, tb.lineno))
        return 3

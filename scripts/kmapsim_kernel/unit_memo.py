"""The unit a check built for one tree, remembered for the next check.

Importing a function (parsing the tree's files, following names, the
compile rounds of check.build_checked()) takes about 0.4 to 0.8 s each
time, the same work for every subject, expectation and budget one unit (a
harness or function, a profile) is checked with. For
a tree that cannot change under kmapsim, a check remembers what the import
gave: the unit's path, the lines it printed and the options the import
turned on (the config state another side of --before starts from), and the
next check with the same inputs uses them as they are.

Only Debian's trees that `kernel-src` unpacked qualify: they are written
once and marked complete (.unpacked, whose time is part of the key). A tree
of the user's (edited between two checks, the very thing being converted)
is imported every time; kmapsim does not try to know which of its files an
import read. The key also holds every input besides the tree: the targets
(a harness file by content, with the files it includes), the profile, the
iterator types, the options in force, kmapsim's own headers and importer
(their sizes and times: a checkout or an edit is a new key) and the
compiler.
"""

import hashlib
import io
import json
import os
import shutil
import sys

from kmapsim_cli.common import write_whole

from . import harness_text, importer, kernel_src

# What the unit is made from on kmapsim's side: the headers the unit is
# compiled against, the C written over the tree's types, and this package.
_OWN = (importer.MODEL_INCLUDE, importer.MODEL_TREE_C, os.path.dirname(os.path.abspath(__file__)))


def _immutable_marker(tree):
    """The .unpacked marker of a Debian tree kernel-src unpacked, or None."""
    for version in kernel_src.VERSIONS:
        if os.path.realpath(tree) == os.path.realpath(kernel_src.tree_path(version)):
            marker = os.path.join(os.path.dirname(kernel_src.tree_path(version)), ".unpacked")
            return marker if os.path.exists(marker) else None
    return None


def _stamps(h):
    for top in _OWN:
        for d, dirs, files in os.walk(top):
            dirs.sort()
            for f in sorted(files):
                if f.endswith((".pyc", ".tmp")):
                    continue
                st = os.stat(os.path.join(d, f))
                h.update(("%s %d %d\n" % (os.path.join(d, f), st.st_size, st.st_mtime_ns)).encode())
    clang = os.path.realpath(shutil.which("clang") or "clang")
    if os.path.exists(clang):
        st = os.stat(clang)
        h.update(("%s %d %d\n" % (clang, st.st_size, st.st_mtime_ns)).encode())


def _config_state():
    return {"user": sorted(importer.USER_CONFIG.items()), "guard": sorted(importer.GUARD_CONFIG),
            "kconfig": sorted(importer.KCONFIG_VALUES)}


def _set_config_state(state):
    importer.USER_CONFIG.clear()
    importer.USER_CONFIG.update(dict(state["user"]))
    importer.GUARD_CONFIG.clear()
    importer.GUARD_CONFIG.update(state["guard"])
    importer.KCONFIG_VALUES.clear()
    importer.KCONFIG_VALUES.update(state["kconfig"])


def key(tree, targets, profile, iter_types, root):
    """The memo file of these inputs under ROOT, or None for a tree that may
    change."""
    marker = _immutable_marker(tree)
    if marker is None:
        return None
    h = hashlib.sha256()
    h.update(("unit-memo 1\n%s %d\n%s\n%s\n%s\n" % (
        os.path.realpath(tree), os.stat(marker).st_mtime_ns, profile, iter_types,
        json.dumps(_config_state()))).encode())
    if isinstance(targets, str):  # a harness file with KMAPSIM_IMPORT lines
        h.update(targets.encode() + b"\0")
        h.update(harness_text.read(targets).encode())   # with the helpers it includes
    else:
        h.update(repr(list(targets)).encode())
    _stamps(h)
    return os.path.join(root, "memo", h.hexdigest()[:24] + ".json")


def load(memo):
    """The remembered unit's path, its lines printed again and the options
    restored; None when there is none (or it is unreadable, or the unit
    file is gone)."""
    try:
        with open(memo) as f:
            m = json.load(f)
        path, printed, state = m["path"], m["stderr"], m["config"]
    except (OSError, ValueError, KeyError, TypeError):
        return None
    if not os.path.isfile(path):
        return None
    sys.stderr.write(printed)
    _set_config_state(state)
    return path


class _Tee(io.TextIOBase):
    """Writes through to the real stderr and keeps a copy."""

    def __init__(self, real):
        self.real, self.kept = real, []

    def write(self, s):
        self.kept.append(s)
        return self.real.write(s)

    def flush(self):
        self.real.flush()


def build(memo, build_fn, *args):
    """build_fn(*args) (a unit's path), what it printed kept with the result
    in MEMO for the next check. Failures are not remembered."""
    tee = _Tee(sys.stderr)
    sys.stderr = tee
    try:
        path = build_fn(*args)
    finally:
        sys.stderr = tee.real
    os.makedirs(os.path.dirname(memo), exist_ok=True)
    write_whole(memo, json.dumps({"path": path, "stderr": "".join(tee.kept), "config": _config_state()}))
    return path

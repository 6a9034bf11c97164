"""kernel-src: Debian's packaged kernel trees, unpacked once into kmapsim's cache.

`kernel-src 6.1` installs linux-source-6.1 through apt-get on first use (the
package ships /usr/src/linux-source-6.1.tar.xz), unpacks that tarball into
<cache>/kernel/6.1/ and prints the tree's path. The cache is $KMAPSIM_CACHE
or the repository's .kmapsim/. An unpacked tree is marked complete only once
tar has finished, so an interrupted unpack is redone, never half used.
"""

import fcntl
import os
import shutil
import subprocess
import sys
import tarfile

from . import errors

REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
VERSIONS = ("6.1", "6.12")


def cache_dir():
    return os.environ.get("KMAPSIM_CACHE") or os.path.join(REPO, ".kmapsim")


def tarball(version):
    return "/usr/src/linux-source-%s.tar.xz" % version


def package(version):
    return "linux-source-%s" % version


def install(version):
    """Installs the Debian package that ships the tarball (apt-get, as root or with sudo)."""
    if os.path.exists(tarball(version)):
        return
    cmd = ["apt-get", "install", "-y", "--no-install-recommends", package(version)]
    update = ["apt-get", "update"]
    if os.geteuid() != 0:
        if not shutil.which("sudo"):
            raise errors.Unavailable("%s is not installed and there is no sudo to install it "
                                     "(run: apt-get install %s)" % (package(version), package(version)))
        cmd = ["sudo", "-n"] + cmd
        update = ["sudo", "-n"] + update
    env = dict(os.environ, DEBIAN_FRONTEND="noninteractive")
    os.makedirs(os.path.join(cache_dir(), "kernel"), exist_ok=True)
    # one apt-get at a time (two versions installed in parallel would fight
    # over dpkg's lock); a machine with no package lists gets them first
    with open(os.path.join(cache_dir(), "kernel", ".install.lock"), "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if os.path.exists(tarball(version)):
            return
        print("kmapsim: installing %s (about 140 MB, first time only)" % package(version), file=sys.stderr)
        r = subprocess.run(cmd, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
        if r.returncode != 0:
            subprocess.run(update, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            r = subprocess.run(cmd, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    if r.returncode != 0 or not os.path.exists(tarball(version)):
        tail = "\n".join(r.stdout.strip().splitlines()[-3:])
        raise errors.Unavailable("could not install %s with apt-get: %s" % (package(version), tail))


def tree_path(version):
    return os.path.join(cache_dir(), "kernel", version, "linux-source-%s" % version)


def ensure_tree(version):
    """Returns the path of the unpacked tree, installing and unpacking it first if needed."""
    if version not in VERSIONS:
        raise errors.BadInput("kernel-src: unknown kernel '%s' (known: %s)" % (version, ", ".join(VERSIONS)))
    top = os.path.join(cache_dir(), "kernel", version)
    done = os.path.join(top, ".unpacked")
    if os.path.exists(done):
        return tree_path(version)
    os.makedirs(top, exist_ok=True)
    with open(os.path.join(top, ".lock"), "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if os.path.exists(done):
            return tree_path(version)
        install(version)
        staging = os.path.join(top, "unpack.tmp")
        shutil.rmtree(staging, ignore_errors=True)
        os.makedirs(staging)
        print("kmapsim: unpacking %s into %s (first time only)" % (tarball(version), top), file=sys.stderr)
        r = subprocess.run(["tar", "-xJf", tarball(version), "-C", staging],
                           stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
        if r.returncode != 0:
            raise errors.Internal("unpacking %s failed: %s" % (tarball(version), r.stdout.strip()[-300:]))
        src = os.path.join(staging, "linux-source-%s" % version)
        if not os.path.isdir(src):
            raise errors.Internal("%s did not contain linux-source-%s/" % (tarball(version), version))
        shutil.rmtree(tree_path(version), ignore_errors=True)
        os.rename(src, tree_path(version))
        shutil.rmtree(staging, ignore_errors=True)
        open(done, "w").close()
    return tree_path(version)


def main(argv):
    if len(argv) != 1 or argv[0] in ("-h", "--help"):
        print("usage: scripts/kmapsim kernel-src VERSION    (VERSION: %s)\n\n"
              "Installs Debian's linux-source-VERSION on first use, unpacks it once into\n"
              "$KMAPSIM_CACHE/kernel/VERSION/ (default .kmapsim/kernel/VERSION/) and prints\n"
              "the tree's path." % " | ".join(VERSIONS), file=sys.stderr if argv else sys.stdout)
        return 0 if argv and argv[0] in ("-h", "--help") else 2
    print(ensure_tree(argv[0]))
    return 0

"""Debian kernel sources as migration bases, cached outside the repository.

Layout of the cache (tree.cache_root()):
  debs/     the downloaded linux-source-X .deb files
  trees/    linux-source-X/: the pristine unpacked tree, never modified
  work/     fresh working copies handed out by copy()
  runs/     per-tree lock, journal and backups of apply runs
"""

import glob
import os
import pathlib
import re
import shutil
import time

from . import procs, tools
from .errors import ToolError
from .tree import cache_root, exclusive

DEFAULT = "6.12"

# Sources for kernels newer than Debian 12 ships (the 7.x series, already
# converted upstream).  They are read through a private apt configuration in
# the cache, so the system's sources and package lists are left untouched.
PRIVATE_SOURCES = """\
deb [signed-by=/usr/share/keyrings/debian-archive-keyring.gpg] http://deb.debian.org/debian unstable main
deb [signed-by=/usr/share/keyrings/debian-archive-keyring.gpg] http://deb.debian.org/debian trixie-backports main
"""
PRIVATE_MAJORS = ("7",)
LIST_MAX_AGE = 24 * 3600


def _private_apt():
    """apt options that use only the cache's own sources and lists."""
    d = cache_root() / "apt"
    for sub in ("lists/partial", "cache/archives/partial"):
        (d / sub).mkdir(parents=True, exist_ok=True)
    src = d / "sources.list"
    if not src.is_file() or src.read_text() != PRIVATE_SOURCES:
        src.write_text(PRIVATE_SOURCES)
    opts = [f"-oDir::Etc::SourceList={src}", "-oDir::Etc::SourceParts=/dev/null",
            f"-oDir::State::Lists={d / 'lists'}", f"-oDir::Cache={d / 'cache'}",
            "-oDir::State::status=/dev/null", "-oAcquire::Languages=none"]
    stamp = d / "lists" / ".updated"
    if not stamp.exists() or time.time() - stamp.stat().st_mtime > LIST_MAX_AGE:
        _run(["apt-get", *opts, "update", "-q"], "apt-get update (private sources)")
        stamp.touch()
    return opts


def _newest(names):
    def key(n):
        return [int(x) for x in re.findall(r"\d+", n)]
    return max(names, key=key) if names else None


def resolve(version):
    """'7' -> the newest available 'linux-source-7.N' version ('7.3');
    anything with a dot is taken as it is."""
    if "." in version:
        return version
    if version not in PRIVATE_MAJORS:
        raise ToolError(f"unknown base version {version!r} (use e.g. 6.12, 6.1 or 7)")
    have = [p.name for p in (cache_root() / "trees").glob(f"linux-source-{version}.*")
            if (p / ".ipm-complete").is_file()]
    if not have:
        p = _run(["apt-cache", *_private_apt(), "search", "--names-only",
                  rf"^linux-source-{version}\.[0-9]+$"], "apt-cache search")
        have = [l.split()[0] for l in p.stdout.splitlines() if l.strip()]
    best = _newest(have)
    if not best:
        raise ToolError(f"no linux-source-{version}.x package found")
    return best.removeprefix("linux-source-")


def _run(argv, what, **kw):
    p = procs.run(argv, capture_output=True, text=True, **kw)
    if p.returncode != 0:
        err = (p.stderr or p.stdout).strip().splitlines()
        raise ToolError(f"{what} failed: {err[-1] if err else p.returncode}")
    return p


def pristine(version=DEFAULT, out=print):
    """Path of the unpacked linux-source-VERSION tree, fetching it once."""
    version = resolve(version)
    pkg = f"linux-source-{version}"
    root = cache_root()
    tree = root / "trees" / pkg
    if (tree / ".ipm-complete").is_file():
        return tree
    # two commands started on a cold cache fetch a base once
    with exclusive(root / "trees" / f".{pkg}.lock",
                   f"waiting for another process to fetch {pkg}", wait=out):
        if (tree / ".ipm-complete").is_file():
            return tree
        return _fetch_and_unpack(version, pkg, root, tree, out)


def _fetch_and_unpack(version, pkg, root, tree, out):
    debs = root / "debs"
    debs.mkdir(parents=True, exist_ok=True)
    found = sorted(glob.glob(str(debs / f"{pkg}_*.deb")))
    tools.require("dpkg-deb", "tar", "xz", "cp")
    if not found:
        tools.require("apt-get")
        out(f"fetching {pkg} with apt-get download into {debs}")
        opts = _private_apt() if version.split(".")[0] in PRIVATE_MAJORS else []
        p = procs.run(["apt-get", *opts, "download", pkg], cwd=debs,
                      capture_output=True, text=True)
        if p.returncode != 0 and not opts:
            procs.run(["apt-get", "update", "-q"], capture_output=True)
            p = procs.run(["apt-get", "download", pkg], cwd=debs,
                          capture_output=True, text=True)
        if p.returncode != 0:
            err = (p.stderr or p.stdout).strip().splitlines()
            raise ToolError(f"apt-get download {pkg} failed: {err[-1] if err else p.returncode}")
        found = sorted(glob.glob(str(debs / f"{pkg}_*.deb")))
        if not found:
            raise ToolError(f"apt-get download {pkg} produced no .deb")
    deb = found[-1]
    out(f"unpacking {os.path.basename(deb)} into {tree}")
    t0 = time.monotonic()
    tmp = root / "trees" / f".{pkg}.unpacking"
    shutil.rmtree(tmp, ignore_errors=True)
    tmp.mkdir(parents=True)
    src = f"./usr/src/{pkg}.tar.xz"
    _run(["sh", "-c", 'dpkg-deb --fsys-tarfile "$1" | tar -x -C "$2" "$3"',
          "sh", deb, str(tmp), src], "dpkg-deb")
    _run(["tar", "-xJf", str(tmp / src), "-C", str(tmp)], "tar")
    os.unlink(tmp / src)
    unpacked = tmp / pkg
    if not (unpacked / "Makefile").is_file():
        raise ToolError(f"{deb}: no kernel tree inside")
    (unpacked / ".ipm-complete").write_text(os.path.basename(deb) + "\n")
    shutil.rmtree(tree, ignore_errors=True)
    os.replace(unpacked, tree)
    shutil.rmtree(tmp, ignore_errors=True)
    out(f"unpacked in {time.monotonic() - t0:.0f} s")
    return tree


def copy(version=DEFAULT, dest=None, out=print):
    """A fresh working copy of the pristine tree; returns its path."""
    src = pristine(version, out)
    dest = pathlib.Path(dest) if dest else cache_root() / "work" / src.name
    if dest.exists():
        shutil.rmtree(dest)
    dest.parent.mkdir(parents=True, exist_ok=True)
    _run(["cp", "-a", str(src), str(dest)], "copying the kernel tree")
    (dest / ".ipm-complete").unlink(missing_ok=True)
    return dest

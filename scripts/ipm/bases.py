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
import shutil
import subprocess
import time

from .errors import ToolError
from .tree import cache_root

DEFAULT = "6.12"


def _run(argv, what, **kw):
    p = subprocess.run(argv, capture_output=True, text=True, **kw)
    if p.returncode != 0:
        err = (p.stderr or p.stdout).strip().splitlines()
        raise ToolError(f"{what} failed: {err[-1] if err else p.returncode}")
    return p


def pristine(version=DEFAULT, out=print):
    """Path of the unpacked linux-source-VERSION tree, fetching it once."""
    pkg = f"linux-source-{version}"
    root = cache_root()
    tree = root / "trees" / pkg
    if (tree / ".ipm-complete").is_file():
        return tree
    debs = root / "debs"
    debs.mkdir(parents=True, exist_ok=True)
    found = sorted(glob.glob(str(debs / f"{pkg}_*.deb")))
    if not found:
        if not shutil.which("apt-get"):
            raise ToolError("apt-get not found: fetching a Debian kernel source needs apt")
        out(f"fetching {pkg} with apt-get download into {debs}")
        p = subprocess.run(["apt-get", "download", pkg], cwd=debs,
                           capture_output=True, text=True)
        if p.returncode != 0:
            subprocess.run(["apt-get", "update", "-q"], capture_output=True)
            _run(["apt-get", "download", pkg], f"apt-get download {pkg}", cwd=debs)
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
    _run(["sh", "-c", f'dpkg-deb --fsys-tarfile "$1" | tar -x -C "$2" "$3"',
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
    dest = pathlib.Path(dest) if dest else cache_root() / "work" / f"linux-source-{version}"
    if dest.exists():
        shutil.rmtree(dest)
    dest.parent.mkdir(parents=True, exist_ok=True)
    _run(["cp", "-a", str(src), str(dest)], "copying the kernel tree")
    (dest / ".ipm-complete").unlink(missing_ok=True)
    return dest

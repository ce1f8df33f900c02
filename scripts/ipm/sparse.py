"""Sparse for verify: its warnings parsed from the build log, compared with
those of the unmigrated base, and that baseline computed once per base.

parse_sparse(output, srctree, objtree) -> [Warning]
  Warnings of 'make C=2' as (file relative to the source tree, line, text);
  the continuation lines of a warning join its text, positions quoted in
  the text lose their numbers.
new_warnings(found, base), gone_warnings(found, base)
  The comparison, as multisets of (file, text): line numbers may shift.
run(bd, logname) -> (Result, [Warning])
  'make C=2 drivers/iommu/' in a kbuild.BuildDir.
baseline(base, arch, say)
  The warnings of the unmigrated BASE, cached in its build directory
  (ipm-sparse-baseline.json) under a fingerprint of its scope, the
  configuration and the sparse version.

A base that does not configure, build or pass sparse is a ToolError with
exit 1."""

import collections
import hashlib
import json
import os
import re
import time

from . import kbuild, procs
from .errors import ToolError, EXIT_FINDINGS

BASELINE = "ipm-sparse-baseline.json"


# --- parsing and comparing -------------------------------------------------

Warning = collections.namedtuple("Warning", "file line text")

# path:line:col: message (sparse always prints a column; gcc usually does)
_POS = re.compile(r"^(?P<file>[^\s:]+):(?P<line>\d+):(?:(?P<col>\d+):)?\s?(?P<rest>.*)$")
_KIND = re.compile(r"^\s*(warning|error):\s*(.*)$")
_EMBEDDED_POS = re.compile(r"(\S+?\.[chS]):\d+(?::\d+)?")


def _relpath(path, srctree, objtree):
    """PATH as printed by the build, relative to the source tree."""
    srctree = str(srctree).rstrip("/")
    if not os.path.isabs(path):
        path = os.path.normpath(os.path.join(str(objtree), path)) if objtree else \
            os.path.normpath(path)
    if path.startswith(srctree + "/"):
        return path[len(srctree) + 1:]
    if objtree and path.startswith(str(objtree).rstrip("/") + "/"):
        return path[len(str(objtree).rstrip("/")) + 1:]
    return path


def _clean_text(text, srctree):
    text = text.replace(str(srctree).rstrip("/") + "/", "")
    text = _EMBEDDED_POS.sub(r"\1", text)
    return " ".join(text.split())


def parse_sparse(output, srctree="", objtree=""):
    """[Warning] from the output of 'make C=2'.

    A line 'file:line:col: warning: text' (or 'error:') starts a warning;
    the following lines with a position but no kind ('    expected int',
    '    got char *') belong to it and are appended to its text.  File
    names are made relative to the source tree, and positions quoted in
    the text ('declared at x.h:12') lose their numbers."""
    out = []
    cur = None
    for raw in output.splitlines():
        m = _POS.match(raw)
        if not m:
            if cur and not raw.startswith((" ", "\t")):
                out.append(cur)
                cur = None
            continue
        rest = m.group("rest")
        k = _KIND.match(rest)
        if k:
            if cur:
                out.append(cur)
            cur = Warning(_relpath(m.group("file"), srctree, objtree),
                          int(m.group("line")),
                          f"{k.group(1)}: {_clean_text(k.group(2), srctree)}")
        elif cur is not None and rest.strip():
            cur = cur._replace(text=f"{cur.text} / {_clean_text(rest, srctree)}")
    if cur:
        out.append(cur)
    return out


def warning_key(w):
    return (w.file, w.text)


def new_warnings(found, base):
    """Warnings of FOUND beyond those of BASE, compared as multisets of
    (file, text): line numbers may shift freely.  Returns a list of
    (key, count in found, count in base), sorted."""
    have = collections.Counter(warning_key(w) for w in found)
    had = collections.Counter(warning_key(w) for w in base)
    return sorted((k, n, had.get(k, 0)) for k, n in have.items() if n > had.get(k, 0))


def gone_warnings(found, base):
    """Number of base warnings that no longer occur."""
    have = collections.Counter(warning_key(w) for w in found)
    had = collections.Counter(warning_key(w) for w in base)
    return sum((had - have).values())


# --- running sparse and the baseline ---------------------------------------

def run(bd, logname="ipm-sparse.log"):
    """'make C=2 drivers/iommu/' in the kbuild.BuildDir BD; (Result, [Warning])."""
    rc, secs, text = bd.run(bd.make_argv(kbuild.TARGET, sparse=True), logname)
    log = bd.path / logname
    warnings = parse_sparse(text, bd.src, bd.path)
    if rc != 0:
        return kbuild.Result(False, secs, "make C=2 failed",
                             kbuild.excerpt(text, bd.src), log), warnings
    return kbuild.Result(True, secs, "", (), log), warnings


_sparse_version = None


def sparse_version():
    global _sparse_version
    if _sparse_version is None:
        p = procs.run(["sparse", "--version"], capture_output=True, text=True)
        _sparse_version = (p.stdout or p.stderr).strip()
    return _sparse_version


def baseline(base, arch, say):
    """Sparse warnings of the unmigrated BASE for ARCH, computed once.

    Cached in the base's build directory; the cache is keyed by the base's
    scope contents, the configuration and the sparse version."""
    bd = kbuild.BuildDir(base, arch)
    with bd.locked():
        hashes = bd.sync()
        fp = hashlib.sha256(json.dumps(
            [hashes, bd.config_fingerprint(), sparse_version(), kbuild.KCFLAGS,
             bd.identity()], sort_keys=True).encode()).hexdigest()
        cache = bd.path / BASELINE
        try:
            data = json.loads(cache.read_text())
            if data.get("fingerprint") == fp:
                return [Warning(*w) for w in data["warnings"]], True, bd
        except (OSError, ValueError, KeyError, TypeError):
            pass
        say(f"{arch.name:<7} base    computing the sparse baseline of {base} "
            "(once; the first build of a tree includes 'make prepare')")
        t0 = time.monotonic()
        res = bd.configure()
        if not res.ok:
            kbuild.line(say, arch.name, "base", res)
            raise ToolError(f"{base}: the base does not configure for {arch.name}",
                            EXIT_FINDINGS)
        res = bd.build("ipm-base-build.log")
        if not res.ok:
            kbuild.line(say, arch.name, "base", res)
            raise ToolError(f"{base}: the unmigrated base does not build "
                            f"{kbuild.TARGET} for {arch.name} with KCFLAGS={kbuild.KCFLAGS}",
                            EXIT_FINDINGS)
        res, warnings = run(bd, "ipm-base-sparse.log")
        if not res.ok:
            kbuild.line(say, arch.name, "base", res)
            raise ToolError(f"{base}: sparse failed on the base for {arch.name}",
                            EXIT_FINDINGS)
        kbuild.line(say, arch.name, "base", kbuild.Result(
            True, time.monotonic() - t0,
            f"{len(warnings)} sparse warnings in the base, cached"))
        tmp = cache.with_name(cache.name + ".tmp")
        tmp.write_text(json.dumps({"fingerprint": fp, "base": str(bd.tree),
                                   "arch": arch.name,
                                   "warnings": [list(w) for w in warnings]},
                                  indent=1))
        os.replace(tmp, cache)
        return warnings, False, bd

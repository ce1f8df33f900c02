"""'make verify': drivers/iommu of a migrated tree builds, with no new warnings.

verify(tree, say, arch, base)
  For each architecture (x86_64 natively, arm64 with aarch64-linux-gnu-),
  in kbuild's build directory of the tree:
  config  defconfig + kconfig/ARCH.config merged with merge_config.sh -m,
          then olddefconfig; every option of the fragment must come out
          exactly as written (a missing driver would pass a build vacuously)
  build   'make drivers/iommu/' with KCFLAGS=-Werror: any compiler warning
          fails (the unmigrated 6.12 base builds clean this way)
  sparse  'make C=2 drivers/iommu/'; the warnings are compared with those
          of the unmigrated base as multisets of (file, text without line
          and column): a warning the base does not have fails and is shown

Exit codes: 0 all checks passed, 1 a check failed (or the base does not
build: sparse.baseline); ToolErrors: 2 bad input (unknown --arch, a tree
configured in place), 4 a build directory in use, 11 a missing tool or
build header."""

import pathlib
import time

from . import kbuild, sparse, tree as treemod
from .errors import EXIT_OK, EXIT_FINDINGS
from .manifest import scope as series_scope


def verify(tree, say, arch="x86_64,arm64", base=None):
    """make verify: config, build and sparse checks per architecture of
    ARCH ('x86_64,arm64' or a subset); BASE: the unmigrated tree of the
    sparse baseline (default: the cached pristine tree of TREE's version)."""
    arches = kbuild.parse_arches(arch)
    kbuild.require_tools(arches)
    tree = pathlib.Path(tree).resolve()
    kbuild.require_clean(tree)
    if base:
        base = treemod.validate(base, series_scope())
    else:
        base = kbuild.default_base(tree, say)
    kbuild.require_clean(base)
    kbuild.prune_orphans(say)
    say(f"verify {tree} (Linux {treemod.kernel_version(tree)}), "
        f"sparse baseline from {base}")
    failed = []
    t_all = time.monotonic()
    for arch in arches:
        failed += verify_arch(tree, base, arch, say)
    total = time.monotonic() - t_all
    if failed:
        say(f"verify: FAIL ({', '.join(failed)}) in {total:.0f} s")
        return EXIT_FINDINGS
    say(f"verify: PASS ({', '.join(a.name for a in arches)}) in {total:.0f} s")
    return EXIT_OK


def verify_arch(tree, base, arch, say):
    """The three checks for one architecture; the names of those that failed."""
    bd = kbuild.BuildDir(tree, arch)
    with bd.locked():
        bd.sync(say)
        res = bd.configure()
        kbuild.line(say, arch.name, "config", res)
        if not res.ok:
            return [f"{arch.name} config"]
        res = bd.build()
        kbuild.line(say, arch.name, "build", res)
        if not res.ok:
            return [f"{arch.name} build"]
        base_warnings, cached, _ = sparse.baseline(base, arch, say)
        res, warnings = sparse.run(bd)
        if not res.ok:
            kbuild.line(say, arch.name, "sparse", res)
            return [f"{arch.name} sparse"]
        new = sparse.new_warnings(warnings, base_warnings)
        gone = sparse.gone_warnings(warnings, base_warnings)
        res.ok = not new
        res.detail = (f"{len(warnings)} warnings, base {len(base_warnings)}"
                      f"{' (cached)' if cached else ''}, {sum(n - b for _, n, b in new)} new"
                      + (f", {gone} gone" if gone else ""))
        if new:
            shown = []
            for (f, text), n, b in new:
                lines = sorted(w.line for w in warnings if sparse.warning_key(w) == (f, text))
                shown.append(f"{f}:{','.join(map(str, lines))}: {text} "
                             f"[{n} here, {b} in base]")
            res.excerpt = tuple(shown)
        kbuild.line(say, arch.name, "sparse", res)
        return [] if res.ok else [f"{arch.name} sparse"]

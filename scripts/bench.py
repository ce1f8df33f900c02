#!/usr/bin/env python3
"""make bench: how long the migration takes, against its lower bound.

Figures (printed as a table and written to <cache>/bench/bench.txt):
  * wall time of each step and of the whole apply on a fresh copy of the
    6.12 base;
  * the lower bound: one spatch pass that parses each file the series
    changes once, with a rule that matches nothing (--disable-worth-trying-opt
    so that spatch's token prefilter does not skip the parse);
  * make check on the unmigrated base.
Not a test: nothing here passes or fails on a number."""

import json
import pathlib
import re
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parent))

from ipm import bases, manifest, spatch, tree as treemod  # noqa: E402

TOOL = [sys.executable, str(pathlib.Path(__file__).resolve().parent / "apply-series.py")]
NO_MATCH = "virtual patch\n@depends on patch@\n@@\n- ipm_bench_matches_nothing();\n"


def timed(argv, **kw):
    t0 = time.monotonic()
    p = subprocess.run(argv, capture_output=True, text=True, **kw)
    return p, time.monotonic() - t0


def main():
    series = manifest.load()
    base = bases.pristine("6.12", print)
    work = treemod.cache_root() / "work" / "bench-linux-source-6.12"
    bases.copy("6.12", work, print)
    p, total = timed(TOOL + ["apply", str(work)])
    if p.returncode != 0:
        sys.exit(f"bench: apply failed:\n{p.stderr}")
    steps = re.findall(r"^step (\d+)/\d+ (.*): (\d+) files? changed, ([\d.]+) s", p.stdout, re.M)
    changed = sorted(treemod.changes(treemod.read_scope(base, series.scope),
                                     treemod.read_scope(work, series.scope)))
    with tempfile.TemporaryDirectory() as tmp:
        rule = pathlib.Path(tmp) / "nothing.cocci"
        rule.write_text(NO_MATCH)
        groups = pathlib.Path(tmp) / "groups"
        groups.write_text("".join(f"{f}\n\n" for f in changed if f.endswith((".c", ".h"))))
        argv = spatch.base_args() + ["--disable-worth-trying-opt", "--sp-file", str(rule),
                                     "--file-groups", str(groups)]
        q, bound = timed(argv, cwd=base)
    c, check = timed(TOOL + ["check", str(base)])
    rows = [f"{'step':>4}  {'files':>5}  {'seconds':>8}  subject"]
    rows += [f"{n:>4}  {f:>5}  {float(s):8.1f}  {subj}" for n, subj, f, s in steps]
    rows += ["",
             f"apply, all steps (wall, incl. staging and swap): {total:.1f} s",
             f"lower bound (one spatch parse of the {len(changed)} changed files): {bound:.1f} s",
             f"ratio apply / lower bound: {total / bound:.1f}",
             f"check on the unmigrated base (drivers/iommu): {check:.1f} s"]
    out = treemod.cache_root() / "bench" / "bench.txt"
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text("\n".join(rows) + "\n")
    print("\n".join(rows))
    print(f"\nwritten to {out}")
    runtime_figures()


def runtime_figures():
    """Build and boot times of the last 'make runtime', if there was one
    (scripts/ipm/runtime.py writes them to <cache>/bench/runtime.json)."""
    path = treemod.cache_root() / "bench" / "runtime.json"
    try:
        data = json.loads(path.read_text())
    except (OSError, ValueError):
        return
    print(f"\nmake runtime ({path}, "
          f"{time.strftime('%Y-%m-%d %H:%M', time.gmtime(data.get('when', 0)))} UTC):")
    for arch, by in sorted(data.get("build", {}).items()):
        print(f"  build {arch:<22} " + "  ".join(f"{k} {v:6.1f} s" for k, v in sorted(by.items())))
    for sc, by in sorted(data.get("boot", {}).items()):
        print(f"  boot  {sc:<22} " + "  ".join(f"{k} {v:6.1f} s" for k, v in sorted(by.items())))


if __name__ == "__main__":
    main()

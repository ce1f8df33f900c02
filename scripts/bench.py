#!/usr/bin/env python3
"""make bench: what the migration costs, against its lower bound.

Figures, not tests: nothing here passes or fails on a number.  Printed as
one table and written to <cache>/bench/bench.txt and bench.json.  The
machine load (uptime) is printed with them: figures taken on a loaded
machine are slower in wall time, the CPU seconds move less.

Above 500 lines: one function per section below, and one section per
figure docs/performance.md quotes.

Sections (one function each):
  apply    the full apply on a fresh copy of the 6.12 base: wall time and
           CPU time per step, spatch runs, files given to spatch, peak RSS
           of spatch (GNU time through IPM_SPATCH_WRAP); against the lower
           bound, one spatch pass that parses every file the series
           changes once with a rule that matches nothing
           (--disable-worth-trying-opt, so spatch's token prefilter does
           not skip the parse).
  floor    what any tool that runs spatch once per step must pay: a
           no-match parse of the files each step's rules change, before
           that step; the same and the lower bound with spatch -j on all
           cores; and each step's matching (its spatch CPU in the apply
           minus a no-match parse of the files it was given).
  check    make check on drivers/iommu (the unmigrated and the migrated
           tree) and on the whole kernel tree: every .c/.h file of the
           tree that names the iommu-pages API (found by grep -w over all
           of them), checked as drivers/iommu is.
  drift    the series as plain patches against a moved base: the tool's
           per-step diffs on 6.12, applied with patch -p1 -F0 onto the 6.12
           base with a synthetic upstream-like drift (drift_edits()),
           against the tool itself on that base.
  verify   (FULL=1 only, minutes) make verify on the migrated copy and
           make bisect-check on the base: build and sparse seconds per
           step and arch, and the whole bisect-check wall time.
  runtime  the figures of the last make runtime, if any (runtime.json)."""

import argparse
import contextlib
import json
import os
import pathlib
import re
import resource
import shutil
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parent))

from ipm import (bases, checker, fmt as fmtmod, manifest, prefilter, runner,  # noqa: E402
                 spatch, tree as treemod)

TOOL = [sys.executable, str(pathlib.Path(__file__).resolve().parent / "apply-series.py")]
NO_MATCH = "virtual patch\n@depends on patch@\n@@\n- ipm_bench_matches_nothing();\n"
VERSION = bases.DEFAULT


def cpu():
    r = resource.getrusage(resource.RUSAGE_CHILDREN)
    return r.ru_utime + r.ru_stime


def timed(argv, **kw):
    """(CompletedProcess, wall s, CPU s of the process tree)."""
    t0, c0 = time.monotonic(), cpu()
    p = subprocess.run(argv, capture_output=True, text=True, **kw)
    return p, time.monotonic() - t0, cpu() - c0


def load():
    return os.getloadavg()[0]


@contextlib.contextmanager
def scratch(name):
    """A scratch directory in the cache's tmp (never /tmp), removed after."""
    root = treemod.cache_root() / "tmp"
    root.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix=f"bench-{name}.", dir=root) as tmp:
        yield pathlib.Path(tmp)


def say(rows, line=""):
    print(line, flush=True)
    rows.append(line)


# --- apply -------------------------------------------------------------------

def apply_section(series, work, base, rows, data):
    wrap = work.parent / f"{work.name}.spatch-times"
    wrap.unlink(missing_ok=True)
    env = dict(os.environ, IPM_SPATCH_WRAP=str(wrap))
    l0 = load()
    p, total, total_cpu = timed(TOOL + ["apply", str(work)], env=env)
    if p.returncode != 0:
        sys.exit(f"bench: apply failed:\n{p.stderr}")
    steps = re.findall(r"^step (\d+)/\d+ (.*): (\d+) files? changed, ([\d.]+) s",
                       p.stdout, re.M)
    # GNU time adds lines of its own (a non-zero exit status, say)
    runs = [l.split() for l in wrap.read_text().splitlines()
            if re.fullmatch(r"\S+ (\d+|-) [\d.]+ [\d.]+ [\d.]+ \d+", l.strip())]
    wrap.unlink(missing_ok=True)
    per = _runs_per_step(series, runs)
    changed = sorted(treemod.changes(treemod.read_scope(base, series.scope),
                                     treemod.read_scope(work, series.scope)))
    bound, bound_cpu = lower_bound(base, changed)
    startup = spatch_startup(base)
    data["apply"] = {
        "load": l0, "wall": total, "cpu": total_cpu, "bound_wall": bound,
        "bound_cpu": bound_cpu, "ratio": total / bound, "cpu_ratio": total_cpu / bound_cpu,
        "changed_files": len(changed), "changed": changed, "spatch_startup": startup,
        "steps": [{"step": int(n), "subject": subj, "files": int(f), "wall": float(s),
                   "spatch": per.get(int(n), [])} for n, subj, f, s in steps]}
    say(rows, f"== apply: all {len(steps)} steps on a fresh copy of {VERSION} "
              f"(load {l0:.1f} on {os.cpu_count()} cores)")
    say(rows, f"{'step':>4} {'files':>5} {'wall s':>7} {'spatch':>6} {'given':>5} "
              f"{'cpu s':>6} {'rss MB':>6}  subject")
    for st in data["apply"]["steps"]:
        sp = st["spatch"]
        say(rows, f"{st['step']:>4} {st['files']:>5} {st['wall']:7.1f} {len(sp):>6} "
                  f"{sum(r['files'] for r in sp):>5} "
                  f"{sum(r['user'] + r['sys'] for r in sp):6.1f} "
                  f"{max((r['rss_kb'] for r in sp), default=0) // 1024:>6}  {st['subject'][:60]}")
    pre = per.get(0, [])
    if pre:
        say(rows, f"{'pre':>4} {'':>5} {'':>7} {len(pre):>6} {sum(r['files'] for r in pre):>5} "
                  f"{sum(r['user'] + r['sys'] for r in pre):6.1f} "
                  f"{max(r['rss_kb'] for r in pre) // 1024:>6}  (before step 1: the probe "
                  "for steps already applied)")
    data["apply"]["before_steps"] = pre
    nruns = sum(len(s["spatch"]) for s in data["apply"]["steps"]) + len(pre)
    sp_cpu = sum(r["user"] + r["sys"] for s in data["apply"]["steps"] for r in s["spatch"]) \
        + sum(r["user"] + r["sys"] for r in pre)
    say(rows)
    say(rows, f"steps applied with no manual change: {len(steps)} of {len(series.steps)}")
    say(rows, f"apply, all steps (wall, incl. staging and swap): {total:.1f} s; "
              f"CPU {total_cpu:.1f} s, of which spatch {sp_cpu:.1f} s in {nruns} runs")
    say(rows, f"lower bound (one spatch parse of the {len(changed)} changed files): "
              f"{bound:.1f} s wall, {bound_cpu:.1f} s CPU")
    say(rows, f"ratio apply / lower bound: {total / bound:.1f} (wall), "
              f"{total_cpu / bound_cpu:.1f} (CPU)")
    say(rows, f"spatch start-up (a rule on one small file): {startup:.2f} s per run, "
              f"x {nruns} runs = {startup * nruns:.1f} s")
    peak = max((r["rss_kb"] for s in data["apply"]["steps"] for r in s["spatch"]), default=0)
    say(rows, f"peak RSS of spatch: {peak // 1024} MB (largest step: "
              f"{max(data['apply']['steps'], key=lambda s: max((r['rss_kb'] for r in s['spatch']), default=0))['step']:02d})")


def _runs_per_step(series, runs):
    """Attribute the IPM_SPATCH_WRAP lines (rule files wall user sys rss)
    to the steps whose rules they are, matching from the end.  A line may
    name one rule or several joined by '+' (the rules of a step batched in
    one spatch run); a rule the prefilter skipped has no line; runs before
    the steps, such as the probe for steps already applied, are left over
    under key 0."""
    out, i = {}, len(runs) - 1
    for step in reversed(series.steps):
        names = [r.name for r in step.rules]
        j = len(names)
        while i >= 0:
            k = _match_back(names[:j], runs[i][0].split("+"))
            if k is None:
                break
            out.setdefault(step.number, []).insert(0, _run(runs[i]))
            i, j = i - 1, k
    if i >= 0:
        out[0] = [_run(r) for r in runs[:i + 1]]
    return out


def _match_back(names, parts):
    """Index in NAMES of the first of PARTS, when PARTS are names of NAMES
    in order (some skipped), matched as late as possible; else None."""
    j = len(names)
    for part in reversed(parts):
        while j > 0 and names[j - 1] != part:
            j -= 1
        if j == 0:
            return None
        j -= 1
    return j


def _run(fields):
    name, nf, wall, user, sys_, rss = fields[:6]
    return {"rule": name, "files": int(nf) if nf.isdigit() else 0, "wall": float(wall),
            "user": float(user), "sys": float(sys_), "rss_kb": int(rss)}


def lower_bound(base, changed, jobs=1):
    """One no-match spatch parse of CHANGED in BASE: (wall, CPU).  JOBS > 1
    spreads the files over that many processes (spatch -j), as an apply
    does on this machine."""
    with scratch("bound") as tmp:
        rule = tmp / "nothing.cocci"
        rule.write_text(NO_MATCH)
        groups = tmp / "groups"
        names = [f for f in changed if f.endswith((".c", ".h"))]
        groups.write_text("".join(f"{f}\n\n" for f in names))
        jobs = min(jobs, len(names))
        argv = spatch.base_args() + (["-j", str(jobs)] if jobs > 1 else []) + [
            "--disable-worth-trying-opt", "--sp-file", str(rule), "--file-groups", str(groups)]
        _, wall, c = timed(argv, cwd=base)
    return wall, c


def spatch_startup(base):
    with scratch("startup") as tmp:
        rule = tmp / "nothing.cocci"
        rule.write_text(NO_MATCH)
        argv = spatch.base_args() + ["--disable-worth-trying-opt", "--sp-file", str(rule),
                                     "include/linux/iommu-helper.h"]
        best = min(timed(argv, cwd=base)[1] for _ in range(3))
    return best


# --- floor -------------------------------------------------------------------

def floor_section(series, base, results, rows, data):
    """The least that a tool running spatch once per step can cost: each
    step parses, once, only the files its rules change (files its hand
    patches also touch are left out, so this is an under-estimate), on
    the tree as that step finds it; no matching, no start-up beyond one
    spatch per step.  RESULTS (series_on(base)) give the files; an
    in-process run of the series times their parse before each step (and
    with -j over all cores, and the parse of the files each step's
    prefilters keep, to tell the apply's matching from its parsing)."""
    say(rows)
    say(rows, f"== floor of a per-step run (load {load():.1f})")
    with scratch("floor") as tmp:
        ruled = {}
        for n, res in results.items():
            step = series.step(n)
            patched = {m for pt in step.patches
                       for m in re.findall(r"^\+\+\+ b/(\S+)", pt.path.read_text(), re.M)}
            files = [f for f, new in sorted(res.changes.items())
                     if step.rules and f.endswith((".c", ".h")) and new is not None
                     and f in res.before and f not in patched]
            if files:
                ruled[n] = files
        second = tmp / "second"
        per, per_j, given = {}, {}, {}
        jobs = spatch.jobs_for(len(os.sched_getaffinity(0)))

        def parse(step):
            if step.number in ruled:
                per[step.number] = lower_bound(second, ruled[step.number])
                if jobs > 1:
                    per_j[step.number] = lower_bound(second, ruled[step.number], jobs)
            # the files the apply gave spatch in this step, for its matching cost
            files = [r for r in treemod.scope_files(second, series.scope)
                     if runner.SOURCE.search(r)]
            kept = {f for rule in step.rules for f in prefilter.select(rule, second, files)}
            if kept:
                given[step.number] = (len(kept), lower_bound(second, sorted(kept))[1])

        run_steps(series, base, second, src=base, before_step=parse)
        if jobs > 1:
            bound_j = lower_bound(base, data["apply"]["changed"], jobs)
    wall = sum(w for w, _ in per.values())
    cpu_s = sum(c for _, c in per.values())
    nparse = sum(len(f) for f in ruled.values())
    distinct = len({f for fs in ruled.values() for f in fs})
    a = data["apply"]
    data["floor"] = {"wall": wall, "cpu": cpu_s, "parses": nparse, "files": distinct,
                     "steps": {n: {"files": ruled[n], "wall": w, "cpu": c}
                               for n, (w, c) in per.items()}}
    say(rows, "steps whose rules change files: " + ", ".join(
        f"{n:02d} ({len(ruled[n])})" for n in sorted(ruled)))
    say(rows, f"one parse of those files per step: {nparse} parses of {distinct} distinct "
              f"files, {wall:.1f} s wall, {cpu_s:.1f} s CPU")
    say(rows, f"floor / lower bound: {wall / a['bound_wall']:.1f} (wall), "
              f"{cpu_s / a['bound_cpu']:.1f} (CPU); apply / floor: "
              f"{a['wall'] / wall:.1f} (wall), {a['cpu'] / cpu_s:.1f} (CPU)")
    matching = {}
    for st in a["steps"]:
        if st["step"] in given:
            nfiles, parse_cpu = given[st["step"]]
            run_cpu = sum(r["user"] + r["sys"] for r in st["spatch"])
            matching[st["step"]] = (nfiles, parse_cpu, run_cpu)
    data["floor"]["matching"] = {n: {"given": g, "parse_cpu": p, "run_cpu": r}
                                 for n, (g, p, r) in matching.items()}
    say(rows, "matching, per step (the apply's spatch CPU minus a no-match parse of the "
              "files it was given): " + ", ".join(
                  f"{n:02d} {r - p:.1f} s ({g} file{'s' * (g != 1)})"
                  for n, (g, p, r) in sorted(matching.items())))
    total_match = sum(r - p for _, p, r in matching.values())
    say(rows, f"matching in all: {total_match:.1f} s CPU, {total_match / a['bound_cpu']:.1f} "
              "times the lower bound (any tool that makes these changes with these rules "
              "pays it on top of one parse)")
    if jobs > 1:
        wall_j = sum(w for w, _ in per_j.values())
        data["floor"]["jobs"] = {"jobs": jobs, "floor_wall": wall_j, "bound_wall": bound_j[0]}
        say(rows, f"the same with spatch -j {jobs} (each step's files, and the lower bound's, "
                  f"over {jobs} processes): floor {wall_j:.1f} s wall, lower bound "
                  f"{bound_j[0]:.1f} s wall; floor / lower bound {wall_j / bound_j[0]:.1f}, "
                  f"apply / lower bound {a['wall'] / bound_j[0]:.1f}")


# --- check -------------------------------------------------------------------

# Names whose presence makes a file worth checking: the old and the new
# iommu-pages API and the free-list type (the checker's seeds, dataflow.py).
API_NAMES = sorted(set(checker.OLD_NAMES) | set(checker.ALLOCATORS) | set(checker.SINKS)
                   | {"iommu_pages_list", "iommu_iotlb_gather"})


def check_section(series, base, work, rows, data):
    say(rows)
    say(rows, f"== check (load {load():.1f})")
    res = {}
    for label, tree in (("base", base), ("migrated", work)):
        p, wall, c = timed(TOOL + ["check", str(tree)])
        m = re.search(r"summary: (\d+) finding", p.stdout)
        res[label] = {"wall": wall, "cpu": c, "findings": int(m.group(1)) if m else None}
        say(rows, f"check drivers/iommu, {label:<8}: {wall:5.1f} s wall, {c:5.1f} s CPU, "
                  f"{res[label]['findings']} finding(s)")
    for label, tree in (("base", base), ("migrated", work)):
        r = whole_tree(tree)
        res[f"tree-{label}"] = r
        say(rows, f"check whole tree, {label:<8}: {r['wall']:5.1f} s ({r['grep']:.1f} s grep "
                  f"over {r['scanned']} .c/.h files, {r['check']:.1f} s checking the "
                  f"{r['files']} that name the API), {r['findings']} finding(s) in "
                  f"{len(r['finding_files'])} file(s)")
    outside = sorted(f for f in res["tree-migrated"]["finding_files"]
                     if not f.startswith(("drivers/iommu/", "include/linux/iommu.h")))
    if outside:
        say(rows, f"  findings outside the scope after the apply: {', '.join(outside[:8])}"
                  + (" ..." if len(outside) > 8 else ""))
    data["check"] = res


def whole_tree(tree):
    """check over the whole tree: the .c/.h files that name the API."""
    t0 = time.monotonic()
    p = subprocess.run(["grep", "-rlwE", "--include=*.c", "--include=*.h",
                        "|".join(API_NAMES), "."], cwd=tree, capture_output=True, text=True)
    files = sorted(l[2:] if l.startswith("./") else l for l in p.stdout.splitlines())
    n = subprocess.run("find . -name '*.[ch]' -type f | wc -l", shell=True, cwd=tree,
                       capture_output=True, text=True).stdout.strip()
    t1 = time.monotonic()
    findings, allowed, _ = checker.scan(tree, files)
    t2 = time.monotonic()
    return {"wall": t2 - t0, "grep": t1 - t0, "check": t2 - t1, "files": len(files),
            "scanned": int(n or 0), "findings": len(findings),
            "finding_files": sorted({f.path for f in findings})}


# --- drift: the series as plain patches against a moved base ----------------------

def drift_edits():
    """(file, old, new, what): upstream-like edits to the 6.12 base.  Each
    old text occurs exactly once."""
    return [
        ("drivers/iommu/intel/pasid.c",
         "\n\tiommu_free_pages(pasid_table->table, pasid_table->order);\n",
         "\n\t/* the directory goes last: the tables hang off it */\n"
         "\tiommu_free_pages(pasid_table->table, pasid_table->order);\n",
         "a comment line above a call a step rewrites (its context)"),
        ("drivers/iommu/tegra-smmu.c",
         "\tstruct page *page = as->pts[pde];\n\n\t/*\n\t * When no entries",
         "\tstruct page *pt = as->pts[pde];\n\n\t/*\n\t * When no entries",
         "a local renamed in one function (tegra_smmu_pte_put_use)"),
        ("drivers/iommu/tegra-smmu.c",
         "\t\t__iommu_free_pages(page, 0);\n\t\tas->pts[pde] = NULL;\n",
         "\t\t__iommu_free_pages(pt, 0);\n\t\tas->pts[pde] = NULL;\n",
         None),
        ("drivers/iommu/amd/init.c",
         '#include "../iommu-pages.h"\n',
         '#include "../iommu-pages.h"\n\n'
         "/* Give back one page-sized table of an IOMMU. */\n"
         "static void __maybe_unused amd_iommu_free_table_page(void *table)\n"
         "{\n\tiommu_free_page(table);\n}\n",
         "a new helper with a call site of the old API, 7 lines above every hunk"),
    ]


def drift(stage):
    for rel, old, new, _ in drift_edits():
        p = pathlib.Path(stage) / rel
        text = p.read_text()
        if text.count(old) != 1:
            raise SystemExit(f"bench: drift edit does not fit {rel} (base changed?)")
        p.write_text(text.replace(old, new))


def run_steps(series, base, stage, src=None, before_step=None):
    """Apply every step to STAGE in process, as apply does on BASE (its
    .clang-format formats the changed lines); returns {number: StepResult}.
    SRC, BEFORE_STEP: as for runner.run_series."""
    out = {}
    runner.run_series(series.steps, stage, series.scope, src=src, before_step=before_step,
                      on_step=lambda res: out.update({res.step.number: res}),
                      fmt=fmtmod.for_tree(base))
    return out


def series_on(series, base):
    """{number: StepResult} of every step run in process on a copy of
    BASE's scope: which files each step changes (floor) and its diff
    (drift).  A StepResult keeps its texts, so the copy can go."""
    with scratch("series") as tmp:
        return run_steps(series, base, tmp / "stage", src=base)


def drift_section(series, base, results, rows, data):
    say(rows)
    say(rows, f"== drift: the series as plain patches vs the tool on a moved base "
              f"(load {load():.1f})")
    with scratch("drift") as tmp:
        diffs = {n: r.diff() for n, r in results.items()}
        moved = tmp / "moved"
        runner.restage(base, moved, series.scope)
        drift(moved)
        textual = {}
        probe = tmp / "probe"

        def try_patch(step):
            d = diffs[step.number]
            if not d:
                textual[step.number] = "empty"
                return
            shutil.rmtree(probe, ignore_errors=True)
            shutil.copytree(moved, probe)
            pf = tmp / "step.diff"
            pf.write_text(d)
            p = subprocess.run(["patch", "-p1", "-F0", "-N", "--no-backup-if-mismatch",
                                "-r", "-", "-d", str(probe), "-i", str(pf)],
                               capture_output=True, text=True)
            rejects, cur = [], None
            for line in p.stdout.splitlines():
                m = re.match(r"patching file (\S+)", line)
                cur = m.group(1) if m else cur
                if line.startswith("Hunk") and "FAILED" in line and cur:
                    rejects.append(f"{cur.split('/')[-1]} {line.split(' at ')[0].strip()}")
            files = sorted(treemod.read_scope(probe, series.scope))
            left = runner.leftovers(probe, files, step.gone)
            what = [f"rejects: {'; '.join(rejects) or 'patch failed'}"] if p.returncode else []
            if left:
                what.append(f"leaves {len(left)} call site(s): " + ", ".join(
                    f"{r.split('/')[-1]}:{n}" for r, n, *_ in left[:4]))
            textual[step.number] = "; ".join(what) or "ok"

        try:
            run_steps(series, base, moved, before_step=try_patch)
            tool_ok, tool_err = True, ""
        except Exception as e:      # noqa: BLE001 - reported, not raised
            tool_ok, tool_err = False, str(e).splitlines()[0]
        findings = len(checker.scan(moved, series.scope)[0]) if tool_ok else None
    nonempty = [n for n, v in textual.items() if v != "empty"]
    clean = [n for n in nonempty if textual[n] == "ok"]
    bad = {n: textual[n] for n in nonempty if textual[n] != "ok"}
    for rel, _, _, what in drift_edits():
        if what:
            say(rows, f"  drift: {rel}: {what}")
    say(rows, "tool on the moved base: "
              + (f"all {len(series.steps)} steps apply, check finds {findings}"
                 if tool_ok else f"FAILED: {tool_err}"))
    say(rows, f"plain patches (the tool's per-step diffs on {VERSION}, patch -p1 -F0, "
              f"each onto the moved base as the tool left it): {len(clean)} of "
              f"{len(nonempty)} non-empty steps apply and leave no call site")
    for n, v in sorted(bad.items()):
        say(rows, f"  step {n:02d}: {v}")
    data["drift"] = {"tool_ok": tool_ok, "tool_error": tool_err, "tool_findings": findings,
                     "textual": textual, "clean": len(clean), "nonempty": len(nonempty),
                     "edits": [w for *_, w in drift_edits() if w]}


# --- verify (FULL=1) ---------------------------------------------------------------

_RESULT = re.compile(r"^(x86_64|arm64)\s+(\S+)\s+(PASS|FAIL)\s+([\d.]+) s", re.M)


def verify_section(series, base, work, rows, data):
    say(rows)
    builds = treemod.cache_root() / "builds"
    had = set(os.listdir(builds)) if builds.is_dir() else set()
    say(rows, f"== verify and bisect-check (load {load():.1f})")
    p, wall, c = timed(TOOL + ["verify", str(work)])
    cold = {d for d in set(os.listdir(builds)) - had if not d.endswith(".lock")} \
        if builds.is_dir() else set()
    say(rows, f"verify on the migrated copy: {'PASS' if p.returncode == 0 else 'FAIL'} "
              f"in {wall:.0f} s wall, {c:.0f} s CPU ("
              + (f"cold: new build directories {', '.join(sorted(cold))}" if cold
                 else "warm: build directories reused") + ")")
    ver = [(a, k, float(s)) for a, k, _, s in _RESULT.findall(p.stdout)]
    for a, k, s in ver:
        say(rows, f"  {a:<7} {k:<8} {s:7.1f} s")
    had = set(os.listdir(builds)) if builds.is_dir() else set()
    p, bwall, bc = timed(TOOL + ["bisect-check", str(base)])
    new = {d for d in set(os.listdir(builds)) - had if not d.endswith(".lock")} \
        if builds.is_dir() else set()
    say(rows, f"bisect-check on the base: {'PASS' if p.returncode == 0 else 'FAIL'} in "
              f"{bwall:.0f} s wall, {bc:.0f} s CPU ("
              + ("cold: new build directories " + ", ".join(sorted(new)) if new else
                 "warm: build directories reused, objects rebuilt where a step changed "
                 "a file") + ")")
    per = {}
    for a, k, _, s in _RESULT.findall(p.stdout):
        per.setdefault(k, {})[a] = float(s)
    applied = dict(re.findall(r"^step (\d+) \S+: applied, \d+ files? changed, ([\d.]+) s",
                              p.stdout, re.M))
    say(rows, f"  {'step':<8} {'apply s':>7} {'x86_64 s':>9} {'arm64 s':>8}")
    for k, by in per.items():
        n = k[4:] if k.startswith("step") else ""
        say(rows, f"  {k:<8} {applied.get(n, ''):>7} {by.get('x86_64', 0):9.1f} "
                  f"{by.get('arm64', 0):8.1f}")
    data["verify"] = {"verify_wall": wall, "verify_cpu": c, "verify": ver,
                      "bisect_wall": bwall, "bisect_cpu": bc, "bisect_builds": per,
                      "cold_build_dirs": sorted(new)}


# --- main --------------------------------------------------------------------------

def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--full", action="store_true",
                    default=os.environ.get("FULL", "") not in ("", "0"),
                    help="add verify and bisect-check (minutes; FULL=1)")
    args = ap.parse_args(argv)
    series = manifest.load()
    base = bases.pristine(VERSION, print)
    work = treemod.cache_root() / "work" / f"bench-linux-source-{VERSION}"
    bases.copy(VERSION, work, print)
    rows = []
    data = {"when": time.time(), "version": VERSION, "cores": os.cpu_count(),
            "uptime": subprocess.run(["uptime"], capture_output=True, text=True).stdout.strip()}
    say(rows, f"make bench, {time.strftime('%Y-%m-%d %H:%M', time.gmtime())} UTC; "
              f"{data['uptime']}")
    apply_section(series, work, base, rows, data)
    results = series_on(series, base)
    floor_section(series, base, results, rows, data)
    check_section(series, base, work, rows, data)
    drift_section(series, base, results, rows, data)
    if args.full:
        verify_section(series, base, work, rows, data)
    else:
        say(rows)
        say(rows, "verify and bisect-check: not run (make bench FULL=1)")
    out = treemod.cache_root() / "bench" / "bench.txt"
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text("\n".join(rows) + "\n")
    (out.parent / "bench.json").write_text(json.dumps(data, indent=1) + "\n")
    print(f"\nwritten to {out} and bench.json")
    shutil.rmtree(work, ignore_errors=True)
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

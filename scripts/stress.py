#!/usr/bin/env python3
"""make stress [RUNS=200] [SEED=n]: the signal loop of
tests/test_reliability.py as a bench-style run, to find races that 24 runs
in CI do not (issue 18.2).  Not a test: it prints the count of each
outcome class and exits 1 if any run ends in none of them.

Each run applies the four-step fake series (tests/faketree.py, real
spatch and patch) to a fresh copy of a small tree and sends SIGINT,
SIGTERM or SIGKILL at a random moment; every third seed aims at the swap
(the files being written), alternately with SIGKILL and a catchable
signal.  The seed of run i is SEED + i, so that one run can be replayed:
`make stress RUNS=1 SEED=<its seed>`.  An outcome is accepted only if
the tree is exactly as before or as a clean apply (after 'restore' for a
SIGKILL in the swap), every file is at any time its old or its new
version, stderr is at most one line (no traceback), a caught signal gives
exit 130, and no program the tool started still runs afterwards."""

import argparse
import os
import pathlib
import random
import shutil
import signal
import subprocess
import sys
import tempfile
import time

ROOT = pathlib.Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))
sys.path.insert(0, str(ROOT / "scripts"))

from faketree import (make_project, make_series_tree, scope_contents,  # noqa: E402
                      series_steps, tool_argv, tree_hash)

PYTHON = "/usr/bin/python3"
CLASSES = [
    "tree as it was (stopped before writing)",
    "tree as it was (rolled back in the swap)",
    "clean apply (signal after the end)",
    "restorable (SIGKILL in the swap, then restore)",
]
STARTUP = "of which: killed by SIGINT/SIGTERM while the interpreter started"


def leftover_children(cache):
    """[(pid, command)] of the live processes (not zombies) whose command
    line names the cache."""
    found = []
    key = str(cache).encode()
    for pid in filter(str.isdigit, os.listdir("/proc")):
        try:
            cmd = pathlib.Path(f"/proc/{pid}/cmdline").read_bytes()
            stat = pathlib.Path(f"/proc/{pid}/stat").read_text()
        except OSError:
            continue
        if key in cmd and stat[stat.rfind(")") + 2] != "Z":
            found.append((int(pid), cmd.replace(b"\0", b" ").decode(errors="replace")[:120]))
    return found


class Loop:
    def __init__(self, work):
        self.work = work
        self.proj = make_project(work / "proj", series_steps())
        self.pristine = make_series_tree(work / "pristine")
        self.cache = work / "cache"
        self.env = dict(os.environ, IPM_CACHE=str(self.cache))
        ref = work / "ref"
        shutil.copytree(self.pristine, ref)
        p = self.tool("apply", ref)
        if p.returncode != 0:
            sys.exit(f"stress: the reference apply failed: {p.stderr}")
        self.before, self.applied = tree_hash(self.pristine), tree_hash(ref)
        self.old, self.new = scope_contents(self.pristine), scope_contents(ref)
        self.nfiles = sum(self.old.get(k) != v for k, v in self.new.items())
        t0 = time.monotonic()
        self.tool("dry-run", self.pristine)
        self.span = time.monotonic() - t0
        self.tree = work / "linux"
        self.orphaned = 0

    def tool(self, *args, env=None):
        return subprocess.run([PYTHON, str(self.proj / "scripts" / "apply-series.py"),
                               *map(str, args)], capture_output=True, text=True,
                              env=dict(self.env, **(env or {})))

    def run(self, i, seed):
        """(class or 'OTHER: why', description) of run I."""
        rnd = random.Random(seed)
        if self.tree.exists():
            shutil.rmtree(self.tree)
        shutil.copytree(self.pristine, self.tree)
        in_swap = seed % 3 == 2
        if in_swap:
            sig = signal.SIGKILL if seed % 6 == 2 else rnd.choice([signal.SIGINT,
                                                               signal.SIGTERM])
        else:
            sig = rnd.choice([signal.SIGINT, signal.SIGTERM, signal.SIGKILL])
        delay = 0.15 if in_swap else 0.0
        proc = subprocess.Popen(tool_argv(self.proj, "apply", self.tree, pause=delay),
                                stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                text=True, env=self.env, start_new_session=True)
        seen = ""
        if in_swap:
            for line in proc.stdout:
                seen += line
                if "writing" in line:
                    break
            wait = rnd.uniform(0, delay * (self.nfiles - 1))
        else:
            wait = rnd.uniform(0, self.span * 1.2)
        time.sleep(wait)
        proc.send_signal(sig)
        out, err = proc.communicate(timeout=120)
        out = seen + out
        what = f"seed {seed}: {sig.name} after {wait:.2f} s" + \
            (" in the swap" if in_swap else "") + f", exit {proc.returncode}"
        left = leftover_children(self.cache)
        if left and sig == signal.SIGKILL:
            # the tool cannot stop a worker of the spatch that died with it:
            # it finishes its file (the next run kills it, procs.kill_strays)
            self.orphaned += 1
            deadline = time.monotonic() + 30
            while left and time.monotonic() < deadline:
                time.sleep(0.1)
                left = leftover_children(self.cache)
        if left:
            for pid, cmd in left:
                print(f"  left running: {pid} {cmd}")
                try:
                    os.kill(pid, signal.SIGKILL)
                except ProcessLookupError:
                    pass
            return f"OTHER: a child still runs ({left[0][1]})", what
        if "Traceback" in err or len(err.splitlines()) > 1:
            return f"OTHER: stderr {err.strip()[-300:]!r}", what
        now = scope_contents(self.tree)
        for rel in set(now) | set(self.old):
            if now.get(rel) not in (self.old.get(rel), self.new.get(rel)):
                return f"OTHER: {rel} is neither its old nor its new version", what
        journal = list((self.cache / "runs").glob("*/journal.json"))
        h = tree_hash(self.tree)
        if proc.returncode == 0:
            if h == self.applied and not journal:
                return CLASSES[2], what
            return "OTHER: exit 0 but not a clean apply", what
        if sig != signal.SIGKILL:
            if proc.returncode == -sig and not out:
                cls = STARTUP             # the interpreter's own start-up
            elif proc.returncode == 130 and err.strip() == \
                    f"apply-series: error: interrupted by {sig.name}":
                cls = CLASSES[1] if "writing" in out else CLASSES[0]
            else:
                return f"OTHER: exit {proc.returncode}, {err.strip()!r}", what
            if h != self.before or journal:
                return "OTHER: interrupted but the tree is not as it was", what
            return cls, what
        if journal:
            p = self.tool("restore", self.tree)
            if p.returncode != 0 or tree_hash(self.tree) != self.before:
                return f"OTHER: restore failed: {p.stderr.strip()!r}", what
            return CLASSES[3], what
        if h == self.before:
            return CLASSES[0], what
        if h == self.applied:
            return CLASSES[2], what
        return "OTHER: SIGKILL left a changed tree without a journal", what


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--runs", type=int, default=200)
    ap.add_argument("--seed", type=int, default=None,
                    help="seed of the first run (default: from the clock)")
    ap.add_argument("--verbose", action="store_true")
    a = ap.parse_args()
    seed0 = a.seed if a.seed is not None else time.time_ns() % 10**6
    counts = {c: 0 for c in CLASSES + [STARTUP]}
    others = []
    t0 = time.monotonic()
    from ipm import tree as treemod
    root = treemod.cache_root() / "tmp"        # the cache, as make bench
    root.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="stress.", dir=root,
                                     ignore_cleanup_errors=True) as tmp:
        loop = Loop(pathlib.Path(tmp))
        print(f"stress: {a.runs} runs, seeds {seed0}..{seed0 + a.runs - 1} "
              f"(one apply takes about {loop.span:.1f} s)", flush=True)
        for i in range(a.runs):
            cls, what = loop.run(i, seed0 + i)
            if cls == STARTUP:
                counts[CLASSES[0]] += 1
            if cls in counts:
                counts[cls] += 1
            else:
                others.append((what, cls))
                print(f"  run {i} ({what}): {cls}", flush=True)
            if a.verbose:
                print(f"  run {i} ({what}): {cls}", flush=True)
    print(f"stress: {a.runs} runs in {time.monotonic() - t0:.0f} s")
    for c in CLASSES + [STARTUP]:
        print(f"  {counts[c]:4d}  {c}")
    print(f"  {len(others):4d}  other (a failure)")
    print(f"  ({loop.orphaned} SIGKILL runs left a spatch worker that ended by itself "
          "within 30 s)")
    missing = [c for c in CLASSES if not counts[c]]
    if missing and a.runs >= 50:
        print("stress: never seen: " + "; ".join(missing))
    return 1 if others else 0


if __name__ == "__main__":
    sys.exit(main())

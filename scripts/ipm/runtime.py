"""Run-time proof under QEMU: 'make runtime'.

runtime(tree, say, arch, base, no_base, sanitize, only)
  For each architecture, builds a small bootable kernel from TREE (the
  migrated tree) and from BASE (the unmigrated tree, by default the cached
  pristine tree of the same version), boots each under QEMU (TCG) with an
  emulated IOMMU in front of a virtio-blk disk, and runs guest/ipm-init.sh
  as the guest's /init (the initramfs and the disk: guest.py).  Scenarios:
    x86_64  q35 + intel-iommu (VT-d, interrupt remapping), and q35 + amd-iommu
    arm64   virt,iommu=smmuv3 (ARM SMMUv3 with io-pgtable-arm)
  each once with iommu.strict=1 and once with iommu.strict=0.

  The verdict of one boot, from what the guest printed, is verdict.py's
  (what makes a boot PASS is described there); boot() adds that QEMU
  exited by itself with 0 within the time limit and that the first half
  of the disk, the known content, is unchanged.

  Then base and migrated are compared scenario by scenario: the guest's
  results (I/O verdicts, domain types, states) must be identical; the
  page figures of both are printed side by side.  With --no-base only
  TREE's kernel is built and booted: each boot's own verdict, no
  comparison.

Builds: kbuild.BuildDir with runtime's recipe (RECIPES): 'make tinyconfig'
+ kconfig/runtime-ARCH.config (merge_config.sh -m, olddefconfig; every
option of the fragment must stick), then the image, without KCFLAGS=-Werror,
out of tree in <cache>/runtime/obj/<key>-ARCH, made safe to reuse by
BuildDir.sync (objects of scope files changed behind make's back are
removed, in the whole kernel), compiled through Debian's ccache
(CCACHE_DIR=<cache>/ccache, shared with verify and bisect-check).  So
that the base and the migrated tree share cached objects, each build runs
in a private mount namespace where the tree is bind-mounted read-only at
the same path, <cache>/runtime/src (kbuild.in_mount_ns), and
CCACHE_BASEDIR/hash_dir=false make the compile commands identical; where
mount namespaces are not available (not root), the tree is built from its
own path and only rebuilds of the same tree hit the cache.

Sanitizer variant (--sanitize, make runtime SANITIZE=1): the same
scenarios with kconfig/sanitize-ARCH.config merged on top (KASAN generic
outline, DEBUG_VM, DEBUG_PAGEALLOC on by default, kmemleak, the LPAE and
ARMv7s io-pgtable self-tests on both architectures; 6.12 has no self-test
for the DART format), built in <key>-ARCH-sanitize directories of
their own, booted with panic_on_warn=1 oops=panic and 512 MiB.  What a
boot then also needs (no sanitizer report, the self-tests' pass lines, no
kmemleak report from drivers/iommu) is verdict.py's.

Logs: <cache>/runtime/logs/, a boot's console log is kept when it FAILs
(its path is printed).  Build and boot times go to
<cache>/bench/runtime.json for 'make bench'.

Exit codes: 0 every scenario passed on both kernels, 1 something failed,
2 and up bad input or a missing tool (ToolError)."""

import dataclasses
import hashlib
import json
import os
import pathlib
import re
import shutil
import subprocess
import time

from . import errors, guest, kbuild, procs, tools, tree as treemod, verdict
from .errors import ToolError, EXIT_OK, EXIT_FINDINGS
from .manifest import scope as series_scope

BOOT_TIMEOUT = 300              # seconds, per boot (TCG)
SANITIZE_TIMEOUT = 900          # the same with KASAN, DEBUG_PAGEALLOC, kmemleak

tools.PACKAGE.update({
    "qemu-system-x86_64": "qemu-system-x86",
    "qemu-system-aarch64": "qemu-system-arm",
    "busybox": "busybox-static",
    "unshare": "util-linux",
})


@dataclasses.dataclass(frozen=True)
class Scenario:
    arch: str
    iommu: str            # intel | amd | smmuv3
    strict: bool

    @property
    def name(self):
        return f"{self.arch}-{self.iommu}-{'strict' if self.strict else 'lazy'}"

    @property
    def domain_type(self):
        return "DMA" if self.strict else "DMA-FQ"


SCENARIOS = {
    "x86_64": ("intel", "amd"),
    "arm64": ("smmuv3",),
}


def scenarios(arches):
    return [Scenario(a.name, i, s) for a in arches for i in SCENARIOS[a.name]
            for s in (True, False)]


def root():
    return treemod.cache_root() / "runtime"


def require_tools(arches):
    progs = ["make", "gcc", "flex", "bison", "bc", "ccache", "busybox"]
    for a in arches:
        progs.append(a.qemu)
        if a.cross:
            progs.append(a.cross + "gcc")
    tools.require(*progs)
    kbuild.require_tools([], sparse=False)


# --- building ----------------------------------------------------------------

# The bootable kernels: tinyconfig + kconfig/runtime-ARCH.config, and for
# the sanitizer variant kconfig/sanitize-ARCH.config on top, in build
# directories of its own (so the plain runtime kernels are never rebuilt
# by it, nor it by them).  No KCFLAGS=-Werror: the whole kernel is built.
RECIPES = {
    sanitize: kbuild.Recipe(
        "runtime/obj", "runtime/src", "tinyconfig",
        ("runtime-{arch}.config",) + (("sanitize-{arch}.config",) if sanitize else ()),
        suffix="-sanitize" if sanitize else "", image=True, werror=False)
    for sanitize in (False, True)}


def build_dir(tree, arch, sanitize=False):
    return kbuild.BuildDir(tree, arch, recipe=RECIPES[sanitize])


@dataclasses.dataclass
class Build:
    ok: bool
    seconds: float
    image: pathlib.Path = None
    log: pathlib.Path = None
    detail: str = ""
    excerpt: tuple = ()


def build(tree, arch, say, label, sanitize=False):
    """Configure and build TREE's kernel for ARCH; a Build."""
    bd = build_dir(tree, arch, sanitize)
    with bd.locked(f"{bd.path}: another runtime build is using it; "
                   "try again when it is done"):
        t0 = time.monotonic()
        bd.sync()
        res = bd.configure()
        if res.ok:
            res = bd.build()
        secs = time.monotonic() - t0
        if res.rc is not None:
            tail = res.log.read_text(errors="replace").splitlines()[-12:]
            return Build(False, secs, log=res.log, detail=f"make failed ({res.rc})",
                         excerpt=tuple(tail))
        if not res.ok:
            return Build(False, secs, log=res.log, detail="configuration did not stick",
                         excerpt=res.excerpt)
        (bd.path / verdict.IOMMU_SYMBOLS).unlink(missing_ok=True)
        if sanitize:
            verdict.iommu_symbols(bd.path, arch)
        return Build(True, secs, image=bd.path / arch.image, log=res.log)


def run_group(argv, stdout, env=None, timeout=None):
    """Run ARGV in a process group of its own with stdout and stderr to
    STDOUT; the exit code, or None on TIMEOUT.  The whole group (make's
    compilers, QEMU) is stopped if we time out or are interrupted."""
    proc = procs.Popen(argv, stdin=subprocess.DEVNULL, stdout=stdout,
                       stderr=subprocess.STDOUT, env=env)
    return procs.wait(proc, timeout=timeout)


def prune_orphans(say):
    """Remove build directories (and logs) of trees that no longer exist."""
    for obj, tree in kbuild.orphans(RECIPES[False]):
        if kbuild.remove(obj):
            key = obj.name.split("-", 1)[0]
            for logs in (root() / "logs" / key, root() / "logs" / f"{key}-sanitize"):
                shutil.rmtree(logs, ignore_errors=True)
            say(f"removed {obj} (its tree {tree} is gone)")


def _sh(s):
    s = str(s)
    if re.fullmatch(r"[A-Za-z0-9_./=:,+-]+", s):
        return s
    return "'" + s.replace("'", "'\\''") + "'"


# --- booting -------------------------------------------------------------------

def qemu_argv(sc, arch, image, initrd, disk, sha, sanitize=False):
    append = [f"console={arch.console}", "panic=-1", "iommu.passthrough=0",
              f"iommu.strict={1 if sc.strict else 0}",
              f"ipm.sha={sha}", f"ipm.half={guest.DISK_BYTES // 2}"]
    if sanitize:
        # The first KASAN report or WARN ends the boot (KASAN reports
        # once per boot otherwise anyway), and so does an oops.
        append += ["panic_on_warn=1", "oops=panic"]
    vblk = ["-drive", f"file={disk},if=none,id=d0,format=raw",
            "-device", "virtio-blk-pci,drive=d0,disable-legacy=on,iommu_platform=on"]
    if sc.arch == "x86_64":
        if sc.iommu == "intel":
            machine = ["-M", "q35,kernel-irqchip=split",
                       "-device", "intel-iommu,intremap=on"]
            append.append("intel_iommu=on")
        else:
            machine = ["-M", "q35,kernel-irqchip=split",
                       "-device", "amd-iommu,intremap=on"]
        cpu = []
    else:
        machine = ["-M", "virt,iommu=smmuv3,gic-version=3"]
        cpu = ["-cpu", "cortex-a57"]
    mem = "512" if sanitize else "256"
    return ([arch.qemu, *machine, *cpu, "-accel", "tcg", "-m", mem, "-smp", "1",
             "-nodefaults", "-no-user-config", "-display", "none",
             "-serial", "stdio", "-no-reboot",
             "-kernel", str(image), "-initrd", str(initrd),
             "-append", " ".join(append), *vblk])


def boot(sc, arch, image, initrd, say, label, logdir, symbols=None):
    """Boot one scenario; a Boot.  SYMBOLS (the sanitizer variant): the
    functions of the build's drivers/iommu, for kmemleak's reports."""
    sanitize = symbols is not None
    tools.require(arch.qemu)
    logdir.mkdir(parents=True, exist_ok=True)
    log = logdir / f"{sc.name}-{label}.log"
    disk = logdir / f"{sc.name}-{label}.img"
    sha = guest.make_disk(disk)
    argv = qemu_argv(sc, arch, image, initrd, disk, sha, sanitize)
    limit = SANITIZE_TIMEOUT if sanitize else BOOT_TIMEOUT
    t0 = time.monotonic()
    try:
        with open(log, "wb") as f:
            f.write(("# " + " ".join(_sh(a) for a in argv) + "\n").encode())
            f.flush()
            rc = run_group(argv, stdout=f, timeout=limit)
            timeout = rc is None
        data = disk.read_bytes()
    finally:
        disk.unlink(missing_ok=True)
    secs = time.monotonic() - t0
    console = log.read_text(errors="replace")
    tail = hashlib.sha256(data[guest.DISK_BYTES // 2:]).hexdigest()
    problems, results, figures = verdict.evaluate(
        sc, verdict.parse_guest(console), console, tail)
    if data[:guest.DISK_BYTES // 2] != guest.known_half():
        problems.append("the known first half of the disk was changed")
    if timeout:
        problems.insert(0, f"timed out after {limit} s")
    elif rc != 0:
        problems.insert(0, f"QEMU exited with {rc}")
    quotes = []
    if sanitize:
        san, quotes = verdict.evaluate_sanitizers(
            console, verdict.parse_guest(console), symbols)
        if san and san[0].startswith("sanitizer: "):
            # the generic console check found the same line: name it once
            problems = [p for p in problems if not p.startswith("console: ")]
        problems = san + problems
    ok = not problems
    if ok:
        log.unlink()
    return verdict.Boot(ok, secs, problems, results, figures, None if ok else log, quotes)


# --- the command ---------------------------------------------------------------

def write_bench(data, name="runtime.json"):
    d = treemod.cache_root() / "bench"
    d.mkdir(parents=True, exist_ok=True)
    tmp = d / (name + ".tmp")
    tmp.write_text(json.dumps(data, indent=1))
    os.replace(tmp, d / name)


def select_scenarios(arch, only):
    """ARCH's scenarios, or those whose name contains one of the
    comma-separated words of ONLY (e.g. 'intel', 'x86_64-amd-lazy')."""
    all_ = scenarios([arch])
    words = [w for w in (only or "").split(",") if w]
    return [sc for sc in all_ if not words or any(w in sc.name for w in words)]


def runtime(tree, say, arch="x86_64,arm64", base=None, no_base=False,
            sanitize=False, only=""):
    """make runtime: build, boot and compare base and migrated kernels.

    ARCH     'x86_64,arm64' or a subset
    BASE     the unmigrated tree (default: the cached pristine tree of
             TREE's version); NO_BASE: TREE's kernels alone, no comparison
    SANITIZE the sanitizer variant (see docs/verification.md)
    ONLY     comma-separated words: only the scenarios naming one"""
    arches = kbuild.parse_arches(arch)
    if only and not any(select_scenarios(a, only) for a in arches):
        raise ToolError(f"--only {only}: no such scenario for "
                        f"{', '.join(a.name for a in arches)}", errors.EXIT_USAGE)
    require_tools(arches)
    scope = series_scope()
    tree = treemod.validate(tree, scope)
    kbuild.require_clean(tree)
    if no_base:
        base = None
        kernels = (("migrated", tree),)
    else:
        base = (treemod.validate(base, scope) if base
                else kbuild.default_base(tree, say))
        kbuild.require_clean(base)
        kernels = (("base", base), ("migrated", tree))
    prune_orphans(say)
    logdir = root() / "logs" / (kbuild.tree_key(tree) + ("-sanitize" if sanitize else ""))
    say(f"runtime {tree} (Linux {treemod.kernel_version(tree)}) "
        + (f"against base {base}" if base else "alone (--no-base)")
        + (" (sanitizer variant: KASAN, DEBUG_VM, DEBUG_PAGEALLOC, kmemleak, "
           "io-pgtable self-tests)" if sanitize else "")
        + ("" if kbuild.mount_ns_available() else
           " (no mount namespace: base and migrated objects are not shared)"))
    bench = {"tree": str(tree), "base": str(base), "when": time.time(),
             "sanitize": sanitize, "build": {}, "boot": {}}
    failed = []
    boots = {}
    t_all = time.monotonic()
    for arch in arches:
        chosen = select_scenarios(arch, only)
        if not chosen:
            continue
        initrd = guest.initramfs(arch, say, root())
        images = {}
        symbols = {}
        for label, t in kernels:
            b = build(t, arch, say, label, sanitize)
            bench["build"].setdefault(arch.name, {})[label] = round(b.seconds, 1)
            say(f"{arch.name:<7} build  {label:<8} {'PASS' if b.ok else 'FAIL'}  "
                f"{b.seconds:6.1f} s" + (f"  ({b.detail})" if b.detail else ""))
            if not b.ok:
                for l in b.excerpt:
                    say(f"    {l}")
                say(f"    full log: {b.log}")
                failed.append(f"{arch.name} build {label}")
                continue
            images[label] = b.image
            if sanitize:
                symbols[label] = verdict.iommu_symbols(b.log.parent, arch)
        for sc in chosen:
            for label, _ in kernels:
                if label not in images:
                    continue
                r = boot(sc, arch, images[label], initrd, say, label, logdir,
                         symbols.get(label))
                boots[(sc.name, label)] = r
                bench["boot"].setdefault(sc.name, {})[label] = round(r.seconds, 1)
                say(f"{sc.name:<21} {label:<8} {'PASS' if r.ok else 'FAIL'}  "
                    f"{r.seconds:6.1f} s" + ("" if r.ok else
                                             f"  ({r.problems[0]})"))
                for p in r.problems[1:8]:
                    say(f"    {p}")
                for q in r.quotes:
                    say(f"    | {q}")
                if r.log:
                    say(f"    console log: {r.log}")
                if not r.ok:
                    failed.append(f"{sc.name} {label}")
            a, b = boots.get((sc.name, "base")), boots.get((sc.name, "migrated"))
            if a and b and a.results and b.results and a.results != b.results:
                say(f"{sc.name:<21} same     FAIL  guest results differ between "
                    "base and migrated")
                for x, y in zip(a.results, b.results):
                    if x != y:
                        say(f"    base {x} / migrated {y}")
                failed.append(f"{sc.name} same")
    write_bench(bench, "runtime-sanitize.json" if sanitize else "runtime.json")
    table(boots, kernels, say)
    total = time.monotonic() - t_all
    what = "runtime" + (" (sanitizers)" if sanitize else "")
    if failed:
        say(f"{what}: FAIL ({', '.join(failed)}) in {total:.0f} s")
        return EXIT_FINDINGS
    say(f"{what}: PASS ({len(boots)} boots, {', '.join(a.name for a in arches)}) "
        f"in {total:.0f} s")
    return EXIT_OK


def table(boots, kernels, say):
    """Both kernels' page figures per scenario: nr_iommu_pages at the start
    (after the first teardown), while mapped, after teardown; the
    secondary page-table counter moves with it (checked)."""
    rows = list(dict.fromkeys(sc for sc, _ in boots))
    if not rows:
        return
    say("")
    say("nr_iommu_pages (= nr_sec_page_table_pages deltas): start / mapped "
        "(+delta) / after teardown, two cycles")
    say(f"{'scenario':<21} " + "  ".join(f"{lab:<30}" for lab, _ in kernels))
    for sc in rows:
        cells = []
        for lab, _ in kernels:
            r = boots.get((sc, lab))
            f = r.figures if r else {}
            if not all(k in f for k in ("down0", "up1", "down1", "up2", "down2")):
                cells.append(f"{'-':<30}")
                continue
            a0 = f["down0"][0]
            cells.append(f"{a0} / +{f['up1'][0] - a0},+{f['up2'][0] - a0} / "
                         f"{f['down1'][0]},{f['down2'][0]}".ljust(30))
        say(f"{sc:<21} " + "  ".join(cells))

"""make runtime: boots under QEMU (marker 'runtime', also 'kernel').

The pure parts (guest output parsing, the verdict of one boot, the cpio
writer) run everywhere.  The boots need the 6.12 base, QEMU, ccache and
busybox-static (make deps) and take minutes: a fully migrated 6.12 copy
must PASS one scenario per architecture on its own (make test), and every
scenario with the pristine base beside it, with identical guest results
(marker 'full'); a copy whose allocator does not un-account on free must
FAIL with a leak.  Run alone with:
  /usr/bin/python3 -m pytest -q -m runtime tests/test_runtime.py"""

import json
import re
import shutil
import subprocess
import sys

import pytest

from conftest import ROOT
from ipm import bases, guest, kbuild, runtime, tree as treemod, verdict as verdictmod

TOOL = [sys.executable, str(ROOT / "scripts" / "apply-series.py")]
boots = pytest.mark.runtime
needs_kernel = pytest.mark.kernel

INTEL_STRICT = runtime.Scenario("x86_64", "intel", True)


def guest_lines(down=(300, 300), up=(306, 306), types=("DMA",) * 4, wrote="abc",
                end=True, extra=()):
    """Console text as guest/ipm-init.sh prints it."""
    out = ["[    0.000000] Linux version 6.12.117",
           "IPM start kernel=6.12.117 arch=x86_64",
           "IPM iommus names=dmar0,",
           "IPM device bdf=0000:00:02.0 group=3 type=DMA"]
    phases = iter(types)
    out.append(f"IPM io phase=boot disk=vda read=ok write=ok wrote=x type={next(phases)}")
    out.append("IPM vmstat phase=boot iommu=306 sec=306")
    out.append("IPM state phase=down0 type=identity driver=")
    out.append(f"IPM vmstat phase=down0 iommu={down[0]} sec={down[1]}")
    for c in (1, 2):
        out.append(f"IPM io phase=up{c} disk=vda read=ok write=ok wrote=x "
                   f"type={next(phases)}")
        out.append(f"IPM vmstat phase=up{c} iommu={up[0]} sec={up[1]}")
        out.append(f"IPM state phase=down{c} type=identity driver=")
        d = down if c == 1 else (300, 300)
        out.append(f"IPM vmstat phase=down{c} iommu={d[0]} sec={d[1]}")
    out.append(f"IPM io phase=final disk=vda read=ok write=ok wrote={wrote} "
               f"type={next(phases)}")
    out.extend(extra)
    if end:
        out.append("IPM end")
    return "\r\n".join(out) + "\r\n"


def verdict(text, sc=INTEL_STRICT, tail="abc"):
    return verdictmod.evaluate(sc, verdictmod.parse_guest(text), text, tail)


def test_evaluate_pass():
    problems, results, figures = verdict(guest_lines())
    assert problems == []
    assert figures["down0"] == (300, 300) and figures["up1"] == (306, 306)
    assert ("boot", "ok", "ok", "DMA") in results


def test_evaluate_leak_after_teardown():
    problems, _, _ = verdict(guest_lines(down=(300, 300)).replace(
        "phase=down2 iommu=300 sec=300", "phase=down2 iommu=301 sec=301"))
    assert any(p.startswith("leak: after teardown down2") for p in problems)


def test_evaluate_nothing_mapped_or_counters_apart():
    problems, _, _ = verdict(guest_lines(up=(300, 300)))
    assert any("no page-table pages accounted" in p for p in problems)
    problems, _, _ = verdict(guest_lines(up=(306, 305)))
    assert any("moved apart" in p for p in problems)


def test_evaluate_identity_or_lazy_type_is_a_failure():
    problems, _, _ = verdict(guest_lines(types=("identity",) * 4))
    assert any("domain type identity, expected DMA" in p for p in problems)
    lazy = runtime.Scenario("x86_64", "intel", False)
    assert verdict(guest_lines(types=("DMA-FQ",) * 4), lazy)[0] == []
    assert verdict(guest_lines(), lazy)[0]


def test_evaluate_unfinished_faults_and_lost_writes():
    assert "the guest did not finish (no 'IPM end')" in verdict(guest_lines(end=False))[0]
    fault = "DMAR: DRHD: handling fault status reg 2"
    assert any(p.startswith("console: DMAR") for p in
               verdict(guest_lines(extra=[fault]))[0])
    assert any("does not hold the guest's last pattern" in p
               for p in verdict(guest_lines(), tail="other")[0])
    assert verdict("no guest here")[0] == [
        "the guest did not start (no 'IPM start' on the console)"]


def test_cpio_lists_with_cpio(tmp_path):
    if not shutil.which("cpio"):
        pytest.skip("cpio not installed")
    data = guest._cpio_newc([("bin", 0o40755, b""), ("bin/busybox", 0o100755, b"x" * 5),
                             ("bin/sh", 0o120777, b"busybox"), ("init", 0o100755, b"#!")])
    p = subprocess.run(["cpio", "-it", "--quiet"], input=data, capture_output=True)
    assert p.returncode == 0, p.stderr
    assert p.stdout.decode().split() == ["bin", "bin/busybox", "bin/sh", "init"]


def test_parse_arches_and_scenarios():
    assert [s.name for s in runtime.scenarios(kbuild.parse_arches("arm64"))] == [
        "arm64-smmuv3-strict", "arm64-smmuv3-lazy"]
    with pytest.raises(Exception):
        kbuild.parse_arches("riscv")


def test_runtime_kernels_are_kbuild_build_directories(tmp_path, monkeypatch):
    """tinyconfig + the runtime fragment, the image, no -Werror, in
    runtime/obj: apart from verify's directories and from the sanitizer's."""
    monkeypatch.setenv("IPM_CACHE", str(tmp_path / "cache"))
    x86 = kbuild.ARCHES["x86_64"]
    bd = runtime.build_dir(tmp_path, x86)
    assert bd.path == runtime.root() / "obj" / f"{bd.key}-x86_64"
    assert bd.src == (runtime.root() / "src" if kbuild.mount_ns_available() else bd.tree)
    assert len({bd.path, runtime.build_dir(tmp_path, x86, True).path,
                kbuild.BuildDir(tmp_path, x86).path}) == 3
    argv = bd.make_argv(*bd.recipe.targets(x86))
    assert argv[-1] == "bzImage" and not any(a.startswith("KCFLAGS=") for a in argv)
    assert bd.recipe.base_target(x86) == "tinyconfig"
    assert [f.name for f in bd.recipe.fragment_paths(x86)] == ["runtime-x86_64.config"]


def test_a_failed_build_reads_as_before(tmp_path, monkeypatch):
    """A failed make: 'make failed (N)' and the log's last 12 lines; a
    fragment that did not stick: the options that did not."""
    monkeypatch.setenv("IPM_CACHE", str(tmp_path / "cache"))
    log = tmp_path / "ipm-config.log"
    log.write_text("".join(f"line {i}\n" for i in range(20)))
    results = {"make": kbuild.Result(False, 1.0, "'make tinyconfig' failed", ("x",), log, 2),
               "stick": kbuild.Result(False, 1.0, "1 of 9 options did not stick",
                                      ("CONFIG_X=y wanted, =n",), log)}
    monkeypatch.setattr(kbuild.BuildDir, "sync", lambda self, say=None: {})
    for what, want in (("make", ("make failed (2)", tuple(f"line {i}" for i in range(8, 20)))),
                       ("stick", ("configuration did not stick", ("CONFIG_X=y wanted, =n",)))):
        monkeypatch.setattr(kbuild.BuildDir, "configure", lambda self: results[what])
        b = runtime.build(tmp_path, kbuild.ARCHES["x86_64"], print, "migrated")
        assert not b.ok and (b.detail, b.excerpt) == want and b.log == log


def test_base_and_no_base_exclude_each_other(tmp_path):
    p = subprocess.run(TOOL + ["runtime", str(tmp_path), "--base", str(tmp_path),
                               "--no-base"], capture_output=True, text=True)
    assert p.returncode == 2, p.stderr
    assert len(p.stderr.splitlines()) == 1 and "--no-base" in p.stderr, p.stderr


# --- boots ------------------------------------------------------------------

@pytest.fixture(scope="session")
def migrated():
    """A fully migrated 6.12 copy at a fixed path in the cache, applied
    with the orchestrator."""
    dest = treemod.cache_root() / "work" / "runtime-migrated-6.12"
    bases.copy("6.12", dest, print)
    p = subprocess.run(TOOL + ["apply", str(dest)], capture_output=True, text=True)
    assert p.returncode == 0, p.stdout + p.stderr
    # The tree stays in the cache after the session: a runtime run prunes
    # the build directories of trees that are gone, and the next session's
    # copy at this path (same content: BuildDir.sync finds nothing stale)
    # reuses them and rebuilds only what its new file times ask for.
    return dest


def run_runtime(tree, *extra):
    p = subprocess.run(TOOL + ["runtime", str(tree), *extra],
                       capture_output=True, text=True)
    return p, p.stdout + p.stderr


PASS_LINE = re.compile(r"^(\S+)\s+(base|migrated)\s+(PASS|FAIL)\s", re.M)


# make test boots one scenario per architecture (the strict DMA domain of
# each emulated IOMMU): the first build of each architecture's kernels is
# most of the cold CI time, and the other scenarios are the same kernels.
# make test-full (marker 'full') boots all of them.
CI_SCENARIOS = "intel-strict,smmuv3-strict"


def assert_runtime_pass(migrated, only="", base=True):
    p, out = run_runtime(migrated, "--arch", "x86_64,arm64", "--only", only,
                         *([] if base else ["--no-base"]))
    assert p.returncode == 0, out
    verdicts = {(sc, k): v for sc, k, v in PASS_LINE.findall(out)}
    names = [s.name for a in kbuild.parse_arches("x86_64,arm64")
             for s in runtime.select_scenarios(a, only)]
    kernels = ["base", "migrated"] if base else ["migrated"]
    assert names
    assert set(verdicts) == {(sc, k) for sc in names for k in kernels}, out
    assert set(verdicts.values()) == {"PASS"}, out
    assert "guest results differ" not in out
    # the table: one row per scenario, the figures of each kernel
    cells = " +".join([r"\d+ / \+\d+,\+\d+ / \d+,\d+"] * len(kernels))
    for sc in names:
        assert re.search(rf"^{sc} +{cells} *$", out, re.M), out
    assert "runtime: PASS" in out
    bench = json.loads((treemod.cache_root() / "bench" / "runtime.json").read_text())
    assert set(bench["build"]) == {"x86_64", "arm64"}
    assert set(bench["boot"]) == set(names)


@needs_kernel
@boots
def test_runtime_one_scenario_per_arch_passes(migrated):
    """The migrated kernel alone (--no-base): the base kernels and the
    comparison are in test_runtime_base_and_migrated_pass."""
    assert_runtime_pass(migrated, CI_SCENARIOS, base=False)


@needs_kernel
@boots
@pytest.mark.full
def test_runtime_base_and_migrated_pass(migrated):
    assert_runtime_pass(migrated)


def break_allocator(tree):
    """Make the migrated allocator of TREE free without un-accounting:
    drop the call that subtracts the freed pages from the counters (the
    free path that iommu_free_pages() and iommu_put_pages_list() share).
    The file is replaced, not written in place: TREE is a hard-linked copy."""
    src = tree / "drivers" / "iommu" / "iommu-pages.c"
    text = src.read_text()
    broken, n = re.subn(r"^\t+\w*account\w*\([^;]*,\s*-[^;]*\);\n", "", text,
                        flags=re.M)
    assert n == 1, "expected one un-accounting call in iommu-pages.c"
    src.unlink()
    src.write_text(broken)


# The verdict that finds a leak is tested on guest output above; booting a
# leaking kernel proves the harness end to end, a release check (make
# test-full) that would add a third kernel build to a cold CI run.
@needs_kernel
@boots
@pytest.mark.full
def test_runtime_fails_on_a_leaking_allocator(migrated):
    """A hard-linked copy of the migrated tree, at a fixed path in the cache
    that stays after the session (like the migrated tree): its build
    directory is reused by the next session, which recompiles only what
    its file times ask for."""
    scratch = treemod.cache_root() / "work" / "runtime-broken-6.12"
    shutil.rmtree(scratch, ignore_errors=True)
    subprocess.run(["cp", "-al", str(migrated), str(scratch)], check=True)
    break_allocator(scratch)
    assert (migrated / "drivers/iommu/iommu-pages.c").read_text() != \
        (scratch / "drivers/iommu/iommu-pages.c").read_text()
    p, out = run_runtime(scratch, "--arch", "x86_64", "--only", "intel-strict",
                         "--no-base")
    assert p.returncode == 1, out
    verdicts = {(sc, k): v for sc, k, v in PASS_LINE.findall(out)}
    assert verdicts == {("x86_64-intel-strict", "migrated"): "FAIL"}, out
    assert "leak: after teardown" in out
    assert "console log: " in out
    assert "runtime: FAIL" in out

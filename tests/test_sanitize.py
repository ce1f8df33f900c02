"""make runtime SANITIZE=1: the QEMU boots under KASAN, DEBUG_VM,
DEBUG_PAGEALLOC and kmemleak, with the io-pgtable self-tests (marker
'sanitize', also 'kernel'; not part of make test).

The pure parts (naming a sanitizer report, the self-tests' pass lines,
kmemleak attribution) run everywhere.  The boots need the 6.12 base, QEMU,
ccache and busybox-static and take long: the migrated 6.12 copy and the
pristine base must both PASS every scenario, and two broken copies of the
migrated tree must FAIL with the sanitizer's report named in the verdict
line: a page table allocated with half its size (KASAN) and a table freed
while it is still on a free list (DEBUG_VM).  Run with:
  /usr/bin/python3 -m pytest -q -m sanitize tests/test_sanitize.py"""

import json
import re
import shutil
import subprocess
import sys

import pytest

from conftest import ROOT
from ipm import bases, kbuild, runtime, tree as treemod, verdict as verdictmod

TOOL = [sys.executable, str(ROOT / "scripts" / "apply-series.py")]
sanitize = pytest.mark.sanitize
needs_kernel = pytest.mark.kernel

SELFTEST_LINES = [
    "[    1.234567] arm-lpae io-pgtable: selftest: completed with 18 PASS 0 FAIL",
    "[    1.300000] arm-v7s io-pgtable: self test ok",
]
LEAK_NOT_OURS = [
    "IPMLEAK unreferenced object 0xffff888004a1c000 (size 64):",
    "IPMLEAK   comm \"swapper/0\", pid 1, jiffies 4294892296",
    "IPMLEAK   backtrace (crc 1234abcd):",
    "IPMLEAK     [<ffffffff81234567>] kmemleak_alloc+0x4a/0x80",
    "IPMLEAK     [<ffffffff81234567>] acpi_os_map_memory+0x12/0x40",
]
LEAK_OURS = [
    "IPMLEAK unreferenced object 0xffff888004b2d000 (size 128):",
    "IPMLEAK   backtrace (crc 5678abcd):",
    "IPMLEAK     [<ffffffff81234567>] __kmalloc_noprof+0x1a/0x60",
    "IPMLEAK     [<ffffffff81234567>] intel_iommu_domain_alloc+0x22/0x90",
]
SYMBOLS = {"intel_iommu_domain_alloc", "__arm_lpae_free_pgtable"}


def console(*extra, selftests=True, scanned=True):
    lines = ["[    0.000000] Linux version 6.12.118"]
    if selftests:
        lines += SELFTEST_LINES
    lines += ["IPM start kernel=6.12.118 arch=x86_64"]
    if scanned:
        lines.append("IPM kmemleak scans=2 reports=0")
    lines += list(extra)
    return "\r\n".join(lines) + "\r\n"


def sanitizers(text):
    return verdictmod.evaluate_sanitizers(text, verdictmod.parse_guest(text), SYMBOLS)


def test_clean_boot_quotes_the_selftests():
    problems, quotes = sanitizers(console())
    assert problems == []
    assert quotes == ["arm-lpae io-pgtable: selftest: completed with 18 PASS 0 FAIL",
                      "arm-v7s io-pgtable: self test ok",
                      "kmemleak: 0 report(s), 0 from drivers/iommu"]


def test_kasan_report_is_named_first():
    text = console(
        "[    2.000000] ==================================================================",
        "[    2.000001] BUG: KASAN: use-after-free in __arm_lpae_free_pgtable+0x1c4/0x250",
        "[    2.000002] Read of size 8 at addr ffff888005e02000 by task swapper/0/1",
        "[    2.100000] Kernel panic - not syncing: KASAN: panic_on_warn set ...")
    problems, _ = sanitizers(text)
    assert problems[0] == ("sanitizer: BUG: KASAN: use-after-free in "
                           "__arm_lpae_free_pgtable+0x1c4/0x250 / Kernel panic - "
                           "not syncing: KASAN: panic_on_warn set ...")


def test_debug_vm_report_is_named():
    text = console(
        "[    3.0] page: refcount:0 mapcount:0 mapping:0000000000000000 index:0x0 pfn:0x5e02",
        "[    3.1] page dumped because: VM_BUG_ON_FOLIO(folio_ref_count(folio) == 0)",
        "[    3.2] ------------[ cut here ]------------",
        "[    3.3] kernel BUG at include/linux/mm.h:1143!")
    problems, _ = sanitizers(text)
    assert problems[0] == ("sanitizer: page dumped because: VM_BUG_ON_FOLIO("
                           "folio_ref_count(folio) == 0) / kernel BUG at "
                           "include/linux/mm.h:1143!")


def test_warn_and_failed_or_missing_selftest_fail():
    problems, _ = sanitizers(console("[ 1.0] WARNING: CPU: 0 PID: 1 at drivers/iommu/x.c:5 f+0x1/0x2"))
    assert problems[0].startswith("sanitizer: WARNING: CPU: 0 PID: 1 at drivers/iommu/x.c:5")
    text = console().replace("18 PASS 0 FAIL", "17 PASS 1 FAIL")
    assert "self-test LPAE failed: arm-lpae io-pgtable: selftest: completed with " \
           "17 PASS 1 FAIL" in sanitizers(text)[0]
    problems, _ = sanitizers(console(selftests=False))
    assert [p.split(":")[0] for p in problems] == ["self-test LPAE", "self-test ARMv7s"]


def test_kmemleak_attribution():
    problems, quotes = sanitizers(console(*LEAK_NOT_OURS))
    assert problems == []
    assert quotes[-1] == "kmemleak: 1 report(s), 0 from drivers/iommu"
    problems, quotes = sanitizers(console(*LEAK_NOT_OURS, *LEAK_OURS))
    assert problems == ["kmemleak: 1 leak report(s) from drivers/iommu, first: "
                        "unreferenced object 0xffff888004b2d000 (size 128): "
                        "allocated in intel_iommu_domain_alloc"]
    assert quotes[-1] == "kmemleak: 2 report(s), 1 from drivers/iommu"
    assert sanitizers(console(scanned=False))[0] == [
        "kmemleak: the guest did not scan (no 'IPM kmemleak')"]


def test_sanitizer_variant_builds_apart_and_boots_with_panic_on_warn():
    x86 = kbuild.ARCHES["x86_64"]
    tree = treemod.cache_root() / "work" / "some-tree"
    assert runtime.build_dir(tree, x86, True).path != runtime.build_dir(tree, x86).path
    assert runtime.build_dir(tree, x86, True).path.name.endswith("-x86_64-sanitize")
    assert [f.name for f in runtime.RECIPES[True].fragment_paths(x86)] == [
        "runtime-x86_64.config", "sanitize-x86_64.config"]
    sc = runtime.Scenario("x86_64", "intel", True)
    argv = runtime.qemu_argv(sc, x86, "bz", "rd", "disk", "0" * 64, sanitize=True)
    append = argv[argv.index("-append") + 1].split()
    assert "panic_on_warn=1" in append
    assert "panic_on_warn=1" not in " ".join(
        runtime.qemu_argv(sc, x86, "bz", "rd", "disk", "0" * 64))
    assert [s.name for s in runtime.select_scenarios(x86, "intel-strict")] == [
        "x86_64-intel-strict"]


# The option that builds each self-test the verdict asks a pass line of.
SELFTEST_CONFIG = {"LPAE": "CONFIG_IOMMU_IO_PGTABLE_LPAE_SELFTEST",
                   "ARMv7s": "CONFIG_IOMMU_IO_PGTABLE_ARMV7S_SELFTEST"}


def test_both_sanitizer_fragments_build_every_selftest_the_verdict_needs():
    assert [name for name, _ in verdictmod.SELFTESTS] == list(SELFTEST_CONFIG)
    for arch in kbuild.ARCHES.values():
        frag = runtime.RECIPES[True].fragment_paths(arch)[-1]
        cfg = kbuild.parse_config(frag.read_text())
        for opt in ("CONFIG_KASAN_GENERIC", "CONFIG_DEBUG_VM",
                    "CONFIG_DEBUG_KMEMLEAK", *SELFTEST_CONFIG.values()):
            assert cfg.get(opt) == "y", (frag.name, opt)
        assert cfg.get("CONFIG_SLUB_TINY") == "n", frag.name


def test_arm64_sanitizer_variant_boots_the_smmuv3_guest():
    arm = kbuild.ARCHES["arm64"]
    tree = treemod.cache_root() / "work" / "some-tree"
    assert runtime.build_dir(tree, arm, True).path.name.endswith("-arm64-sanitize")
    assert [f.name for f in runtime.RECIPES[True].fragment_paths(arm)] == [
        "runtime-arm64.config", "sanitize-arm64.config"]
    sc = runtime.Scenario("arm64", "smmuv3", False)
    argv = runtime.qemu_argv(sc, arm, "Image", "rd", "disk", "0" * 64, sanitize=True)
    assert argv[0] == "qemu-system-aarch64"
    assert argv[argv.index("-M") + 1] == "virt,iommu=smmuv3,gic-version=3"
    assert argv[argv.index("-m") + 1] == "512"
    append = argv[argv.index("-append") + 1].split()
    assert {"panic_on_warn=1", "oops=panic", "iommu.strict=0"} <= set(append)
    assert [s.name for s in runtime.select_scenarios(arm, "smmuv3")] == [
        "arm64-smmuv3-strict", "arm64-smmuv3-lazy"]


# --- boots ------------------------------------------------------------------

@pytest.fixture(scope="module")
def migrated():
    """A fully migrated 6.12 copy in the cache, removed at the end."""
    dest = treemod.cache_root() / "work" / "sanitize-migrated-6.12"
    bases.copy("6.12", dest, print)
    p = subprocess.run(TOOL + ["apply", str(dest)], capture_output=True, text=True)
    assert p.returncode == 0, p.stdout + p.stderr
    yield dest
    shutil.rmtree(dest, ignore_errors=True)


def run_runtime(tree, *extra):
    p = subprocess.run(TOOL + ["runtime", str(tree), "--sanitize", *extra],
                       capture_output=True, text=True)
    return p, p.stdout + p.stderr


VERDICT = re.compile(r"^(\S+)\s+(base|migrated)\s+(PASS|FAIL)\s+[\d.]+ s(.*)$", re.M)


def verdicts(out):
    return {(sc, k): (v, rest.strip()) for sc, k, v, rest in VERDICT.findall(out)}


@needs_kernel
@sanitize
def test_sanitize_base_and_migrated_pass(migrated):
    p, out = run_runtime(migrated, "--arch", "x86_64,arm64")
    assert p.returncode == 0, out
    v = verdicts(out)
    names = [s.name for s in runtime.scenarios(kbuild.parse_arches("x86_64,arm64"))]
    for sc in names:
        assert v.get((sc, "base"), ("?",))[0] == "PASS", out
        assert v.get((sc, "migrated"), ("?",))[0] == "PASS", out
    # every boot quotes both self-tests' pass lines and the kmemleak scan
    assert len(re.findall(r"^    \| arm-lpae io-pgtable: selftest: completed with "
                          r"\d+ PASS 0 FAIL$", out, re.M)) == 2 * len(names), out
    assert len(re.findall(r"^    \| arm-v7s io-pgtable: self test ok$", out,
                          re.M)) == 2 * len(names), out
    assert len(re.findall(r"^    \| kmemleak: \d+ report\(s\), 0 from drivers/iommu$",
                          out, re.M)) == 2 * len(names), out
    assert "runtime (sanitizers): PASS" in out
    bench = json.loads((treemod.cache_root() / "bench" /
                        "runtime-sanitize.json").read_text())
    assert bench["sanitize"] and set(bench["boot"]) == set(names)


def half_size_table(tree):
    """One allocation one order too small: io-pgtable-arm's page tables
    (the SMMUv3 format, run by the LPAE self-test on every boot) get half
    the size they ask for."""
    src = tree / "drivers" / "iommu" / "io-pgtable-arm.c"
    text = src.read_text()
    broken, n = re.subn(r"(\talloc_size = max\()size(, 64\);)", r"\1size / 2\2", text)
    assert n == 1, "expected one 'alloc_size = max(size, 64);' in io-pgtable-arm.c"
    src.write_text(broken)


def free_on_free_list(tree):
    """A table freed while it is still on a free list: VT-d's domain_unmap()
    puts the top-level table on the free list and frees it at once too, so
    that iommu_put_pages_list() frees it a second time."""
    src = tree / "drivers" / "iommu" / "intel" / "iommu.c"
    text = src.read_text()
    broken, n = re.subn(r"(\t\tiommu_pages_list_add\(freelist, domain->pgd\);\n)",
                        r"\1\t\tiommu_free_pages(domain->pgd);\n", text)
    assert n == 1, "expected domain_unmap() to list the pgd once"
    src.write_text(broken)


def broken_copy(migrated, name, breaker):
    scratch = treemod.cache_root() / "work" / name
    shutil.rmtree(scratch, ignore_errors=True)
    subprocess.run(["cp", "-a", str(migrated), str(scratch)], check=True)
    breaker(scratch)
    return scratch


def cleanup(scratch):
    shutil.rmtree(scratch, ignore_errors=True)
    key = kbuild.tree_key(scratch)
    for d in (runtime.root() / "obj").glob(key + "-*"):
        if d.is_dir():
            shutil.rmtree(d, ignore_errors=True)
        else:
            d.unlink(missing_ok=True)
    for d in (runtime.root() / "logs").glob(key + "*"):
        shutil.rmtree(d, ignore_errors=True)


@needs_kernel
@sanitize
@pytest.mark.parametrize("breaker,report", [
    (half_size_table, r"sanitizer: BUG: KASAN: [\w-]+ in __arm_lpae_free_pgtable"),
    (free_on_free_list, r"sanitizer: page dumped because: VM_BUG_ON_\w+\("),
], ids=["half-size-table", "freed-on-free-list"])
def test_sanitize_negative_proof(migrated, breaker, report):
    scratch = broken_copy(migrated, f"sanitize-{breaker.__name__}", breaker)
    try:
        p, out = run_runtime(scratch, "--arch", "x86_64", "--only", "x86_64-intel-strict")
        assert p.returncode == 1, out
        v = verdicts(out)
        assert v[("x86_64-intel-strict", "base")][0] == "PASS", out
        verdict, rest = v[("x86_64-intel-strict", "migrated")]
        assert verdict == "FAIL", out
        assert re.match(r"\(" + report, rest), out
        assert "runtime (sanitizers): FAIL" in out
    finally:
        cleanup(scratch)

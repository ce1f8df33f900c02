"""End to end on the real Debian linux-source-6.12 base (marker 'kernel').

The base is fetched with apt into the cache on first use; every test works
on copies.  Run alone with: make test PYTEST_ARGS='-m kernel'."""

import re
import shutil
import signal
import subprocess
import sys

import pytest

from conftest import ROOT
from faketree import tree_hash
from ipm import bases, manifest, tree as treemod
from ipm.csrc import strip_comments

pytestmark = pytest.mark.kernel

TOOL = [sys.executable, str(ROOT / "scripts" / "apply-series.py")]
FOUNDATION = "1-6"


def ready_prefix():
    """How many steps 'apply' runs by default: up to the first planned one."""
    n = 0
    for s in manifest.load().steps:
        if not s.ready:
            break
        n = s.number
    return n


READY = ready_prefix()


def tool(*args, project=ROOT, **kw):
    argv = [sys.executable, str(project / "scripts" / "apply-series.py"), *map(str, args)]
    return subprocess.run(argv, capture_output=True, text=True, **kw)


@pytest.fixture(scope="module")
def base():
    return bases.pristine("6.12", print)


@pytest.fixture(scope="module")
def work(base):
    """One copy of the base, shared by the tests of this module in order.

    It stays in the cache at a fixed path (replaced by the next run) so
    that verify's out-of-tree builds of it are incremental across runs."""
    dest = treemod.cache_root() / "work" / "e2e-linux-source-6.12"
    bases.copy("6.12", dest, print)
    return dest


@pytest.fixture(scope="module")
def pristine_hash(work):
    return tree_hash(work)


def test_broken_rule_leaves_tree_identical(work, pristine_hash, tmp_path):
    proj = tmp_path / "proj"
    shutil.copytree(ROOT, proj, ignore=shutil.ignore_patterns(".git", "__pycache__"))
    victim = sorted((proj / "cocci").glob("05-*/*.cocci"))[0]
    victim.write_text(victim.read_text() + "\n@@\nexpression E\n@@\n- broken(E)\n")
    p = tool("apply", work, "--steps", FOUNDATION, project=proj)
    assert p.returncode == 1, p.stdout + p.stderr
    assert f"spatch failed on rule {victim.name}" in p.stderr
    assert "step 04/23" in p.stdout          # it failed after earlier steps ran
    assert tree_hash(work) == pristine_hash


def test_sigint_during_apply_leaves_tree_identical(work, pristine_hash):
    proc = subprocess.Popen(TOOL + ["apply", str(work), "--steps", FOUNDATION],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    line = proc.stdout.readline()
    while line and "step 02/23" not in line:
        line = proc.stdout.readline()
    assert line, "apply ended before step 02"
    proc.send_signal(signal.SIGINT)
    out, err = proc.communicate(timeout=120)
    assert proc.returncode == 130, err
    assert "interrupted by SIGINT" in err
    assert tree_hash(work) == pristine_hash


def test_apply_every_ready_step(work):
    p = tool("apply", work)
    assert p.returncode == 0, p.stdout + p.stderr
    for n in range(1, READY + 1):
        assert re.search(rf"^step {n:02d}/23 .*: \d+ files? changed", p.stdout, re.M), n
    # riscv steps find no riscv driver in 6.12 and say so
    for n in (9, 18):
        if n <= READY:
            assert re.search(rf"^step {n:02d}/23 .*0 files changed.*no change on this base",
                             p.stdout, re.M)


def grep(work, pattern, *paths):
    p = subprocess.run(["grep", "-rnE", pattern, *paths], cwd=work,
                       capture_output=True, text=True)
    return p.stdout.splitlines()


def test_no_free_page_and_no_two_argument_free_pages(work):
    assert grep(work, r"\biommu_free_page\(", "drivers/iommu", "include/linux/iommu.h") == []
    # A two-argument call: a comma at the top level of the call, on any line.
    code = "".join(strip_comments(p.read_text())
                   for p in (work / "drivers/iommu").rglob("*.[ch]"))
    calls = re.findall(r"\biommu_free_pages\(([^;{]*)\);", code)
    two = [c for c in calls if re.sub(r"\([^()]*\)", "", c).count(",")]
    assert two == []


def test_tegra_has_no_struct_page_and_a_correct_pde_sync(work):
    src = (work / "drivers/iommu/tegra-smmu.c").read_text()
    assert not re.search(r"struct page\b|page_address|dma_(un)?map_page|__iommu_", src)
    body = src[src.index("static void tegra_smmu_set_pde("):]
    body = body[:body.index("\n}\n")]
    # The synced range must start at the entry's byte offset in the directory.
    assert "offset" in body
    assert not re.search(r"\*\s*sizeof\(\*\s*as->pd\)|struct tegra_pd \*pd\b.*\n.*sizeof\(\*pd\)", body)


def check_sections(out):
    """(findings, allowed): the file:line lines of each section of check."""
    findings, allowed, cur = [], [], None
    for line in out.splitlines():
        if line.startswith("findings"):
            cur = findings
        elif line.startswith("allowed"):
            cur = allowed
        elif cur is not None and re.match(r"\S+:\d+: ", line):
            cur.append(line)
    return findings, allowed


def test_check_reports_what_later_steps_convert(work):
    p = tool("check", work)
    findings, allowed = check_sections(p.stdout)
    text = "\n".join(findings)
    # DMA-API use of caller pages is listed as allowed, with a reason
    assert any(l.startswith("drivers/iommu/dma-iommu.c") and "DMA API" in l for l in allowed)
    # nothing that steps 01-06 removed
    assert not re.search(r"\biommu_free_page\b|__iommu_(alloc|free)_pages", text)
    assert not [l for l in findings if "tegra-smmu.c" in l and "old API" not in l]
    if READY >= 15:
        # no ->lru, virt_to_page or list_head free list of iommu-pages memory
        assert not [l for l in findings if "old API" not in l], text
    if READY == 23:
        assert p.returncode == 0, p.stdout
        assert findings == []
        return
    assert p.returncode == 1, p.stdout + p.stderr
    # what remains is old API that the planned steps remove
    assert re.search(r"old API call \(iommu_alloc_page_node\)", text)


# make test builds every step for x86_64, whose configuration compiles
# every driver of the series but tegra-smmu (COMPILE_TEST); verify builds
# the last step for both architectures.  make test-full builds every step
# for arm64 too (tegra-smmu's steps among them).
@pytest.mark.parametrize("arch", ["x86_64", pytest.param("arm64", marks=pytest.mark.full)])
def test_every_ready_step_builds(base, arch):
    # before verify: verify's builds of the base and of the migrated tree
    # then find the objects of bisect-check's first and last build in ccache
    p = tool("bisect-check", base, "--arch", arch)
    assert p.returncode == 0, p.stdout[-3000:] + p.stderr
    for n in range(1, READY + 1):
        if re.search(rf"step {n:02d}: nothing changed", p.stdout):
            continue
        assert re.search(rf"^\s*{arch}\s+step{n:02d}\s+PASS", p.stdout, re.M), n


def test_verify_passes(work):
    p = tool("verify", work)
    assert p.returncode == 0, p.stdout[-3000:] + p.stderr
    assert "FAIL" not in p.stdout


OLD_API = re.compile(r"\b(__iommu_(alloc|free)_(pages|account)|iommu_alloc_pages?(_node)?|"
                     r"iommu_free_page|iommu_put_pages_list)\s*\(|\bvirt_to_page\(|"
                     r"\bpfn_to_page\(|->lru\b|\bstruct page\b")


def removed_lines(old, new):
    """Line numbers of OLD that the series removed or rewrote."""
    import difflib
    out = set()
    sm = difflib.SequenceMatcher(None, old, new, autojunk=False)
    for tag, i1, i2, _, _ in sm.get_opcodes():
        if tag in ("replace", "delete"):
            out.update(range(i1 + 1, i2 + 1))
    return out


def test_check_on_the_base_finds_exactly_what_the_series_converts(base, work):
    """Every finding on the unmigrated base sits on a line the series
    rewrites (but for calls whose list changes type elsewhere), and every
    rewritten line that uses old API or struct page on iommu-pages memory
    was a finding."""
    if READY < 23:
        pytest.skip(f"needs the whole series (steps 1-{READY} are ready)")
    p = tool("check", base)
    assert p.returncode == 1
    findings, allowed = check_sections(p.stdout)
    at = {}
    for line in findings:
        if "old API call (iommu_put_pages_list on a struct list_head)" in line:
            # iommu_put_pages_list() on a list_head: the series changes the
            # list's type where it is declared, not the call; that no such
            # finding remains after it is test_check_..._convert's job.
            continue
        rel, n = line.split(":")[:2]
        at.setdefault(rel, set()).add(int(n))
    missed, spurious = [], []
    for rel in sorted(set(at) | {str(f.relative_to(base)) for f in
                                 (base / "drivers/iommu").rglob("*.[ch]")}):
        old = (base / rel).read_text().splitlines()
        new_path = work / rel
        new = new_path.read_text().splitlines() if new_path.exists() else []
        gone = removed_lines(old, new)
        spurious += [f"{rel}:{n}" for n in sorted(at.get(rel, set()) - gone)]
        allowed_here = {int(l.split(":")[1]) for l in allowed if l.startswith(rel + ":")}
        for n in sorted(gone - at.get(rel, set()) - allowed_here):
            if OLD_API.search(old[n - 1]) and not old[n - 1].lstrip().startswith(("*", "/*", "//")):
                missed.append(f"{rel}:{n}: {old[n - 1].strip()}")
    assert spurious == [], "findings the series does not touch"
    assert missed == [], "converted lines the checker did not report:\n" + "\n".join(missed)
    print(f"{sum(len(v) for v in at.values())} finding lines, all converted")


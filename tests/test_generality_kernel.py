"""Code that 6.12 does not have, inserted into real 6.12 drivers (marker
'kernel'): apply converts it and check finds nothing; a struct page use no
rule converts stops apply at the first step after 15, naming the function.

The inserted functions are the kind new kernels bring: a free list built
by hand, a debug helper that looks at a table through its struct page, a
helper next to a pm ops initialiser that spatch 1.1.1 could not parse."""

import re
import subprocess
import sys

import pytest

from conftest import ROOT
from ipm import bases

pytestmark = pytest.mark.kernel

TOOL = [sys.executable, str(ROOT / "scripts" / "apply-series.py")]

# (file, text inserted before the line that starts with ANCHOR, anchor)
INSERTS = [
    ("drivers/iommu/amd/io_pgtable.c", """\
static void __maybe_unused free_pt_pair(u64 *pt, u64 *pt2)
{
	LIST_HEAD(freelist);

	list_add_tail(&virt_to_page(pt)->lru, &freelist);
	list_add_tail(&virt_to_page(pt2)->lru, &freelist);
	if (!list_empty(&freelist))
		iommu_put_pages_list(&freelist);
}

""", "static void free_pt_lvl("),
    ("drivers/iommu/intel/iommu.c", """\
static void __maybe_unused dmar_domain_dump_pgd(struct dmar_domain *domain)
{
	struct page *pg = virt_to_page(domain->pgd);

	pr_debug("pgd %p pfn 0x%lx\\n", page_address(pg), page_to_pfn(pg));
	pr_debug("pgd pfn 0x%lx\\n", page_to_pfn(virt_to_page(domain->pgd)));
}

""", "static void dma_pte_clear_level("),
    ("drivers/iommu/rockchip-iommu.c", """\
static void __maybe_unused rk_iommu_dump_dt(struct rk_iommu_domain *rk_domain)
{
	pr_debug("dt pfn 0x%lx\\n", page_to_pfn(virt_to_page(rk_domain->dt)));
}

static void __maybe_unused rk_iommu_free_scratch(u32 *p)
{
	iommu_free_page(p);
}

""", "static int __maybe_unused rk_iommu_suspend("),
]

# What each inserted function becomes.
WANT = {
    "drivers/iommu/amd/io_pgtable.c": [
        "\tstruct iommu_pages_list freelist = IOMMU_PAGES_LIST_INIT(freelist);",
        "\tiommu_pages_list_add(&freelist, pt);",
        "\tiommu_pages_list_add(&freelist, pt2);",
        "\tif (!iommu_pages_list_empty(&freelist))"],
    "drivers/iommu/intel/iommu.c": [
        "\tvoid *pg = domain->pgd;",
        '\tpr_debug("pgd %p pfn 0x%lx\\n", pg, PHYS_PFN(virt_to_phys(pg)));',
        '\tpr_debug("pgd pfn 0x%lx\\n", PHYS_PFN(virt_to_phys(domain->pgd)));'],
    "drivers/iommu/rockchip-iommu.c": [
        '\tpr_debug("dt pfn 0x%lx\\n", PHYS_PFN(virt_to_phys(rk_domain->dt)));',
        "\tiommu_free_pages(p);"],
}


def insert(tree, rel, text, anchor):
    p = tree / rel
    src = p.read_text()
    i = src.index("\n" + anchor) + 1
    p.write_text(src[:i] + text + src[i:])


def tool(*args):
    return subprocess.run([*TOOL, *map(str, args)], capture_output=True, text=True)


@pytest.fixture(scope="module")
def base():
    return bases.pristine("6.12", print)


def test_inserted_variants_are_converted_and_check_passes(base, tmp_path):
    tree = bases.copy("6.12", tmp_path / "linux", print)
    for rel, text, anchor in INSERTS:
        insert(tree, rel, text, anchor)
    p = tool("apply", tree)
    assert p.returncode == 0, p.stdout + p.stderr
    for rel, lines in WANT.items():
        got = (tree / rel).read_text().split("\n")
        for line in lines:
            assert line in got, f"{rel}: missing {line!r}"
    p = tool("check", tree)
    assert p.returncode == 0, p.stdout[-3000:]
    assert "summary: 0 finding(s)" in p.stdout


def test_struct_page_use_no_rule_converts_stops_apply(base, tmp_path):
    tree = bases.copy("6.12", tmp_path / "linux", print)
    insert(tree, "drivers/iommu/intel/iommu.c", """\
static void __maybe_unused dmar_domain_dirty_pgd(struct dmar_domain *domain)
{
	set_page_dirty(virt_to_page(domain->pgd));
}

""", "static void dma_pte_clear_level(")
    before = (tree / "drivers/iommu/intel/iommu.c").read_bytes()
    p = tool("apply", tree)
    assert p.returncode != 0
    err = p.stderr.splitlines()
    assert err[0] == ("apply-series: error: step 16-amd-kvalloc: 1 struct page use(s) "
                      "of iommu-pages memory not converted by any rule:")
    assert re.fullmatch(
        r"  drivers/iommu/intel/iommu\.c:\d+: dmar_domain_dirty_pgd: "
        r"set_page_dirty\(virt_to_page\(domain->pgd\)\); \(struct page use of "
        r"iommu-pages memory, virt_to_page: the struct page is passed to "
        r"set_page_dirty\(\), a function outside drivers/iommu\)", err[1]), err[1]
    assert (tree / "drivers/iommu/intel/iommu.c").read_bytes() == before

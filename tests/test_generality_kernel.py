"""Code that 6.12 does not have, added to real 6.12 drivers (marker
'kernel'): apply converts it, check finds nothing and verify builds it; a
struct page use no rule converts stops apply at the first step after 15,
naming the function.

The new functions are the kind new kernels bring, inserted among a
driver's functions (INSERTS) or appended to its end (VARIANTS): a free
list built by hand, a debug helper that looks at a table through its
struct page, a helper next to a pm ops initialiser that spatch 1.1.1 could
not parse, orders written as constants, expressions and a get_order()
local that is also used for something else, a node and gfp given as
expressions, a driver-local macro."""

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

static void __maybe_unused rk_iommu_free_spare(u32 *p)
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
        "\tvoid *pgd = domain->pgd;",
        '\tpr_debug("pgd %p pfn 0x%lx\\n", pgd, PHYS_PFN(virt_to_phys(pgd)));',
        '\tpr_debug("pgd pfn 0x%lx\\n", PHYS_PFN(virt_to_phys(domain->pgd)));'],
    "drivers/iommu/rockchip-iommu.c": [
        '\tpr_debug("dt pfn 0x%lx\\n", PHYS_PFN(virt_to_phys(rk_domain->dt)));',
        "\tiommu_free_pages(p);"],
}


# New code of the kind a later -rc brings, appended to real drivers: each
# entry is (file, code appended, lines the applied file must contain).
VARIANTS = [
    ("drivers/iommu/rockchip-iommu.c",
     "\nstatic u32 __maybe_unused *rk_iommu_alloc_scratch(void)\n{\n"
     "\treturn iommu_alloc_page(GFP_KERNEL);\n}\n\n"
     "static void __maybe_unused rk_iommu_free_scratch(u32 *p)\n{\n\tiommu_free_page(p);\n}\n",
     ["\treturn iommu_alloc_pages_sz(GFP_KERNEL, PAGE_SIZE);",
      "\tiommu_free_pages(p);"]),
    ("drivers/iommu/exynos-iommu.c",
     "\nstatic void __maybe_unused *exynos_alloc_four(void)\n{\n"
     "\tvoid *p = iommu_alloc_pages(GFP_KERNEL, 1 + 1);\n\n"
     "\tif (p)\n\t\tiommu_free_pages(p, 1 + 1);\n\treturn p;\n}\n"
     "\nstatic void __maybe_unused *exynos_alloc_order(gfp_t gfp, int order)\n{\n"
     "\treturn iommu_alloc_pages(gfp, order);\n}\n",
     ["\tvoid *p = iommu_alloc_pages_sz(GFP_KERNEL, PAGE_SIZE << (1 + 1));",
      "\t\tiommu_free_pages(p);",
      "\treturn iommu_alloc_pages_sz(gfp, PAGE_SIZE << order);"]),
    ("drivers/iommu/intel/iommu.c",
     "\nstatic void __maybe_unused *intel_alloc_ring(int nid, gfp_t gfp)\n{\n"
     "\treturn iommu_alloc_pages_node(nid, gfp, 2);\n}\n",
     ["\treturn iommu_alloc_pages_node_sz(nid, gfp, PAGE_SIZE << 2);"]),
    ("drivers/iommu/amd/init.c",
     "\nstatic int __maybe_unused amd_ring_init(struct amd_iommu *iommu, size_t size,\n"
     "\t\t\t\t\t u32 *entries)\n{\n"
     "\tint order = get_order(size);\n\tvoid *ring;\n\n"
     "\tring = iommu_alloc_pages(GFP_KERNEL, order);\n"
     "\tif (!ring)\n\t\treturn -ENOMEM;\n"
     "\twritel(order, iommu->mmio_base + 0x2000);\n"
     "\t*entries = (1 << order) * PAGE_SIZE / 16;\n"
     "\tiommu_free_pages(ring, order);\n\treturn 0;\n}\n",
     ["\tint order = get_order(size);",
      "\tring = iommu_alloc_pages_sz(GFP_KERNEL, size);",
      "\twritel(order, iommu->mmio_base + 0x2000);",
      "\t*entries = (1 << order) * PAGE_SIZE / 16;",
      "\tiommu_free_pages(ring);"]),
    ("drivers/iommu/sun50i-iommu.c",
     "\nstatic void __maybe_unused *sun50i_alloc_on(struct device *dev, bool atomic)\n{\n"
     "\treturn iommu_alloc_page_node(dev_to_node(dev),\n"
     "\t\t\t\t     atomic ? GFP_ATOMIC : GFP_KERNEL);\n}\n"
     "\nstatic u32 __maybe_unused *sun50i_scratch_table(struct device *dev)\n{\n"
     "\tu32 *t = iommu_alloc_page(GFP_KERNEL);\n\tdma_addr_t dma;\n\n"
     "\tif (!t)\n\t\treturn NULL;\n"
     "\tdma = dma_map_page(dev, virt_to_page(t), 0, PAGE_SIZE, DMA_TO_DEVICE);\n"
     "\tif (dma_mapping_error(dev, dma)) {\n\t\tiommu_free_page(t);\n\t\treturn NULL;\n\t}\n"
     "\tdma_unmap_page(dev, dma, PAGE_SIZE, DMA_TO_DEVICE);\n"
     "\tpr_debug(\"scratch table at %llx\\n\", (u64)page_to_phys(virt_to_page(t)));\n"
     "\treturn t;\n}\n",
     ["PAGE_SIZE);",
      "\tdma = dma_map_single(dev, t, PAGE_SIZE, DMA_TO_DEVICE);",
      "\tdma_unmap_single(dev, dma, PAGE_SIZE, DMA_TO_DEVICE);",
      "\tpr_debug(\"scratch table at %llx\\n\", (u64)virt_to_phys(t));"]),
    ("drivers/iommu/intel/iommu.c",
     "\nstatic void intel_dump_table(struct dma_pte *pt)\n{\n"
     "\tstruct page *page = virt_to_page(pt);\n\n"
     "\tpr_debug(\"table pfn 0x%lx\\n\", page_to_pfn(page));\n}\n"
     "\nstatic void __maybe_unused intel_dump_domain(struct dmar_domain *domain)\n{\n"
     "\tintel_dump_table(domain->pgd);\n}\n"
     "\nstatic void __maybe_unused *intel_alloc_queue(struct intel_iommu *iommu,\n"
     "\t\t\t\t\t\t size_t size)\n{\n"
     "\tint order;\n\n\torder = get_order(size);\n"
     "\treturn iommu_alloc_pages_node(iommu->node, GFP_KERNEL, order);\n}\n",
     ["static void intel_dump_table(struct dma_pte *pt)\n{\n"
      "\tpr_debug(\"table pfn 0x%lx\\n\", PHYS_PFN(virt_to_phys(pt)));\n}",
      "\t\t\t\t\t\t size_t size)\n{\n"
      "\treturn iommu_alloc_pages_node_sz(iommu->node, GFP_KERNEL, size);\n}"]),
    ("drivers/iommu/io-pgtable-arm.c",
     "\n#define arm_lpae_alloc_scratch(gfp)\tiommu_alloc_pages(gfp, 0)\n",
     ["#define arm_lpae_alloc_scratch(gfp)\tiommu_alloc_pages_sz(gfp, PAGE_SIZE)"]),
]


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


def test_new_code_is_converted_checked_and_built(base, tmp_path):
    """INSERTS and VARIANTS in one tree (seven drivers): apply converts every
    form, check finds nothing, and verify builds the result with no new
    sparse warning.  verify builds x86_64 only: its configuration compiles
    all seven drivers (COMPILE_TEST), and a second architecture would add
    a cold build of drivers/iommu to CI for no driver more."""
    tree = bases.copy("6.12", tmp_path / "linux", print)
    for rel, text, anchor in INSERTS:
        insert(tree, rel, text, anchor)
    for rel, code, _ in VARIANTS:
        with open(tree / rel, "a") as f:
            f.write(code)
    p = tool("apply", tree)
    assert p.returncode == 0, p.stdout + p.stderr
    want = {rel: list(lines) for rel, lines in WANT.items()}
    for rel, _, lines in VARIANTS:
        want.setdefault(rel, []).extend(lines)
    for rel, lines in want.items():
        got = (tree / rel).read_text()
        for line in lines:
            assert line in got, f"{rel}: missing {line!r}"
    sun50i = (tree / "drivers/iommu/sun50i-iommu.c").read_text()
    assert "iommu_alloc_pages_node_sz(dev_to_node(dev)" in sun50i
    p = tool("check", tree)
    assert p.returncode == 0, p.stdout[-3000:]
    assert "summary: 0 finding(s)" in p.stdout
    p = tool("verify", tree, "--arch", "x86_64")
    assert p.returncode == 0, p.stdout[-3000:] + p.stderr
    assert "verify: PASS (x86_64)" in p.stdout


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

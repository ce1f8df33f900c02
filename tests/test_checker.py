"""The `check` command: old iommu-pages API and struct page uses.

The fixtures are two mini trees under tests/fixtures/checker/ whose C files
mark, line by line, what the checker must report there (see the README in
that directory).  The pristine 6.12 test compares with the list of findings
verified by reading the kernel code."""

import io
import re
import textwrap

import pytest

from conftest import ROOT
from ipm import checker

FIX = ROOT / "tests" / "fixtures" / "checker"
SCOPE = ("drivers/iommu", "include/linux/iommu.h")
_MARK = re.compile(r"(?://|/\*)\s*((?:finding|allowed):.*?)\s*(?:\*/.*)?$")


def markers(tree):
    """{(path, line, what)} expected as findings and as allowed uses."""
    want = {"finding": set(), "allowed": set()}
    for p in checker.files_in_scope(tree, SCOPE):
        rel = p.relative_to(tree).as_posix()
        for n, line in enumerate(p.read_text().split("\n"), 1):
            m = _MARK.search(line)
            if not m:
                continue
            for part in m.group(1).split(";"):
                kind, _, whats = part.partition(":")
                for w in whats.split(","):
                    want[kind.strip()].add((rel, n, w.strip()))
    return want


def run(tree, **kw):
    out = io.StringIO()
    rc = checker.main(tree, SCOPE, lambda s="": out.write(s + "\n"), **kw)
    return rc, out.getvalue()


@pytest.mark.parametrize("name", ["unconverted", "converted"])
def test_fixture_tree_reports_exactly_the_marked_lines(name):
    tree = FIX / name
    want = markers(tree)
    findings, allowed, _n = checker.scan(tree, SCOPE)
    got_f = {(f.path, f.line, f.what) for f in findings}
    got_a = {(a.path, a.line, a.what) for a in allowed}
    assert sorted(got_f - want["finding"]) == [], "unexpected findings"
    assert sorted(want["finding"] - got_f) == [], "missed findings"
    assert sorted(got_a - want["allowed"]) == [], "unexpected allowed uses"
    assert sorted(want["allowed"] - got_a) == [], "missing allowed uses"


def test_unconverted_tree_covers_every_kind_and_fails():
    want = markers(FIX / "unconverted")["finding"]
    whats = {w for _p, _l, w in want}
    for w in checker.OLD_NAMES + checker.PAGE_CALLS + (
            "iommu_free_pages/2", "iommu_put_pages_list(list_head)",
            "struct page", "->lru", "struct list_head", "LIST_HEAD",
            "LIST_HEAD_INIT", "INIT_LIST_HEAD", "list_splice", "list_empty",
            "list_add_tail"):
        assert w in whats, f"no fixture for {w}"
    rc, out = run(FIX / "unconverted")
    assert rc == 1
    assert out.index("findings") < out.index("allowed (unrelated") < out.index("summary:")


def test_converted_tree_passes_and_still_lists_allowed_uses():
    rc, out = run(FIX / "converted")
    assert rc == 0, out
    assert "findings: none" in out
    assert "drivers/iommu/fq.c:" in out.split("allowed (unrelated")[1]
    assert re.search(r"^summary: 0 finding\(s\)", out, re.M)


def test_findings_only_hides_the_allowed_list():
    rc, out = run(FIX / "unconverted", findings_only=True)
    assert rc == 1 and "allowed (unrelated" not in out
    rc, out = run(FIX / "converted", findings_only=True)
    assert rc == 0 and "allowed (unrelated" not in out
    rc, out = run(FIX / "converted")
    assert rc == 0 and "allowed (unrelated" in out


def test_finding_line_format():
    findings, _a, _n = checker.scan(FIX / "unconverted", SCOPE)
    lines = [str(f) for f in findings]
    assert "drivers/iommu/old_calls.c:31: demo_free: old API call " \
        "(iommu_free_pages with an order)" in lines
    assert any(re.match(r"drivers/iommu/pt_pfn\.c:17: collect: struct page use on "
                        r"iommu-pages memory \(pfn_to_page; via .*pg", s) for s in lines)


def one(text, path="drivers/iommu/x.c", header=None):
    facts = checker.Facts.of_texts([header] if header else [])
    fc = checker.check_file(path, textwrap.dedent(text), facts)
    return ({(f.line, f.what) for f in fc.findings},
            {(a.line, a.what) for a in fc.allowed})


def test_two_argument_free_counts_top_level_commas_across_lines():
    f, _a = one("""\
        #include "iommu-pages.h"
        static void a(struct d *d)
        {
        	iommu_free_pages(pick(d->x,
        			      d->y));
        	iommu_free_pages(d->t,
        			 get_order(max(SZ_4K,
        				       d->size)));
        	iommu_free_pages(
        		d->u, 0
        	);
        }
        """)
    assert f == {(6, "iommu_free_pages/2"), (9, "iommu_free_pages/2")}


def test_new_names_are_distinct_tokens():
    f, _a = one("""\
        static void *a(int nid)
        {
        	void *p = iommu_alloc_pages_node_sz(nid, GFP_KERNEL, SZ_4K);
        	void *q = iommu_alloc_pages_sz(GFP_KERNEL, SZ_8K);
        	iommu_free_pages(p);
        	return q;
        }
        """)
    assert f == set()


def test_put_pages_list_type_decides():
    src = """\
        static void a(struct iommu_pages_list *l, struct list_head *h)
        {
        	iommu_put_pages_list(l);
        	iommu_put_pages_list(h);
        }
        """
    f, _a = one(src, header="struct iommu_pages_list { struct list_head pages; };")
    assert f == {(4, "iommu_put_pages_list(list_head)"), (1, "struct list_head")}
    # a tree without struct iommu_pages_list: every call is the old one
    f, _a = one("static void b(void *x)\n{\n\tiommu_put_pages_list(x);\n}\n")
    assert f == {(3, "iommu_put_pages_list(list_head)")}


def test_struct_page_reached_through_a_helper_parameter():
    f, a = one("""\
        #include <linux/mm.h>
        static void give_back(void *t)
        {
        	iommu_free_pages(t);
        }
        static void drop(unsigned long pfn, struct page *user)
        {
        	struct page *pg = pfn_to_page(pfn);
        	give_back(page_address(pg));
        	put_page(user);
        }
        """)
    assert f == {(8, "struct page"), (8, "pfn_to_page"), (9, "page_address")}
    assert a == {(6, "struct page")}     # the caller's page in the header


def test_core_layout_asserts_are_allowed_other_struct_page_uses_are_not():
    f, a = one("""\
        static_assert(sizeof(struct ioptdesc) <= sizeof(struct page));
        static inline void *bad(struct folio *folio)
        {
        	return page_address(folio_page(folio, 0));
        }
        """, path="drivers/iommu/iommu-pages.c")
    assert f == {(4, "page_address")}
    assert a == {(1, "struct page")}


def test_curated_reason_is_used_and_never_hides_a_finding(tmp_path):
    data = tmp_path / "allowed.toml"
    data.write_text('[[allowed]]\nfile = "drivers/iommu/*"\n'
                    'reason = "curated reason"\n')
    rules = checker.load_rules(data)
    fc = checker.check_file("drivers/iommu/y.c", textwrap.dedent("""\
        static void a(void *t, struct page *p)
        {
        	list_add(&virt_to_page(t)->lru, &x);
        	iommu_free_pages(t);
        }
        """), checker.Facts(), rules)
    assert {(f.line, f.what) for f in fc.findings} == {(3, "virt_to_page"), (3, "->lru")}
    assert [(a.line, a.reason, a.curated) for a in fc.allowed] == \
        [(1, "curated reason", True)]


def test_allowed_file_loads_and_every_entry_has_a_reason():
    rules = checker.load_rules()
    assert rules and all(r.reason and r.file for r in rules)


# ---------------------------------------------------------------------------
# The pristine Debian 6.12 tree

needs_pristine = pytest.mark.kernel


@pytest.fixture(scope="module")
def pristine():
    from ipm import bases
    return bases.pristine("6.12", print)


def expected_6_12():
    out = set()
    for line in (FIX / "linux-6.12.expected").read_text().splitlines():
        if line and not line.startswith("#"):
            out.add(tuple(line.split("\t")))
    return out


@pytest.fixture(scope="module")
def pristine_scan(pristine):
    return checker.scan(pristine, SCOPE)


@needs_pristine
def test_pristine_6_12_findings_are_exactly_the_verified_set(pristine_scan):
    findings, _allowed, _n = pristine_scan
    got = {(f.path, f.function, f.what) for f in findings}
    want = expected_6_12()
    assert sorted(got - want) == [], "unexpected findings"
    assert sorted(want - got) == [], "missed findings"


@needs_pristine
def test_pristine_6_12_covers_the_sites_the_series_converts(pristine_scan):
    findings, _allowed, _n = pristine_scan
    got = {(f.path, f.function, f.what) for f in findings}
    for site in [
        ("drivers/iommu/tegra-smmu.c", "struct tegra_smmu_as", "struct page"),
        ("drivers/iommu/tegra-smmu.c", "tegra_smmu_as_prepare", "dma_map_page"),
        ("drivers/iommu/tegra-smmu.c", "tegra_smmu_pte_put_use", "dma_unmap_page"),
        ("drivers/iommu/tegra-smmu.c", "tegra_smmu_set_pde", "page_address"),
        ("drivers/iommu/tegra-smmu.c", "as_get_pde_page", "__iommu_alloc_pages"),
        ("drivers/iommu/amd/io_pgtable.c", "free_pt_page", "virt_to_page"),
        ("drivers/iommu/amd/io_pgtable.c", "free_pt_page", "->lru"),
        ("drivers/iommu/intel/iommu.c", "dma_pte_list_pagetables", "pfn_to_page"),
        ("drivers/iommu/intel/iommu.c", "dma_pte_list_pagetables", "page_address"),
        ("drivers/iommu/intel/iommu.c", "domain_unmap", "->lru"),
        ("drivers/iommu/dma-iommu.c", "struct iova_fq_entry", "struct list_head"),
        ("drivers/iommu/dma-iommu.c", "fq_ring_free_locked",
         "iommu_put_pages_list(list_head)"),
        ("include/linux/iommu.h", "struct iommu_iotlb_gather", "struct list_head"),
        ("drivers/iommu/iommu-pages.h", "iommu_free_pages", "iommu_free_pages/2"),
        ("drivers/iommu/exynos-iommu.c", "exynos_iommu_domain_free", "iommu_free_pages/2"),
        ("drivers/iommu/rockchip-iommu.c", "rk_iommu_domain_free", "iommu_free_page"),
        ("drivers/iommu/sun50i-iommu.c", "sun50i_iommu_domain_alloc_paging",
         "iommu_alloc_pages"),
        ("drivers/iommu/io-pgtable-arm.c", "__arm_lpae_alloc_pages",
         "iommu_alloc_pages_node"),
        ("drivers/iommu/io-pgtable-dart.c", "__dart_alloc_pages", "iommu_alloc_pages"),
    ]:
        assert site in got, site


@needs_pristine
def test_pristine_6_12_unrelated_uses_are_allowed_with_reasons(pristine_scan):
    findings, allowed, _n = pristine_scan
    flagged = {f.path for f in findings if f.kind == "struct-page"}
    for path in ("drivers/iommu/fsl_pamu.c", "drivers/iommu/iommufd/pages.c",
                 "drivers/iommu/iommufd/io_pagetable.h",
                 "drivers/iommu/iommufd/iova_bitmap.c", "drivers/iommu/intel/iommu.h"):
        assert path not in flagged
    # dma-iommu: its free lists are findings, its DMA API pages are not
    assert not any(f.path == "drivers/iommu/dma-iommu.c" and f.kind == "struct-page"
                   for f in findings)
    by_file = {}
    for a in allowed:
        by_file.setdefault(a.path, []).append(a)
    for path in ("drivers/iommu/dma-iommu.c", "drivers/iommu/iommufd/pages.c",
                 "drivers/iommu/iommufd/io_pagetable.h",
                 "drivers/iommu/iommufd/iova_bitmap.c", "drivers/iommu/fsl_pamu.c",
                 "drivers/iommu/intel/iommu.h"):
        assert by_file.get(path), f"{path}: not in the allowed list"
        assert all(a.curated and a.reason for a in by_file[path]), path
    dma = {(a.function, a.what) for a in by_file["drivers/iommu/dma-iommu.c"]}
    assert ("iommu_dma_map_page", "struct page") in dma
    assert ("iommu_dma_alloc_pages", "page_address") in dma


@needs_pristine
def test_pristine_6_12_exit_code_and_summary(pristine):
    rc, out = run(pristine)
    assert rc == 1
    assert re.search(r"^summary: \d+ finding", out, re.M)

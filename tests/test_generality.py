"""Generality of apply: struct page uses left behind, and files spatch
cannot fully parse.

apply must never finish with a struct page use of iommu-pages memory that
check would report: every step after the allocator stops handing out
struct pages (step 15) fails while one is left, and says which function
and why no rule converted it."""

import dataclasses
import re
import subprocess

import pytest

from ipm import manifest, runner, spatch
from ipm.errors import ToolError, EXIT_FINDINGS

SCOPE = ("drivers/iommu", "include/linux/iommu.h")

HEADER = """\
struct iommu_pages_list {
	struct list_head pages;
};
"""

DRIVER = """\
// SPDX-License-Identifier: GPL-2.0-only
#include "iommu-pages.h"

struct foo_domain {
	u64 *pgd;
};

static int foo_init(struct foo_domain *domain)
{
	domain->pgd = iommu_alloc_pages_sz(GFP_KERNEL, SZ_4K);
	return domain->pgd ? 0 : -ENOMEM;
}

static void foo_mark(struct foo_domain *domain)
{
	set_page_dirty(virt_to_page(domain->pgd));
}

static void foo_free(struct foo_domain *domain)
{
	iommu_free_pages(domain->pgd);
}
"""


def tree(tmp_path, driver):
    (tmp_path / "include/linux").mkdir(parents=True)
    (tmp_path / "include/linux/iommu.h").write_text(HEADER)
    (tmp_path / "drivers/iommu").mkdir(parents=True)
    (tmp_path / "drivers/iommu/foo.c").write_text(driver)
    return tmp_path


def step(number):
    return manifest.Step(number, "s", "subject", "ready", (), (), (), "m\n")


def test_struct_page_left_fails_a_late_step(tmp_path):
    t = tree(tmp_path, DRIVER)
    with pytest.raises(ToolError) as e:
        runner.run_step(step(16), t, SCOPE)
    assert e.value.code == EXIT_FINDINGS
    lines = str(e.value).splitlines()
    assert lines[0] == ("step 16-s: 1 struct page use(s) of iommu-pages memory "
                        "not converted by any rule:")
    assert lines[1] == (
        "  drivers/iommu/foo.c:16: foo_mark: set_page_dirty(virt_to_page(domain->pgd)); "
        "(struct page use of iommu-pages memory, virt_to_page: the struct page is "
        "passed to set_page_dirty(), a function outside drivers/iommu)")


def test_struct_page_gate_starts_after_step_15(tmp_path):
    t = tree(tmp_path, DRIVER)
    runner.run_step(step(15), t, SCOPE)
    # and resume's probe of a step does not test it
    runner.run_step(step(16), t, SCOPE, struct_page_gate=False)


def test_struct_page_use_explained_without_a_callee(tmp_path):
    t = tree(tmp_path, DRIVER.replace(
        "set_page_dirty(virt_to_page(domain->pgd));",
        "struct page *pg = virt_to_page(domain->pgd);\n\n\tpg->private = 0;"))
    with pytest.raises(ToolError) as e:
        runner.run_step(step(23), t, SCOPE)
    assert "foo_mark: struct page *pg = virt_to_page(domain->pgd); (struct page use " \
        "of iommu-pages memory, virt_to_page: no rule converts this use of " \
        "virt_to_page on iommu-pages memory)" in str(e.value)


def test_no_struct_page_use_passes(tmp_path):
    t = tree(tmp_path, DRIVER.replace(
        "set_page_dirty(virt_to_page(domain->pgd));", "domain->pgd[0] = 0;"))
    res = runner.run_step(step(23), t, SCOPE)
    assert not res.changes


# --- files spatch cannot fully parse ---------------------------------------

# asm goto is GNU C that spatch 1.1.1 cannot parse (it skips the function);
# the pm ops initialiser parses only with cocci/parsing_hacks.h.
PARSE = """\
// SPDX-License-Identifier: GPL-2.0-only
#include "iommu-pages.h"

static void baz_free_tables(struct baz_domain *dom)
{
	asm goto("" :::: out);
	iommu_free_page(dom->pgd);
out:
	return;
}

static void *__maybe_unused baz_alloc_scratch(void)
{
	return iommu_alloc_page(GFP_KERNEL);
}

static int __maybe_unused baz_suspend(struct device *dev)
{
	return 0;
}

static int __maybe_unused baz_resume(struct device *dev)
{
	return 0;
}

static const struct dev_pm_ops baz_pm_ops = {
	SET_RUNTIME_PM_OPS(baz_suspend, baz_resume, NULL)
	SET_SYSTEM_SLEEP_PM_OPS(pm_runtime_force_suspend,
				pm_runtime_force_resume)
};
"""


def test_leftover_names_the_function_spatch_could_not_parse(tmp_path):
    t = tree(tmp_path, PARSE)
    s = dataclasses.replace(step(20), gone=(re.compile(r"\biommu_(alloc|free)_page\("),))
    with pytest.raises(ToolError) as e:
        runner.run_step(s, t, SCOPE)
    lines = str(e.value).splitlines()
    assert lines[1:] == [
        "  drivers/iommu/foo.c:7: baz_free_tables: iommu_free_page(dom->pgd); "
        "(spatch could not parse baz_free_tables: parse error at line 6; no rule "
        "sees this function (a macro for cocci/parsing_hacks.h?))",
        "  drivers/iommu/foo.c:14: baz_alloc_scratch: return iommu_alloc_page(GFP_KERNEL); "
        "(spatch parsed baz_alloc_scratch: no rule converts this form; the file's "
        "parse errors are elsewhere (line 6 in baz_free_tables))"]


def test_pm_ops_parse_with_the_project_macros(tmp_path):
    src = tmp_path / "pm.c"
    src.write_text(PARSE.replace('\tasm goto("" :::: out);\n', ""))
    assert spatch.unparsed_regions(src.name, tmp_path) == []
    # without the project's macros the initialiser does not parse
    p = subprocess.run(["spatch", "--parse-c", str(src)], capture_output=True, text=True)
    assert "BAD:!!!!! \tSET_SYSTEM_SLEEP_PM_OPS" in p.stdout + p.stderr


def test_gone_paths_limit_a_driver_steps_leftovers(tmp_path):
    """A form that a driver's step converts, in another driver, is a later
    step's: step 09 (riscv) must not fail on new amd code."""
    t = tree(tmp_path, DRIVER)
    riscv = t / "drivers/iommu/riscv"
    riscv.mkdir()
    (riscv / "iommu.c").write_text("static void f(void)\n{\n}\n")
    s = dataclasses.replace(step(9), gone=(re.compile(r"\bvirt_to_page\("),),
                            gone_paths=("drivers/iommu/riscv/",))
    runner.run_step(s, t, SCOPE)
    (riscv / "iommu.c").write_text("static void f(void *p)\n{\n\tvirt_to_page(p);\n}\n")
    with pytest.raises(ToolError) as e:
        runner.run_step(s, t, SCOPE)
    assert "drivers/iommu/riscv/iommu.c:3: f: virt_to_page(p);" in str(e.value)
    assert "foo.c" not in str(e.value)


def test_series_scopes_the_driver_steps_leftovers():
    steps = manifest.load().steps
    assert steps[0].gone_paths == steps[1].gone_paths == ("drivers/iommu/tegra-smmu.c",)
    assert steps[8].gone_paths == ("drivers/iommu/riscv/",)
    assert steps[9].gone_paths == ("drivers/iommu/amd/",)
    assert steps[10].gone_paths == ()


# --- the real steps on new driver code ---------------------------------------

def series_step(number):
    """Step NUMBER of series.toml without its hand patches (they patch the
    real iommu-pages.h, which these small trees do not have)."""
    return dataclasses.replace(manifest.load().steps[number - 1], patches=())


def step_11_refuses(tmp_path, driver):
    """The lines of step 11's error on a tree whose foo.c is DRIVER, which
    the step must leave as it was."""
    t = tree(tmp_path, driver)
    with pytest.raises(ToolError) as e:
        runner.run_step(series_step(11), t, SCOPE)
    assert (t / "drivers/iommu/foo.c").read_text() == driver
    return str(e.value).splitlines()


OLD_RAW = """\
// SPDX-License-Identifier: GPL-2.0-only
#include "iommu-pages.h"

static struct page *raw_alloc(gfp_t gfp)
{
	return __iommu_alloc_pages(gfp, 0);
}

static void raw_free(struct page *p)
{
	__iommu_free_pages(p, 0);
}
"""


def test_internal_api_outside_tegra_is_refused_with_its_reason(tmp_path):
    """Steps 01 and 02 convert tegra-smmu only: __iommu_alloc_pages() in
    another driver passes them and is refused by step 03, which says why."""
    t = tree(tmp_path, OLD_RAW)
    runner.run_step(series_step(1), t, SCOPE)
    runner.run_step(series_step(2), t, SCOPE)
    with pytest.raises(ToolError) as e:
        runner.run_step(series_step(3), t, SCOPE)
    lines = str(e.value).splitlines()
    assert lines[1].startswith(
        "  drivers/iommu/foo.c:6: raw_alloc: return __iommu_alloc_pages(gfp, 0); "
        "(cannot be converted: __iommu_alloc_pages() returns a struct page"), lines
    assert lines[2].startswith(
        "  drivers/iommu/foo.c:11: raw_free: __iommu_free_pages(p, 0); "
        "(cannot be converted: __iommu_free_pages() is given a struct page"), lines


ORDER_HELPER = """\
// SPDX-License-Identifier: GPL-2.0-only
#include "iommu-pages.h"

static void *tbl_alloc(gfp_t gfp, int order)
{
	return iommu_alloc_pages(gfp, order);
}
"""


def test_an_order_parameter_is_left_to_step_20(tmp_path):
    """Step 19 passes byte sizes where a driver has one; an order that is a
    parameter is not one, and step 20 turns it into PAGE_SIZE << order."""
    t = tree(tmp_path, ORDER_HELPER)
    runner.run_step(series_step(19), t, SCOPE)
    assert (t / "drivers/iommu/foo.c").read_text() == ORDER_HELPER
    runner.run_step(series_step(20), t, SCOPE)
    assert "\treturn iommu_alloc_pages_sz(gfp, PAGE_SIZE << order);\n" in \
        (t / "drivers/iommu/foo.c").read_text()


MOVED = """\
// SPDX-License-Identifier: GPL-2.0-only
#include "iommu-pages.h"

static void mv_collect(u64 *pt, u64 *pt2)
{
	LIST_HEAD(freelist);

	list_add_tail(&virt_to_page(pt)->lru, &freelist);
	list_move(&virt_to_page(pt2)->lru, &freelist);
	iommu_put_pages_list(&freelist);
}
"""


def test_a_table_moved_between_lists_is_refused_with_its_reason(tmp_path):
    lines = step_11_refuses(tmp_path, MOVED)
    assert lines[2] == (
        "  drivers/iommu/foo.c:9: mv_collect: list_move(&virt_to_page(pt2)->lru, "
        "&freelist); (cannot be converted: list_move() first takes the table off "
        "the list it is on, and struct iommu_pages_list has no helper that removes "
        "a table from a list: the lists it moves tables between, and every list "
        "joined to them, stay list_heads)"), lines


# Lists that stay list_heads for a reason the free-list rule knows: it
# says it for each entry put on them (free-lists.cocci's explain()).
KEPT_LISTS = """\
// SPDX-License-Identifier: GPL-2.0-only
#include "iommu-pages.h"

static void kl_walk(struct list_head *freelist)
{
	struct page *page, *next;

	list_for_each_entry_safe(page, next, freelist, lru)
		iommu_free_pages(page_address(page));
}

static void kl_unmap_walked(u64 *pt)
{
	LIST_HEAD(freelist);

	list_add(&virt_to_page(pt)->lru, &freelist);
	kl_walk(&freelist);
}

void kl_queue(u64 *pt, struct list_head *freelist)
{
	list_add_tail(&virt_to_page(pt)->lru, freelist);
}

static void kl_unmap_queued(u64 *pt)
{
	LIST_HEAD(freelist);

	kl_queue(pt, &freelist);
	iommu_put_pages_list(&freelist);
}

static void kl_unmap_tested(u64 *pt)
{
	LIST_HEAD(pages);

	list_add(&virt_to_page(pt)->lru, &pages);
	if (list_is_singular(&pages))
		pr_debug("one table\\n");
	iommu_put_pages_list(&pages);
}
"""


def test_a_list_that_stays_a_list_head_says_why(tmp_path):
    lines = step_11_refuses(tmp_path, KEPT_LISTS)
    assert lines[1:] == [
        "  drivers/iommu/foo.c:16: kl_unmap_walked: list_add(&virt_to_page(pt)->lru, "
        "&freelist); (cannot be converted: the list freelist of kl_unmap_walked() "
        "never reaches iommu_put_pages_list() or iommu_pages_list_add() in the "
        "files this step sees: its tables are freed another way, which no rule "
        "rewrites)",
        "  drivers/iommu/foo.c:22: kl_queue: list_add_tail(&virt_to_page(pt)->lru, "
        "freelist); (cannot be converted: the list freelist of kl_queue() is a "
        "parameter of kl_queue(), which is not static (callers in other files may "
        "pass any list_head))",
        "  drivers/iommu/foo.c:37: kl_unmap_tested: list_add(&virt_to_page(pt)->lru, "
        "&pages); (cannot be converted: the list pages of kl_unmap_tested() is used "
        "at drivers/iommu/foo.c:38 (kl_unmap_tested: if (list_is_singular(&pages))), "
        "which struct iommu_pages_list cannot express; the lists joined to it stay "
        "list_heads too)"], lines


def test_a_file_without_the_list_api_is_explained_too(tmp_path):
    """No call of iommu_put_pages_list() in the file: the rule still sees
    it (gate and prefilter), to say why."""
    walked = KEPT_LISTS[:KEPT_LISTS.index("void kl_queue")]
    lines = step_11_refuses(tmp_path, walked)
    assert "never reaches iommu_put_pages_list()" in lines[1], lines


DEBUG_TABLE = """\
// SPDX-License-Identifier: GPL-2.0-only
#include "iommu-pages.h"

static void dt_show(u64 *pt)
{
	pr_debug("pfn %lx\\n", page_to_pfn(virt_to_page(pt)));
}

void dt_init(struct dt_domain *d)
{
	d->pgd = iommu_alloc_pages_sz(GFP_KERNEL, SZ_4K);
	dt_show(d->pgd);
}
"""


def test_a_step_whose_rules_change_a_driver_says_so_in_its_message(tmp_path):
    """Step 13 changes no driver on 6.12, and its message does not speak of
    drivers; where its rule changes one, the commit says what it did."""
    from ipm import mailout
    s13 = series_step(13)
    res = runner.run_step(s13, tree(tmp_path, DEBUG_TABLE), SCOPE)
    assert res.by_rules == ("drivers/iommu/foo.c",)
    assert "PHYS_PFN(virt_to_phys(pt))" in (tmp_path / "drivers/iommu/foo.c").read_text()
    msg = mailout.message(s13, res)
    assert msg.startswith(s13.message) and msg != s13.message
    assert msg.endswith("\n\nDrivers that look up the struct page of a table only to get back its\n"
                        "address, its page frame number or its physical address, or to map it for\n"
                        "DMA, use the table's address instead: page_address() of it is the table\n"
                        "itself, page_to_pfn() and page_to_phys() become PHYS_PFN(virt_to_phys())\n"
                        "and virt_to_phys(), and a dma_map_page() of it at offset 0 becomes\n"
                        "dma_map_single(), unmapped with dma_unmap_single().\n"), msg
    res = runner.run_step(s13, tree(tmp_path / "plain", DRIVER.replace(
        "set_page_dirty(virt_to_page(domain->pgd));", "")), SCOPE)
    assert res.by_rules == () and mailout.message(s13, res) == s13.message


JOINED_TO_EXPORTED = """\
// SPDX-License-Identifier: GPL-2.0-only
#include "iommu-pages.h"

void je_flush(struct list_head *freelist)
{
	iommu_put_pages_list(freelist);
}

static void je_unmap(u64 *pt)
{
	LIST_HEAD(freelist);

	list_add(&virt_to_page(pt)->lru, &freelist);
	je_flush(&freelist);
}
"""


def test_a_list_joined_to_a_non_static_parameter_says_which(tmp_path):
    assert step_11_refuses(tmp_path, JOINED_TO_EXPORTED)[1] == (
        "  drivers/iommu/foo.c:13: je_unmap: list_add(&virt_to_page(pt)->lru, "
        "&freelist); (cannot be converted: the list freelist of je_unmap() is "
        "joined to the list freelist of je_flush(), a parameter of je_flush(), "
        "which is not static (callers in other files may pass any list_head))")

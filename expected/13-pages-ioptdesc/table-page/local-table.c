// SPDX-License-Identifier: GPL-2.0-only
/* A local table, its page taken for the frame number only. */
static int baz_probe_table(void)
{
	void *t = iommu_alloc_page(GFP_KERNEL);
	struct page *p;

	if (!t)
		return -ENOMEM;
	p = NULL;
	pr_info("%lx\n", PHYS_PFN(virt_to_phys(t)) + 1);
	iommu_free_page(t);
	return 0;
}

static void baz_show(u32 *table)
{
	pr_info("table at %p, pfn %lx\n", table,
		PHYS_PFN(virt_to_phys(table)));
	iommu_free_pages(table, 0);
}

// SPDX-License-Identifier: GPL-2.0-only
/* A table parameter that the function frees: iommu-pages memory. */
static void pt_release(struct pt_dev *d, u64 *table)
{
	dev_dbg(d->dev, "releasing table at pfn %lx\n",
		PHYS_PFN(virt_to_phys(table)));
	iommu_free_pages(table, 0);
}

/* The same shape on a table freed elsewhere: not known here. */
static void pt_show(struct pt_dev *d, u64 *table)
{
	dev_dbg(d->dev, "table at pfn %lx\n", page_to_pfn(virt_to_page(table)));
}

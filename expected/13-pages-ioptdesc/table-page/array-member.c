// SPDX-License-Identifier: GPL-2.0-only
/* Tables in an array member and a table behind a cast: left alone. */
struct am_domain {
	u64 *tables[4];
	u64 *root;
};

static void am_free(struct am_domain *dom, int i)
{
	iommu_free_page(dom->tables[i]);
	iommu_free_page(dom->root);
}

static unsigned long am_pfn(struct am_domain *dom, int i)
{
	return page_to_pfn(virt_to_page(dom->tables[i]));
}

static void *am_root(struct am_domain *dom)
{
	return page_address(virt_to_page((void *)dom->root + 8));
}

// SPDX-License-Identifier: GPL-2.0-only
/* The page looked up and left again in one expression. */
struct bar_domain {
	u32 *dt;
};

static void bar_domain_free(struct bar_domain *dom)
{
	iommu_free_page(dom->dt);
}

static unsigned long bar_dt_pfn(struct bar_domain *dom)
{
	return PHYS_PFN(virt_to_phys(dom->dt));
}

static void *bar_dt_addr(struct bar_domain *dom)
{
	return dom->dt;
}

static u64 bar_dt_entry(struct bar_domain *dom)
{
	return (u64)PHYS_PFN(virt_to_phys(dom->dt)) << PAGE_SHIFT | 1;
}

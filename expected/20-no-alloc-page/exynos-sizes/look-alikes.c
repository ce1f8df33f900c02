// SPDX-License-Identifier: GPL-2.0-only
/*
 * Fixture: look-alikes of the exynos allocations: the same member names in
 * another driver's domain, and an exynos domain whose orders are not the
 * ones the rule knows the sizes of.
 */
#include <linux/slab.h>

#include "iommu-pages.h"

struct exynos_iommu_domain {
	u32 *pgtable;
	short *lv2entcnt;
};

struct fx_domain {
	u32 *pgtable;
	short *lv2entcnt;
};

static int fx_other_driver(struct fx_domain *domain)
{
	domain->pgtable = iommu_alloc_pages(GFP_KERNEL, 2);
	domain->lv2entcnt = iommu_alloc_pages(GFP_KERNEL, 1);
	return domain->pgtable && domain->lv2entcnt ? 0 : -ENOMEM;
}

static int fx_other_orders(struct exynos_iommu_domain *domain)
{
	domain->pgtable = iommu_alloc_pages(GFP_KERNEL, 3);
	domain->lv2entcnt = iommu_alloc_pages(GFP_KERNEL, 0);
	return domain->pgtable && domain->lv2entcnt ? 0 : -ENOMEM;
}

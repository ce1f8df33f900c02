// SPDX-License-Identifier: GPL-2.0-only
/*
 * Fixture: an exynos sysmmu domain allocating its 16KiB first-level table
 * (order 2) and its 8KiB array of free-entry counters (order 1).
 */
#include <linux/slab.h>

#include "iommu-pages.h"

typedef u32 sysmmu_pte_t;

struct exynos_iommu_domain {
	sysmmu_pte_t *pgtable;
	short *lv2entcnt;
};

static struct exynos_iommu_domain *fx_domain_alloc(void)
{
	struct exynos_iommu_domain *domain;

	domain = kzalloc(sizeof(*domain), GFP_KERNEL);
	if (!domain)
		return NULL;

	domain->pgtable = iommu_alloc_pages_sz(GFP_KERNEL, SZ_16K);
	if (!domain->pgtable)
		goto err_pgtable;

	domain->lv2entcnt = iommu_alloc_pages_sz(GFP_KERNEL, SZ_8K);
	if (!domain->lv2entcnt)
		goto err_counter;

	return domain;

err_counter:
	iommu_free_pages(domain->pgtable);
err_pgtable:
	kfree(domain);
	return NULL;
}

// SPDX-License-Identifier: GPL-2.0-only
/*
 * Fixture: 4KiB hardware tables allocated one page at a time on a node: a
 * root table, a context table on demand in atomic context, a page-table
 * level inside a walk and a top-level directory of a domain.
 */
#include <linux/slab.h>

#include "iommu-pages.h"

struct fx_iommu {
	int node;
	u64 *root;
	u64 *context[256];
};

struct fx_domain {
	int nid;
	u64 *pgd;
};

static int fx_alloc_root(struct fx_iommu *iommu)
{
	iommu->root = iommu_alloc_pages_node_sz(iommu->node, GFP_ATOMIC,
						SZ_4K);
	return iommu->root ? 0 : -ENOMEM;
}

static u64 *fx_context(struct fx_iommu *iommu, u8 bus)
{
	if (!iommu->context[bus])
		iommu->context[bus] = iommu_alloc_pages_node_sz(iommu->node,
								GFP_ATOMIC,
								SZ_4K);
	return iommu->context[bus];
}

static u64 *fx_walk(struct fx_domain *domain, u64 *pte, gfp_t gfp)
{
	void *tmp_page;

	if (*pte)
		return (u64 *)(unsigned long)*pte;
	tmp_page = iommu_alloc_pages_node_sz(domain->nid, gfp, SZ_4K);
	if (!tmp_page)
		return NULL;
	*pte = (unsigned long)tmp_page;
	return tmp_page;
}

static int fx_domain_init(struct fx_domain *domain)
{
	domain->pgd = iommu_alloc_pages_node_sz(domain->nid, GFP_KERNEL,
						SZ_4K);
	return domain->pgd ? 0 : -ENOMEM;
}

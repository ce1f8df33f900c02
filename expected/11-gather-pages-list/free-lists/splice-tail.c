// SPDX-License-Identifier: GPL-2.0-only
/*
 * Fixture: a per-domain pending list fed from a local one with
 * list_splice_tail() and list_splice_tail_init(), under #ifdef.
 */
#include "iommu-pages.h"

struct st_domain {
	struct iommu_pages_list pending;
};

static void st_unmap(struct st_domain *dom, u64 *pt)
{
	struct iommu_pages_list freelist;

	freelist = IOMMU_PAGES_LIST_INIT(freelist);
	iommu_pages_list_add(&freelist, pt);
#ifdef CONFIG_ST_LAZY
	iommu_pages_list_splice(&freelist, &dom->pending);
	freelist = IOMMU_PAGES_LIST_INIT(freelist);
#else
	iommu_pages_list_splice(&freelist, &dom->pending);
#endif
}

static void st_sync(struct st_domain *dom)
{
	st_flush(dom);
	iommu_put_pages_list(&dom->pending);
}

// SPDX-License-Identifier: GPL-2.0-only
/*
 * Fixture: a free list added by new code: a local list filled with
 * list_add_tail(&virt_to_page(pt)->lru, &freelist) in one function and
 * through a static helper's list parameter, spliced into a member list,
 * moved with list_add(), and freed after the flush.
 */
#include "iommu-pages.h"

struct nl_domain {
	u64 *pgd;
	struct iommu_pages_list pending;
};

static void nl_queue(struct nl_domain *dom, u64 *pt,
		     struct iommu_pages_list *freelist)
{
	iommu_pages_list_add(freelist, pt);
}

static void nl_unmap(struct nl_domain *dom, u64 *pt, u64 *pt2)
{
	struct iommu_pages_list freelist = IOMMU_PAGES_LIST_INIT(freelist);

	iommu_pages_list_add(&freelist, pt);
	nl_queue(dom, pt2, &freelist);
	if (iommu_pages_list_empty(&freelist))
		return;
	nl_flush(dom);
	iommu_pages_list_splice(&freelist, &dom->pending);
	freelist = IOMMU_PAGES_LIST_INIT(freelist);
}

static void nl_sync(struct nl_domain *dom)
{
	nl_flush(dom);
	iommu_put_pages_list(&dom->pending);
	dom->pending = IOMMU_PAGES_LIST_INIT(dom->pending);
}

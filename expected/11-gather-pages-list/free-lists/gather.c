// SPDX-License-Identifier: GPL-2.0-only
/*
 * Fixture: the iotlb gather and an intel-style driver in one file, as the
 * step sees include/linux/iommu.h and its users when they are run
 * together.  The unmap path walks the tables it unlinks: each table is
 * reached with pfn_to_page() of the address in its parent entry, put on
 * the gather list through its lru field, and read with page_address(); the
 * top directory is queued through virt_to_page().  The sync callback tests
 * the list before the flush and frees it afterwards; the domain teardown
 * uses a list of its own.  One helper is declared before its definition.
 */
#include <linux/list.h>
#include <linux/mm.h>

#include "iommu-pages.h"

struct iommu_iotlb_gather {
	unsigned long		start;
	unsigned long		end;
	struct iommu_pages_list freelist;
	bool			queued;
};

static inline void iommu_iotlb_gather_init(struct iommu_iotlb_gather *gather)
{
	*gather = (struct iommu_iotlb_gather) {
		.start	= ULONG_MAX,
		.freelist = IOMMU_PAGES_LIST_INIT(gather->freelist),
	};
}

static void fx_collect_tables(struct fx_domain *dom, int level,
			      struct fx_pte *pte,
			      struct iommu_pages_list *out)
{
	void *tbl;

	tbl = phys_to_virt(fx_pte_addr(pte));
	iommu_pages_list_add(out, tbl);

	if (level == 1)
		return;

	for (pte = tbl; !fx_last_pte(pte); pte++)
		if (fx_pte_is_table(pte))
			fx_collect_tables(dom, level - 1, pte, out);
}

static void fx_clear_range(struct fx_domain *dom, unsigned long first,
			   unsigned long last, struct iommu_pages_list *out);

static void fx_unmap_range(struct fx_domain *dom, unsigned long first,
			   unsigned long last, struct iommu_pages_list *out)
{
	fx_clear_range(dom, first, last, out);

	if (first == 0 && last == fx_domain_last(dom)) {
		iommu_pages_list_add(out, dom->pgd);
		dom->pgd = NULL;
	}
}

static void fx_clear_range(struct fx_domain *dom, unsigned long first,
			   unsigned long last, struct iommu_pages_list *out)
{
	struct fx_pte *pte = fx_first_pte(dom, first);

	if (fx_covers_table(pte, first, last))
		fx_collect_tables(dom, fx_top_level(dom), pte, out);
}

static size_t fx_unmap(struct fx_domain *dom, unsigned long iova,
		       size_t size, struct iommu_iotlb_gather *gather)
{
	fx_unmap_range(dom, iova, iova + size - 1, &gather->freelist);
	return size;
}

static void fx_sync(struct fx_domain *dom, struct iommu_iotlb_gather *gather)
{
	fx_flush(dom, gather->start, gather->end,
		 iommu_pages_list_empty(&gather->freelist));
	iommu_put_pages_list(&gather->freelist);
}

static void fx_domain_free(struct fx_domain *dom)
{
	if (dom->pgd) {
		struct iommu_pages_list doomed = IOMMU_PAGES_LIST_INIT(doomed);

		fx_unmap_range(dom, 0, fx_domain_last(dom), &doomed);
		iommu_put_pages_list(&doomed);
	}
}

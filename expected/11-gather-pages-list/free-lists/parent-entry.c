// SPDX-License-Identifier: GPL-2.0-only
/*
 * Fixture: a walk whose entry parameter is reassigned to the table the
 * entry points to, after the table is queued through its struct page
 * (intel's dma_pte_list_pagetables() shape).  The parameter becomes the
 * parent entry; the table is a local of the old name.  The second walk
 * reads the parameter after queueing, so it keeps the void * local.
 */
#include "iommu-pages.h"

static void px_list_tables(struct px_domain *dom, int level,
			   struct px_pte *parent_pte,
			   struct iommu_pages_list *freelist)
{
	struct px_pte *pte = phys_to_virt(px_pte_addr(parent_pte));

	iommu_pages_list_add(freelist, pte);

	if (level == 1)
		return;

	do {
		if (px_pte_present(pte))
			px_list_tables(dom, level - 1, pte, freelist);
		pte++;
	} while (!px_first_pte(pte));
}

static void px_list_logged(struct px_domain *dom, struct px_pte *pte,
			   struct iommu_pages_list *freelist)
{
	void *pg;

	pg = phys_to_virt(px_pte_addr(pte));
	iommu_pages_list_add(freelist, pg);
	px_pte_clear(pte);

	pte = pg;
	px_pte_clear(pte);
}

static void px_unmap(struct px_domain *dom, struct px_pte *pte)
{
	struct iommu_pages_list freelist = IOMMU_PAGES_LIST_INIT(freelist);

	px_list_tables(dom, 4, pte, &freelist);
	px_list_logged(dom, pte, &freelist);
	px_flush(dom);
	iommu_put_pages_list(&freelist);
}

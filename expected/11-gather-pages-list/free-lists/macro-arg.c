// SPDX-License-Identifier: GPL-2.0-only
/*
 * Fixture: entries given through a driver macro and an array member, and
 * the list through a pointer to a local.
 */
#include "iommu-pages.h"

#define MA_TABLE(dom, i)	((dom)->tables[(i)])

static void ma_collect(struct ma_domain *dom, struct iommu_pages_list *head)
{
	int i;

	for (i = 0; i < MA_NR_TABLES; i++)
		iommu_pages_list_add(head, MA_TABLE(dom, i));
	iommu_pages_list_add(head, dom->extra[0]);
}

static void ma_teardown(struct ma_domain *dom)
{
	struct iommu_pages_list freelist = IOMMU_PAGES_LIST_INIT(freelist);

	ma_collect(dom, &freelist);
	ma_flush(dom);
	iommu_put_pages_list(&freelist);
}

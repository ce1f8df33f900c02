// SPDX-License-Identifier: GPL-2.0-only
/*
 * Fixture: amd-style code added later: a helper that takes the list
 * first, and a function that queues a table directly, under #ifdef.
 */
#include "iommu-pages.h"

static void nd_free_range(u64 *root, u64 *leaf)
{
	struct iommu_pages_list freelist = IOMMU_PAGES_LIST_INIT(freelist);

	iommu_pages_list_add(&freelist, leaf);
#ifdef CONFIG_ND_ROOT
	iommu_pages_list_add(&freelist, root);
#endif
	nd_flush();
	iommu_put_pages_list(&freelist);
}

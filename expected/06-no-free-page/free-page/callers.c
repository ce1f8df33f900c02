// SPDX-License-Identifier: GPL-2.0-only
/*
 * Fixture: single-page frees through iommu_free_page(): a table, a cast
 * address, a table freed in a loop and on an error path.
 */
#include <linux/mm.h>
#include <linux/slab.h>

#include "iommu-pages.h"

struct fx_iommu {
	u64 *root;
	u64 *cmd_sem;
	u64 *context[256];
};

static int fx_alloc_root(struct fx_iommu *iommu, int node)
{
	iommu->root = iommu_alloc_page_node(node, GFP_KERNEL);
	if (!iommu->root)
		return -ENOMEM;
	iommu->cmd_sem = iommu_alloc_page(GFP_KERNEL);
	if (!iommu->cmd_sem) {
		iommu_free_pages(iommu->root);
		return -ENOMEM;
	}
	return 0;
}

static void fx_free_root(struct fx_iommu *iommu)
{
	int i;

	for (i = 0; i < 256; i++) {
		if (iommu->context[i])
			iommu_free_pages(iommu->context[i]);
	}
	iommu_free_pages((void *)iommu->cmd_sem);
	iommu_free_pages(iommu->root);
}

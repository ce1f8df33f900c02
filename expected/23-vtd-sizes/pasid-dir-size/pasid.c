// SPDX-License-Identifier: GPL-2.0-only
/*
 * Fixture: a PASID directory allocated by a page order that the function
 * keeps using for the number of PASIDs and the flush length.
 */
#include <linux/slab.h>

#include "iommu-pages.h"

#define PASID_PDE_SHIFT 6

struct pasid_dir_entry {
	u64 val;
};

struct fx_pasid_table {
	void *table;
	u32 max_pasid;
};

static int fx_alloc_pasid_table(struct fx_pasid_table *pt, int node,
				u32 max_pasid)
{
	struct pasid_dir_entry *dir;
	u32 size;
	int order;

	size = max_pasid >> (PASID_PDE_SHIFT - 3);
	order = size ? get_order(size) : 0;
	dir = iommu_alloc_pages_node_sz(node, GFP_KERNEL,
					1 << (order + PAGE_SHIFT));
	if (!dir)
		return -ENOMEM;

	pt->table = dir;
	pt->max_pasid = 1 << (order + PAGE_SHIFT + 3);
	clflush_cache_range(pt->table, (1 << order) * PAGE_SIZE);
	return 0;
}

// SPDX-License-Identifier: GPL-2.0-only
/*
 * Fixture: order-based allocations that are not a PASID directory: a PASID
 * entry table (4KiB, converted by another step), a plain u64 table with an
 * order variable, and a PASID directory from another allocator.
 */
#include <linux/slab.h>

#include "iommu-pages.h"

struct pasid_dir_entry {
	u64 val;
};

struct pasid_entry {
	u64 val[8];
};

static void *fx_tables(int node, int order)
{
	struct pasid_entry *entries;
	struct pasid_dir_entry *dir;
	u64 *table;

	entries = iommu_alloc_pages_node(node, GFP_ATOMIC, order);
	table = iommu_alloc_pages_node(node, GFP_KERNEL, order);
	dir = kcalloc(1 << order, PAGE_SIZE, GFP_KERNEL);
	return entries ? (void *)entries : table ? (void *)table : dir;
}

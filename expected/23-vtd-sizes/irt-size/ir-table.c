// SPDX-License-Identifier: GPL-2.0-only
/*
 * Fixture: an interrupt remapping table allocated as 1MiB through
 * INTR_REMAP_PAGE_ORDER, with a comment above it and the error message
 * that prints the order: both must come out byte for byte as they were.
 */
#include <linux/printk.h>
#include <linux/slab.h>

#include "iommu-pages.h"

/* 1MB - maximum possible interrupt remapping table size */
#define INTR_REMAP_PAGE_ORDER	8

struct fx_ir_table {
	void *base;
};

struct fx_iommu {
	int node;
	int seq_id;
	struct fx_ir_table *ir_table;
};

static int fx_setup_ir(struct fx_iommu *iommu)
{
	struct fx_ir_table *ir_table;
	void *ir_table_base;

	ir_table = kzalloc(sizeof(*ir_table), GFP_KERNEL);
	if (!ir_table)
		return -ENOMEM;

	/* one table of INTR_REMAP_TABLE_ENTRIES entries per unit */
	ir_table_base = iommu_alloc_pages_node_sz(iommu->node, GFP_KERNEL,
						  SZ_1M);
	if (!ir_table_base) {
		pr_err("IR%d: failed to allocate pages of order %d\n",
		       iommu->seq_id, INTR_REMAP_PAGE_ORDER);
		kfree(ir_table);
		return -ENOMEM;
	}
	ir_table->base = ir_table_base;
	iommu->ir_table = ir_table;
	return 0;
}

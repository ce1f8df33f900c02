// SPDX-License-Identifier: GPL-2.0-only
/*
 * Fixture: an interrupt remapping table allocated from iommu-pages by a
 * helper that takes a page order, and a caller that computes the order from
 * the table size and uses it for nothing else.
 */
#include <linux/slab.h>
#include <linux/spinlock.h>

#include "iommu-pages.h"

#define DTE_INTTAB_ALIGNMENT	128

struct irq_remap_table {
	raw_spinlock_t lock;
	unsigned int min_index;
	u32 *table;
};

struct fx_iommu {
	int node;
	struct irq_remap_table **irq_lookup;
};

static size_t fx_irq_table_size(int max_irqs, bool ga)
{
	return max_irqs * (ga ? sizeof(u64) * 2 : sizeof(u32));
}

static struct irq_remap_table *fx_alloc_irq_table_mem(int nid, size_t size)
{
	struct irq_remap_table *table;

	table = kzalloc(sizeof(*table), GFP_KERNEL);
	if (!table)
		return NULL;

	table->table = iommu_alloc_pages_node_sz(nid, GFP_KERNEL,
						 max(DTE_INTTAB_ALIGNMENT, size));
	if (!table->table) {
		kfree(table);
		return NULL;
	}
	raw_spin_lock_init(&table->lock);

	return table;
}

static struct irq_remap_table *fx_alloc_irq_table(struct fx_iommu *iommu,
						  u16 devid, int max_irqs,
						  bool ga)
{
	struct irq_remap_table *new_table;
	size_t size = fx_irq_table_size(max_irqs, ga);
	int nid = iommu ? iommu->node : NUMA_NO_NODE;

	if (iommu->irq_lookup[devid])
		return iommu->irq_lookup[devid];

	new_table = fx_alloc_irq_table_mem(nid, size);
	if (!new_table)
		return NULL;

	iommu->irq_lookup[devid] = new_table;
	return new_table;
}

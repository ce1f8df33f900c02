// SPDX-License-Identifier: GPL-2.0-only
/*
 * Fixture: the interrupt remapping table helper of irq-table.c, but one of
 * its two callers also uses the order for something else.  Converting the
 * helper would make that caller pass an order as a size, so nothing in the
 * file may change (the step's check then reports the allocation).
 */
#include <linux/printk.h>
#include <linux/slab.h>
#include <linux/spinlock.h>

#include "iommu-pages.h"

struct irq_remap_table {
	raw_spinlock_t lock;
	u32 *table;
};

static struct irq_remap_table *fx_alloc_irq_table_mem(int nid, int order)
{
	struct irq_remap_table *table;

	table = kzalloc(sizeof(*table), GFP_KERNEL);
	if (!table)
		return NULL;

	table->table = iommu_alloc_pages_node(nid, GFP_KERNEL, order);
	if (!table->table) {
		kfree(table);
		return NULL;
	}
	raw_spin_lock_init(&table->lock);

	return table;
}

static struct irq_remap_table *fx_alloc_small(int nid, int max_irqs)
{
	struct irq_remap_table *table;
	int order = get_order(max_irqs * sizeof(u32));

	table = fx_alloc_irq_table_mem(nid, order);
	return table;
}

static struct irq_remap_table *fx_alloc_logged(int nid, int max_irqs)
{
	struct irq_remap_table *table;
	int order = get_order(max_irqs * sizeof(u64) * 2);

	table = fx_alloc_irq_table_mem(nid, order);
	pr_debug("irq table of order %d\n", order);
	return table;
}

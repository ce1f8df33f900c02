// SPDX-License-Identifier: GPL-2.0-only
/*
 * Fixture: look-alikes the rule must leave alone: an interrupt remapping
 * table from a kmem_cache (no iommu-pages memory, already 128-byte aligned
 * by the cache), and an order-based helper that fills another type.
 */
#include <linux/slab.h>
#include <linux/spinlock.h>

#include "iommu-pages.h"

struct irq_remap_table {
	raw_spinlock_t lock;
	u32 *table;
};

struct fx_ring {
	u64 *table;
};

static struct kmem_cache *fx_irq_cache;

static struct irq_remap_table *fx_alloc_irq_table_cache(void)
{
	struct irq_remap_table *table;

	table = kzalloc(sizeof(*table), GFP_KERNEL);
	if (!table)
		return NULL;

	table->table = kmem_cache_alloc(fx_irq_cache, GFP_KERNEL);
	if (!table->table) {
		kfree(table);
		return NULL;
	}
	raw_spin_lock_init(&table->lock);

	return table;
}

static struct fx_ring *fx_alloc_ring(int nid, int order)
{
	struct fx_ring *ring;

	ring = kzalloc(sizeof(*ring), GFP_KERNEL);
	if (!ring)
		return NULL;

	ring->table = iommu_alloc_pages_node(nid, GFP_KERNEL, order);
	if (!ring->table) {
		kfree(ring);
		return NULL;
	}
	return ring;
}

static struct fx_ring *fx_setup_ring(int nid, size_t bytes)
{
	int order = get_order(bytes);

	return fx_alloc_ring(nid, order);
}

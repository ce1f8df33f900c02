// SPDX-License-Identifier: GPL-2.0-only
/*
 * Fixture: locals that carry an order to iommu_free_pages() and also do
 * something else, so they must stay: size an allocation, split it into 4K
 * mappings, go into a message, derive a size, feed a non-iommu free.  Also
 * a local whose value comes from a call that may have a side effect, one
 * set as the whole body of an if, and an order that is a parameter.
 */
#include <linux/mm.h>
#include <linux/set_memory.h>

#include "iommu-pages.h"

struct fx_dev {
	int node;
	size_t size;
	bool big;
	void *table;
	unsigned long scratch;
};

static int fx_compute_order(struct fx_dev *dev)
{
	return dev->big ? 2 : 0;
}

static void *fx_alloc_pages(struct fx_dev *dev, size_t size)
{
	int order = get_order(size);
	void *pages = iommu_alloc_pages_node(dev->node, GFP_KERNEL, order);

	if (!pages)
		return NULL;
	if (set_memory_4k((unsigned long)pages, 1 << order)) {
		iommu_free_pages(pages, order);
		return NULL;
	}
	return pages;
}

static void fx_free_logged(struct fx_dev *dev)
{
	int order = get_order(dev->size);

	pr_debug("freeing an order %d table\n", order);
	iommu_free_pages(dev->table, order);
}

static void fx_free_both(struct fx_dev *dev)
{
	int order = get_order(dev->size);

	free_pages(dev->scratch, order);
	iommu_free_pages(dev->table, order);
}

static void fx_free_computed(struct fx_dev *dev)
{
	int order = fx_compute_order(dev);

	iommu_free_pages(dev->table, order);
}

static void fx_free_branch(struct fx_dev *dev)
{
	int order = 0;

	if (dev->big)
		order = 2;
	iommu_free_pages(dev->table, order);
}

static void fx_free_param(struct fx_dev *dev, int order)
{
	iommu_free_pages(dev->table, order);
}

static void fx_free_lookalike(struct fx_dev *dev)
{
	int order = get_order(dev->size);

	free_pages(dev->scratch, order);
}

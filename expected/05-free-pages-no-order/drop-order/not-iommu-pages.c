// SPDX-License-Identifier: GPL-2.0-only
/*
 * Fixture: frees that look like iommu_free_pages() but are not: the page
 * allocator's free_pages() and __free_pages(), a driver helper with a
 * similar name, an ops callback, and calls already without an order.
 */
#include <linux/gfp.h>
#include <linux/mm.h>

#include "iommu-pages.h"

struct fx_ops {
	void (*iommu_free_pages)(void *virt, int order);
};

static void foo_free_pages(void *virt, int order)
{
	free_pages((unsigned long)virt, order);
}

static void fx_release(struct fx_ops *ops, struct page *page, void *buf,
		       unsigned long addr, void *table, size_t size)
{
	free_pages(addr, get_order(size));
	__free_pages(page, 2);
	foo_free_pages(buf, get_order(size));
	ops->iommu_free_pages(buf, 1);
	iommu_free_pages(table);
}

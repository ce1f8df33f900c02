// SPDX-License-Identifier: GPL-2.0-only
/*
 * Fixture: frees that are not iommu_free_page(): the page allocator's
 * free_page(), a driver helper with a longer name, an ops callback and a
 * call that already uses iommu_free_pages().
 */
#include <linux/gfp.h>

#include "iommu-pages.h"

struct fx_ops {
	void (*iommu_free_page)(void *virt);
};

static void fx_iommu_free_page(void *virt)
{
	free_page((unsigned long)virt);
}

static void fx_release(struct fx_ops *ops, unsigned long addr, void *buf,
		       void *table)
{
	free_page(addr);
	fx_iommu_free_page(buf);
	ops->iommu_free_page(buf);
	iommu_free_pages(table);
}

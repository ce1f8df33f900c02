// SPDX-License-Identifier: GPL-2.0-only
/*
 * Fixture: a driver that fills and frees the gather list, matched on its
 * own.  struct iommu_iotlb_gather is declared in include/linux/iommu.h,
 * which is not part of this run: converting the driver without the header
 * would break the build, so the list and everything that reaches it stay.
 * (With the whole scope run together, as series.toml does, they convert.)
 */
#include <linux/iommu.h>
#include <linux/mm.h>

#include "iommu-pages.h"

static void fx_drop_table(u64 *table, struct list_head *out)
{
	list_add_tail(&virt_to_page(table)->lru, out);
}

static size_t fx_unmap(struct fx_domain *dom, unsigned long iova,
		       size_t size, struct iommu_iotlb_gather *gather)
{
	u64 *table = fx_unlink_table(dom, iova);

	if (table)
		fx_drop_table(table, &gather->freelist);
	return size;
}

static void fx_sync(struct fx_domain *dom, struct iommu_iotlb_gather *gather)
{
	if (!list_empty(&gather->freelist))
		fx_flush_all(dom);
	iommu_put_pages_list(&gather->freelist);
}

// SPDX-License-Identifier: GPL-2.0-only
/*
 * Fixture: a device-managed table allocation whose devres record keeps the
 * order only to free the table on release.  The order member, its stores
 * and the order argument go; the order parameter still sizes the
 * allocation.
 */
#include <linux/device.h>
#include <linux/mm.h>

#include "iommu-pages.h"

struct fx_iommu {
	struct device *dev;
};

struct fx_devres {
	void *addr;
};

static void fx_devres_pages_release(struct device *dev, void *res)
{
	struct fx_devres *devres = res;

	iommu_free_pages(devres->addr);
}

static int fx_devres_pages_match(struct device *dev, void *res, void *p)
{
	struct fx_devres *devres = res;
	struct fx_devres *target = p;

	return devres->addr == target->addr;
}

static void *fx_get_pages(struct fx_iommu *iommu, int order)
{
	struct fx_devres *devres;
	void *addr;

	addr = iommu_alloc_pages_node(dev_to_node(iommu->dev),
				      GFP_KERNEL_ACCOUNT, order);
	if (unlikely(!addr))
		return NULL;

	devres = devres_alloc(fx_devres_pages_release,
			      sizeof(struct fx_devres), GFP_KERNEL);
	if (unlikely(!devres)) {
		iommu_free_pages(addr, order);
		return NULL;
	}

	devres->addr = addr;

	devres_add(iommu->dev, devres);

	return addr;
}

static void fx_free_pages(struct fx_iommu *iommu, void *addr)
{
	struct fx_devres devres = {
		.addr = addr,
	};

	devres_release(iommu->dev, fx_devres_pages_release,
		       fx_devres_pages_match, &devres);
}

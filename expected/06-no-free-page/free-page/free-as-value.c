// SPDX-License-Identifier: GPL-2.0-only
/*
 * Fixture: iommu_free_page() named as a value: a callback in an ops
 * table, and the action of a device-managed release.
 */
#include "iommu-pages.h"

struct fv_ops {
	void (*free_table)(void *table);
};

static const struct fv_ops fv_ops = {
	.free_table = iommu_free_pages,
};

static int fv_probe(struct device *dev, void *scratch)
{
	return devm_add_action_or_reset(dev, iommu_free_pages, scratch);
}

// SPDX-License-Identifier: GPL-2.0-only
/*
 * Fixture: single-page allocations that are not the tegra directory or
 * tables: a plain u32 table and a directory type of another driver; and a
 * struct tegra_pd that does not come from iommu-pages.
 */
#include <linux/slab.h>

#include "iommu-pages.h"

struct tegra_pd {
	u32 val[1024];
};

struct fx_pd {
	u64 val[512];
};

struct fx_dom {
	u32 *table;
	struct fx_pd *pd;
	struct tegra_pd *shadow;
};

static int fx_dom_init(struct fx_dom *dom)
{
	dom->table = iommu_alloc_page(GFP_KERNEL);
	if (!dom->table)
		return -ENOMEM;
	dom->pd = iommu_alloc_page(GFP_KERNEL);
	if (!dom->pd)
		return -ENOMEM;
	dom->shadow = kzalloc(sizeof(*dom->shadow), GFP_KERNEL);
	if (!dom->shadow)
		return -ENOMEM;
	return 0;
}

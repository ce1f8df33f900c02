// SPDX-License-Identifier: GPL-2.0-only
/*
 * Fixture: PRQ_ORDER used where it is not a page order given to
 * iommu-pages (a register value, another allocator), and a queue of another
 * order: left alone.
 */
#include <linux/gfp.h>
#include <linux/io.h>

#include "iommu-pages.h"

#define PRQ_ORDER	4
#define FX_QI_ORDER	1

static u64 fx_pqa(void *prq)
{
	return virt_to_phys(prq) | PRQ_ORDER;
}

static void *fx_other(int nid)
{
	void *a = (void *)__get_free_pages(GFP_KERNEL, PRQ_ORDER);

	return a ? a : iommu_alloc_pages_node(nid, GFP_KERNEL, FX_QI_ORDER);
}

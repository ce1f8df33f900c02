// SPDX-License-Identifier: GPL-2.0-only
/*
 * Fixture: a page request queue allocated with PRQ_ORDER as a page order,
 * whose register write encodes the same PRQ_ORDER as the size field.
 */
#include <linux/io.h>

#include "iommu-pages.h"

#define PRQ_ORDER	4
#define PRQ_SIZE	(SZ_4K << PRQ_ORDER)
#define FX_PQA_REG	0xe0

struct fx_iommu {
	int node;
	void __iomem *reg;
	void *prq;
};

static int fx_enable_prq(struct fx_iommu *iommu)
{
	iommu->prq = iommu_alloc_pages_node_sz(iommu->node, GFP_KERNEL,
					       PRQ_SIZE);
	if (!iommu->prq)
		return -ENOMEM;

	writeq(virt_to_phys(iommu->prq) | PRQ_ORDER, iommu->reg + FX_PQA_REG);
	return 0;
}

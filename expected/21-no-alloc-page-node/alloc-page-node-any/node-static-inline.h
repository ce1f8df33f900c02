/* SPDX-License-Identifier: GPL-2.0-only */
#ifndef __SMMU_PT_H
#define __SMMU_PT_H

static inline void *smmu_pt_alloc(int nid, gfp_t gfp)
{
	return iommu_alloc_pages_node_sz(nid, gfp, PAGE_SIZE);
}

#endif

/* SPDX-License-Identifier: GPL-2.0-only */
#ifndef __UNIT_TABLES_H
#define __UNIT_TABLES_H

static inline void *unit_alloc_dir(gfp_t gfp)
{
	return iommu_alloc_pages_sz(gfp, PAGE_SIZE << 1);
}

static inline void *unit_alloc_pt(void)
{
	return iommu_alloc_pages_sz(GFP_KERNEL, PAGE_SIZE);
}

#endif

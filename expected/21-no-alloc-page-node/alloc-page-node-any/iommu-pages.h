/* SPDX-License-Identifier: GPL-2.0-only */
// The allocator's own definitions, and calls already converted.
static inline void *iommu_alloc_page_node(int nid, gfp_t gfp)
{
	return iommu_alloc_pages_node(nid, gfp, 0);
}

static inline void *table_alloc(int nid)
{
	return iommu_alloc_pages_node_sz(nid, GFP_KERNEL, SZ_4K);
}

/* SPDX-License-Identifier: GPL-2.0-only */
// The allocator's own definitions, and calls already converted.
static inline void *iommu_alloc_pages(gfp_t gfp, int order)
{
	return iommu_alloc_pages_node(NUMA_NO_NODE, gfp, order);
}

static inline void *iommu_alloc_pages_node(int nid, gfp_t gfp,
					   unsigned int order)
{
	return iommu_alloc_pages_node_sz(nid, gfp, PAGE_SIZE << order);
}

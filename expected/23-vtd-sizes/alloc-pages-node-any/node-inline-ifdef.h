/* SPDX-License-Identifier: GPL-2.0-only */
#define unit_alloc_ring(u, o)	iommu_alloc_pages_node_sz((u)->nid, GFP_KERNEL, PAGE_SIZE << (o))

static inline void *unit_alloc_big(int nid, gfp_t gfp)
{
#ifdef CONFIG_UNIT_LARGE
	return iommu_alloc_pages_node_sz(nid, gfp, PAGE_SIZE << 4);
#else
	return iommu_alloc_pages_node_sz(nid, gfp, PAGE_SIZE << 2);
#endif
}

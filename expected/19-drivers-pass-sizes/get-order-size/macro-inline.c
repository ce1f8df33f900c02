// get_order() in a macro body and in a static inline.
#define unit_alloc_sized(gfp, sz)	iommu_alloc_pages_sz(gfp, sz)

static inline void *unit_alloc_node_sized(int nid, size_t sz)
{
	return iommu_alloc_pages_node_sz(nid, GFP_KERNEL, sz);
}

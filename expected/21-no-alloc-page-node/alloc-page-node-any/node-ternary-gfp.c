// A local initialised on a node, gfp chosen by a ternary.
static u64 *pt_alloc(int nid, bool atomic)
{
	u64 *pt = iommu_alloc_pages_node_sz(nid,
					    atomic ? GFP_ATOMIC : GFP_KERNEL,
					    PAGE_SIZE);

	return pt;
}

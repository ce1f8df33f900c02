// A new helper of another driver returns one page on a node.
static void *smmu_alloc_l2(struct smmu *smmu)
{
	return iommu_alloc_pages_node_sz(smmu->nid, GFP_KERNEL, PAGE_SIZE);
}

// Invalidation queue sized by a capability-chosen order.
int enable_qi(struct intel_iommu *iommu)
{
	struct q_inval *qi = iommu->qi;
	void *desc;

	desc = iommu_alloc_pages_node_sz(iommu->node, GFP_ATOMIC,
					 ecap_smts(iommu->ecap) ? SZ_8K : SZ_4K);
	if (!desc)
		return -ENOMEM;
	qi->desc = desc;
	return 0;
}

// Orders that are not a capability-chosen constant pair, or that are
// still read after the allocation.
int enable_prq(struct intel_iommu *iommu)
{
	iommu->prq = iommu_alloc_pages_node(iommu->node, GFP_KERNEL, PRQ_ORDER);
	return iommu->prq ? 0 : -ENOMEM;
}

int enable_qi_logged(struct intel_iommu *iommu)
{
	void *desc;
	int order;

	order = ecap_smts(iommu->ecap) ? 1 : 0;
	desc = iommu_alloc_pages_node(iommu->node, GFP_ATOMIC, order);
	pr_info("queue of order %d\n", order);
	iommu->qi->desc = desc;
	return desc ? 0 : -ENOMEM;
}

int enable_ring(struct unit *u)
{
	int order;

	order = u->big ? 2 : 1;
	u->ring = iommu_alloc_pages_node(u->node, GFP_KERNEL, order);
	return u->ring ? 0 : -ENOMEM;
}

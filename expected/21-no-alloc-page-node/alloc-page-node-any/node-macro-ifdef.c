// A macro body and an #ifdef branch.
#define smmu_alloc_on(s, gfp)	iommu_alloc_pages_node_sz((s)->nid, gfp, PAGE_SIZE)

static int smmu_tables(struct smmu *s)
{
#ifdef CONFIG_NUMA
	s->l1 = iommu_alloc_pages_node_sz(numa_node_id(), GFP_KERNEL,
					  PAGE_SIZE);
#else
	s->l1 = smmu_alloc_on(s, GFP_KERNEL);
#endif
	return 0;
}

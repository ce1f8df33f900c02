// Orders written as expressions.
static int queues_alloc(struct unit *u, bool big)
{
	u->q = iommu_alloc_pages_node_sz(u->nid, GFP_KERNEL,
					 PAGE_SIZE << (1 + 1));
	u->evq = iommu_alloc_pages_node_sz(u->nid, GFP_KERNEL,
					   PAGE_SIZE << (big ? 3 : 1));
	u->cq = iommu_alloc_pages_node_sz(u->nid, GFP_KERNEL, PAGE_SIZE);
	return 0;
}

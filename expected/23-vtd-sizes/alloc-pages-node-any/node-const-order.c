// A constant order on a node.
static void *ring_alloc(struct unit *u, gfp_t gfp)
{
	return iommu_alloc_pages_node_sz(u->nid, gfp, PAGE_SIZE << 2);
}

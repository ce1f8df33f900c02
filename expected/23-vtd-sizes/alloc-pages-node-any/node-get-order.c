// get_order() of a size on a node: the size itself.
static void *buf_alloc(struct unit *u, size_t size)
{
	return iommu_alloc_pages_node_sz(u->nid, GFP_KERNEL, size);
}

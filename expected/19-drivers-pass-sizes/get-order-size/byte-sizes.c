// Allocations whose order is get_order() of a byte size.
static int alloc_buffers(struct unit *u, struct seg *s)
{
	u->cmd_buf = iommu_alloc_pages_sz(GFP_KERNEL, CMD_BUFFER_SIZE);
	u->log_tail = iommu_alloc_pages_sz(GFP_KERNEL, 8);
	s->dev_table = iommu_alloc_pages_sz(GFP_KERNEL | GFP_DMA32,
					    s->dev_table_size);
	u->dt = iommu_alloc_pages_node_sz(u->nid, GFP_KERNEL, DT_SIZE);
	return 0;
}

static void *table_alloc(struct unit *u, size_t size, gfp_t gfp)
{
	int order = get_order(size);

	return iommu_alloc_pages_node_sz(dev_to_node(u->dev), gfp, size);
}

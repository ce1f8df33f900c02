// Locals left without a reader once the allocation takes the size.
static void *table_alloc(struct unit *u, size_t size, gfp_t gfp)
{
	return iommu_alloc_pages_node_sz(dev_to_node(u->dev), gfp, size);
}

static void *alloc_pages_for(size_t size, gfp_t gfp)
{
	return iommu_alloc_pages_sz(gfp, size);
}

// Other allocators and calls already converted are left alone.
static void *others(struct unit *u, gfp_t gfp)
{
	struct page *pg = alloc_pages(gfp, 0);

	u->buf = (void *)__get_free_pages(gfp, 2);
	u->dt = iommu_alloc_pages_sz(gfp, SZ_4K);
	u->pt = iommu_alloc_pages_node_sz(u->nid, gfp, SZ_4K);
	u->x = unit_iommu_alloc_page(gfp);
	return pg ? page_address(pg) : NULL;
}

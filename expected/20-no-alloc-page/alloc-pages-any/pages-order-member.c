// Orders kept in members, plain and through an array element.
static int tables_alloc(struct unit *u, int i)
{
	u->ring = iommu_alloc_pages_sz(GFP_KERNEL, PAGE_SIZE << u->ring_order);
	u->lvl[i].table = iommu_alloc_pages_sz(GFP_KERNEL,
					       PAGE_SIZE << u->lvl[i].order);
	u->evt = iommu_alloc_pages_sz(GFP_KERNEL,
				      PAGE_SIZE << u->cfg.evt_order);
	return 0;
}

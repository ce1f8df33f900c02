// An order given by the caller or by a function.
static void *pages_for(struct unit *u, gfp_t gfp, unsigned int order)
{
	if (order > MAX_TABLE_ORDER)
		return iommu_alloc_pages_sz(gfp, PAGE_SIZE << table_order(u));
	return iommu_alloc_pages_sz(gfp, PAGE_SIZE << order);
}

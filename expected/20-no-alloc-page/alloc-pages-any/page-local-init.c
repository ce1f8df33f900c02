// A local initialised with a page, gfp from a parameter.
static int fill_table(struct unit *u, gfp_t gfp)
{
	u64 *table = iommu_alloc_pages_sz(gfp | __GFP_NOWARN, PAGE_SIZE);

	if (!table)
		return -ENOMEM;
	u->table = table;
	return 0;
}

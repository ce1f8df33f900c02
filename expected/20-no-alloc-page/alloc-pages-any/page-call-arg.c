// A page passed straight on to another call.
static int attach_table(struct unit *u)
{
	return set_table(u, iommu_alloc_pages_sz(GFP_KERNEL, PAGE_SIZE),
			 TABLE_LEVELS);
}

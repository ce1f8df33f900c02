// get_order() of a size: the size itself.
static void *buf_alloc(struct unit *u)
{
	return iommu_alloc_pages_sz(GFP_KERNEL, u->nr_entries * 16);
}

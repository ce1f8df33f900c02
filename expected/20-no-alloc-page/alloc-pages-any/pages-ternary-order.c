// An order that is not a single operand is put in parentheses.
static void *ring_alloc(struct unit *u, bool big, int extra)
{
	u->cmd = iommu_alloc_pages_sz(GFP_KERNEL, PAGE_SIZE << (big ? 2 : 0));
	return iommu_alloc_pages_sz(GFP_KERNEL, PAGE_SIZE << (extra | 1));
}

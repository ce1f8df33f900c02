// A page stored in a member, with an atomic gfp.
static int dom_init(struct dom *dom)
{
	dom->pt = iommu_alloc_pages_sz(GFP_ATOMIC, PAGE_SIZE);
	if (!dom->pt)
		return -ENOMEM;
	return 0;
}

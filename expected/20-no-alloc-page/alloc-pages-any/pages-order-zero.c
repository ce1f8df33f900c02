// Order 0 is one page.
static void *one_table(gfp_t gfp)
{
	void *t;

	t = iommu_alloc_pages_sz(gfp, PAGE_SIZE);
	return t;
}

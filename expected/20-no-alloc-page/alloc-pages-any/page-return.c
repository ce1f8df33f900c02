// A new helper returns a page; its free goes with step 06.
static u32 *rk_alloc_scratch(void)
{
	return iommu_alloc_pages_sz(GFP_KERNEL, PAGE_SIZE);
}

static void rk_free_scratch(u32 *p)
{
	iommu_free_pages(p);
}

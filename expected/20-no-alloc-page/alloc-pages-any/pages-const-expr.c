// An order written as a constant expression keeps its value.
static void *four_pages(gfp_t gfp)
{
	return iommu_alloc_pages_sz(gfp, PAGE_SIZE << (1 + 1));
}

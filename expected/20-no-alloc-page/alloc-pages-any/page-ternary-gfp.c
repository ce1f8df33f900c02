// The gfp flags chosen by a ternary stay as they are.
static void *table_for(struct unit *u, bool atomic)
{
	return iommu_alloc_pages_sz(atomic ? GFP_ATOMIC : GFP_KERNEL,
				    PAGE_SIZE);
}

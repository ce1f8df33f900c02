// Both branches of an #ifdef.
static int cache_alloc(struct unit *u)
{
#ifdef CONFIG_UNIT_BIG_CACHE
	u->cache = iommu_alloc_pages_sz(GFP_KERNEL, PAGE_SIZE << 3);
#else
	u->cache = iommu_alloc_pages_sz(GFP_KERNEL, PAGE_SIZE);
#endif
	return u->cache ? 0 : -ENOMEM;
}

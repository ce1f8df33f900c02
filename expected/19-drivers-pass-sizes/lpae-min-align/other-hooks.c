// Custom hooks that do not choose between themselves and iommu-pages.
static void *v7s_alloc_table(struct v7s_cfg *cfg, size_t size, gfp_t gfp)
{
	if (cfg->alloc)
		return cfg->alloc(cfg->cookie, size, gfp);
	return kmem_cache_zalloc(cfg->l2_cache, gfp);
}

static void v7s_free_table(struct v7s_cfg *cfg, void *table, size_t size)
{
	if (cfg->free)
		cfg->free(cfg->cookie, table, size);
	else
		kmem_cache_free(cfg->l2_cache, table);
}

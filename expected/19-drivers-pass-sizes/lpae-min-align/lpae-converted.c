// Page-table memory from a configuration's custom allocator or iommu-pages.
static void *__lpae_alloc_pages(size_t size, gfp_t gfp,
				struct io_pgtable_cfg *cfg, void *cookie)
{
	struct device *dev = cfg->iommu_dev;
	void *pages;

	/* Even a tiny starting-level table needs 64-byte alignment. */
	if (cfg->alloc)
		pages = cfg->alloc(cookie, max(size, 64), gfp);
	else
		pages = iommu_alloc_pages_node_sz(dev_to_node(dev), gfp,
						  max(size, 64));
	if (!pages)
		return NULL;

	if (!cfg->coherent_walk &&
	    dma_mapping_error(dev, dma_map_single(dev, pages, size,
						  DMA_TO_DEVICE))) {
		if (cfg->free)
			cfg->free(cookie, pages, size);
		else
			iommu_free_pages(pages);
		return NULL;
	}
	return pages;
}

static void __lpae_free_pages(void *pages, size_t size,
			      struct io_pgtable_cfg *cfg, void *cookie)
{
	if (cfg->free)
		cfg->free(cookie, pages, size);
	else
		iommu_free_pages(pages);
}

// io-pgtable-arm as step 19 finds it: the iommu-pages allocation takes
// the order of the size from a local that nothing else reads any more.
static void *__lpae_alloc_pages(size_t size, gfp_t gfp,
				struct io_pgtable_cfg *cfg, void *cookie)
{
	struct device *dev = cfg->iommu_dev;
	size_t alloc_size;
	dma_addr_t dma;
	void *pages;

	/* Even a tiny starting-level table needs 64-byte alignment. */
	alloc_size = max(size, 64);
	if (cfg->alloc)
		pages = cfg->alloc(cookie, alloc_size, gfp);
	else
		pages = iommu_alloc_pages_node_sz(dev_to_node(dev), gfp,
						  alloc_size);
	if (!pages)
		return NULL;

	if (!cfg->coherent_walk) {
		dma = dma_map_single(dev, pages, size, DMA_TO_DEVICE);
		if (dma_mapping_error(dev, dma))
			goto out_free;
	}
	return pages;

out_free:
	if (cfg->free)
		cfg->free(cookie, pages, size);
	else
		iommu_free_pages(pages);
	return NULL;
}

// The same with the order read again after the allocation: left alone
// (get-order-size.cocci passes the size and keeps the local).
static void *__lpae_alloc_logged(size_t size, gfp_t gfp,
				 struct io_pgtable_cfg *cfg, void *cookie)
{
	struct device *dev = cfg->iommu_dev;
	int order = get_order(size);
	void *pages;

	if (cfg->alloc)
		pages = cfg->alloc(cookie, size, gfp);
	else
		pages = iommu_alloc_pages_node(dev_to_node(dev), gfp, order);
	dev_dbg(dev, "table of order %d\n", order);
	return pages;
}

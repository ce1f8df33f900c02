// SPDX-License-Identifier: GPL-2.0-only
/*
 * Fixture: a page-table configuration with its own allocator and free
 * callback.  Only the allocation asks for the 64-byte minimum; the free
 * callback must keep receiving the table's own size.
 */
static void *fx_lpae_alloc(size_t size, gfp_t gfp, struct io_pgtable_cfg *cfg,
			   void *cookie)
{
	void *pages;

	/* Even a tiny starting-level table needs 64-byte alignment. */
	if (cfg->alloc)
		pages = cfg->alloc(cookie, max(size, 64), gfp);
	else
		pages = iommu_alloc_pages_node_sz(NUMA_NO_NODE, gfp,
						  max(size, 64));
	return pages;
}

static void fx_lpae_free(void *pages, size_t size, struct io_pgtable_cfg *cfg,
			 void *cookie)
{
	if (cfg->free)
		cfg->free(cookie, pages, size);
	else
		iommu_free_pages(pages);
}

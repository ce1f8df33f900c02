// SPDX-License-Identifier: GPL-2.0-only
/*
 * Tables mapped for the device through their struct page, and the
 * physical address of a table.  A handle that also holds the mapping of
 * a page that is not iommu-pages memory, or a mapping at an offset, keeps
 * dma_map_page() and dma_unmap_page() for every mapping into it; so does
 * a page local handed to dma_map_page().
 */
struct dm_domain {
	struct device *dev;
	u32 *dir;
	dma_addr_t dir_dma;
	dma_addr_t buf_dma;
	dma_addr_t half_dma;
};

static int dm_map_dir(struct dm_domain *d)
{
	d->dir = iommu_alloc_page(GFP_KERNEL);
	if (!d->dir)
		return -ENOMEM;
	d->dir_dma = dma_map_single(d->dev, d->dir, SZ_4K, DMA_TO_DEVICE);
	if (dma_mapping_error(d->dev, d->dir_dma)) {
		iommu_free_page(d->dir);
		return -ENOMEM;
	}
	return 0;
}

static void dm_unmap_dir(struct dm_domain *d)
{
	dma_unmap_single(d->dev, d->dir_dma, SZ_4K, DMA_TO_DEVICE);
	iommu_free_page(d->dir);
}

static phys_addr_t dm_dir_phys(struct dm_domain *d)
{
	return virt_to_phys(d->dir);
}

static dma_addr_t dm_map_table(struct dm_domain *d, u64 *table)
{
	struct page *pg = virt_to_page(table);
	dma_addr_t dma;

	dma = dma_map_page(d->dev, pg, 0, SZ_4K, DMA_BIDIRECTIONAL);
	pr_debug("table pfn %lx\n", page_to_pfn(pg));
	if (dma_mapping_error(d->dev, dma))
		iommu_free_pages(table);
	else
		dma_unmap_page(d->dev, dma, SZ_4K, DMA_BIDIRECTIONAL);
	return dma;
}

static void dm_map_buf(struct dm_domain *d, struct page *buf, u64 *half)
{
	d->buf_dma = dma_map_page(d->dev, buf, 0, PAGE_SIZE, DMA_FROM_DEVICE);
	d->buf_dma = dma_map_page(d->dev, virt_to_page(d->dir), 0, SZ_4K,
				  DMA_FROM_DEVICE);
	dma_unmap_page(d->dev, d->buf_dma, PAGE_SIZE, DMA_FROM_DEVICE);
	d->half_dma = dma_map_page(d->dev, virt_to_page(half), 64, 64,
				   DMA_TO_DEVICE);
	dma_unmap_page(d->dev, d->half_dma, 64, DMA_TO_DEVICE);
	iommu_free_pages(half);
}

static u32 *dm_scratch(struct device *dev)
{
	u32 *t = iommu_alloc_page(GFP_KERNEL);
	dma_addr_t dma;

	if (!t)
		return NULL;
	dma = dma_map_single(dev, t, PAGE_SIZE, DMA_TO_DEVICE);
	if (dma_mapping_error(dev, dma)) {
		iommu_free_page(t);
		return NULL;
	}
	dma_unmap_single(dev, dma, PAGE_SIZE, DMA_TO_DEVICE);
	pr_debug("scratch at %llx\n", (u64)virt_to_phys(t));
	return t;
}

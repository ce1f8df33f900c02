// SPDX-License-Identifier: GPL-2.0-only
/*
 * Fixture: second-level tables held as struct page, as tegra-smmu does
 * once its directory is converted.  Every variable, parameter and return
 * value that carries a table becomes a struct tegra_pt pointer; the
 * caller's buffer page mapped at the end of the file is not a table.
 */
#include <linux/dma-mapping.h>
#include <linux/mm.h>

#include "iommu-pages.h"

#define SMMU_NUM_PTE 1024
#define SMMU_SIZE_PT (SMMU_NUM_PTE * 4)

struct tegra_smmu_as {
	struct tegra_smmu *smmu;
	spinlock_t lock;
	u32 *count;
	struct tegra_pt **pts;
	struct tegra_pd *pd;
	dma_addr_t pd_dma;
};

static struct tegra_pt *fx_get_table(struct tegra_smmu_as *as,
				     unsigned int pde, gfp_t gfp);

static u32 *fx_pte_offset(struct tegra_pt *table, unsigned long iova)
{
	return &table->val[(iova >> 12) & (SMMU_NUM_PTE - 1)];
}

static u32 *fx_pte_lookup(struct tegra_smmu_as *as, unsigned int pde,
			  unsigned long iova)
{
	struct tegra_pt *table;

	table = as->pts[pde];
	if (!table)
		return NULL;

	return fx_pte_offset(table, iova);
}

static int fx_install(struct tegra_smmu_as *as, unsigned int pde,
		      struct tegra_pt *table)
{
	struct tegra_smmu *smmu = as->smmu;
	dma_addr_t dma;

	dma = dma_map_single(smmu->dev, table, SMMU_SIZE_PT, DMA_TO_DEVICE);
	if (dma_mapping_error(smmu->dev, dma)) {
		iommu_free_page(table);
		return -ENOMEM;
	}

	if (upper_32_bits(dma)) {
		dma_unmap_single(smmu->dev, dma, SMMU_SIZE_PT, DMA_TO_DEVICE);
		iommu_free_page(table);
		return -ENOMEM;
	}

	as->pts[pde] = table;
	fx_set_pde(as, pde, dma);

	return 0;
}

static void fx_release(struct tegra_smmu_as *as, unsigned int pde)
{
	struct tegra_pt *table = as->pts[pde];

	if (--as->count[pde] == 0) {
		struct tegra_smmu *smmu = as->smmu;
		dma_addr_t pte_dma = fx_pde_to_dma(as->pd->val[pde]);

		fx_set_pde(as, pde, 0);
		dma_unmap_single(smmu->dev, pte_dma, SMMU_SIZE_PT,
				 DMA_TO_DEVICE);
		iommu_free_page(table);
		as->pts[pde] = NULL;
	}
}

static struct tegra_pt *fx_get_table(struct tegra_smmu_as *as,
				     unsigned int pde, gfp_t gfp)
{
	struct tegra_pt *table = as->pts[pde];

	if (table)
		return table;

	table = iommu_alloc_page(gfp | __GFP_DMA);

	if (as->pts[pde]) {
		if (table)
			iommu_free_page(table);
		table = as->pts[pde];
	}

	return table;
}

static int fx_map(struct tegra_smmu_as *as, unsigned long iova, gfp_t gfp)
{
	unsigned int pde = iova >> 22;
	struct tegra_pt *table;
	int err;

	table = fx_get_table(as, pde, gfp);
	if (!table)
		return -ENOMEM;

	err = fx_install(as, pde, table);
	if (err)
		return err;

	return 0;
}

/* A caller's buffer: a struct page, but not a table. */
static dma_addr_t fx_map_buffer(struct tegra_smmu_as *as, struct page *page)
{
	struct tegra_smmu *smmu = as->smmu;

	memset(page_address(page), 0, PAGE_SIZE);

	return dma_map_page(smmu->dev, page, 0, PAGE_SIZE, DMA_TO_DEVICE);
}

static void fx_unmap_buffer(struct tegra_smmu_as *as, dma_addr_t dma)
{
	struct tegra_smmu *smmu = as->smmu;

	dma_unmap_page(smmu->dev, dma, PAGE_SIZE, DMA_TO_DEVICE);
}

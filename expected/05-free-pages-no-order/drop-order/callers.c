// SPDX-License-Identifier: GPL-2.0-only
/*
 * Fixture: callers of iommu_free_pages() that pass an order in every form
 * the drivers use: get_order() of a size (also split over two lines), a
 * literal, an order macro, a local that also sized the allocation, a field.
 */
#include <linux/mm.h>
#include <linux/slab.h>

#include "iommu-pages.h"

#define FX_CMD_BUF_SIZE		8192
#define FX_QUEUE_ORDER		4

struct fx_seg {
	u32 *dev_table;
	u32 dev_table_size;
	u16 *alias_table;
	u32 alias_table_size;
};

struct fx_iommu {
	void *cmd_buf;
	void *queue;
	u64 *lv1;
	short *lv2cnt;
	struct fx_seg *seg;
};

static void fx_free_dev_table(struct fx_seg *seg)
{
	iommu_free_pages(seg->dev_table);
	seg->dev_table = NULL;
}

static void fx_free_alias_table(struct fx_seg *seg)
{
	iommu_free_pages(seg->alias_table);
	seg->alias_table = NULL;
}

static void fx_free_buffers(struct fx_iommu *iommu)
{
	iommu_free_pages(iommu->cmd_buf);
	iommu_free_pages(iommu->queue);
	iommu->queue = NULL;
}

static int fx_domain_alloc(struct fx_iommu *iommu)
{
	iommu->lv1 = iommu_alloc_pages(GFP_KERNEL, 2);
	if (!iommu->lv1)
		return -ENOMEM;
	iommu->lv2cnt = iommu_alloc_pages(GFP_KERNEL, 1);
	if (!iommu->lv2cnt)
		goto err_lv1;
	return 0;

err_lv1:
	iommu_free_pages(iommu->lv1);
	return -ENOMEM;
}

static void *fx_alloc_table(int nid, size_t size, bool (*bad)(void *))
{
	int order = get_order(size);
	void *table = iommu_alloc_pages_node(nid, GFP_KERNEL, order);

	if (table && bad(table)) {
		iommu_free_pages(table);
		table = NULL;
	}
	return table;
}

static void fx_free_nested(u64 *ptep, int order)
{
	if (*ptep)
		iommu_free_pages(phys_to_virt(*ptep & ~0xfffULL));
}

// SPDX-License-Identifier: GPL-2.0-only
/*
 * Fixture: an amd-style v1 page table.  A two-line helper looks up the
 * struct page of a table and puts it on the list; the recursive free
 * functions hand the list down through their parameters; the map path
 * collects replaced tables in a loop, notes whether any were queued, and
 * frees them after the flush; the teardown path frees the whole tree.
 */
#include <linux/list.h>
#include <linux/mm.h>

#include "iommu-pages.h"

static void fx_pt_retire_level(u64 *pt, struct iommu_pages_list *retired,
			       int level)
{
	u64 *next;
	int i;

	for (i = 0; i < 512; i++) {
		if (!FX_PTE_PRESENT(pt[i]) || FX_PTE_IS_LEAF(pt[i]))
			continue;
		next = FX_PTE_TABLE(pt[i]);
		if (level > 2)
			fx_pt_retire_level(next, retired, level - 1);
		else
			iommu_pages_list_add(retired, next);
	}

	iommu_pages_list_add(retired, pt);
}

static void fx_pt_retire_tree(u64 *root, int levels,
			      struct iommu_pages_list *retired)
{
	if (levels == 1)
		iommu_pages_list_add(retired, root);
	else if (levels > 1)
		fx_pt_retire_level(root, retired, levels);
}

static void fx_pte_swap(u64 *pte, u64 old, struct iommu_pages_list *retired)
{
	while (!try_cmpxchg64(pte, &old, 0))
		;
	if (FX_PTE_PRESENT(old))
		fx_pt_retire_tree(FX_PTE_TABLE(old), FX_PTE_LEVELS(old), retired);
}

static int fx_v1_map(struct fx_v1 *pgt, unsigned long iova, u64 pa, int n)
{
	struct iommu_pages_list retired = IOMMU_PAGES_LIST_INIT(retired);
	bool flush = false;
	u64 *pte;
	int i;

	pte = fx_v1_walk(pgt, iova);
	if (!pte)
		return -ENOMEM;
	for (i = 0; i < n; i++)
		fx_pte_swap(&pte[i], pte[i], &retired);
	if (!iommu_pages_list_empty(&retired))
		flush = true;
	for (i = 0; i < n; i++)
		pte[i] = pa | FX_PTE_PR;
	if (flush)
		fx_v1_flush(pgt, iova, n);
	iommu_put_pages_list(&retired);
	return 0;
}

static void fx_v1_free(struct fx_v1 *pgt)
{
	struct iommu_pages_list retired = IOMMU_PAGES_LIST_INIT(retired);

	fx_pt_retire_tree(pgt->root, pgt->levels, &retired);
	iommu_put_pages_list(&retired);
}

// SPDX-License-Identifier: GPL-2.0-only
/*
 * Fixture: free lists of iommu-pages memory that this step must leave to
 * later steps or leave alone: one filled through a helper (step 10), one
 * filled through a local struct page (step 11), one that a function with
 * external linkage receives (its callers may be in another file), one that
 * is also walked with a list iterator, and one that another file's
 * function fills.
 */
#include <linux/list.h>
#include <linux/mm.h>

#include "iommu-pages.h"

static void fx_queue(u64 *table, struct list_head *list)
{
	struct page *pg = virt_to_page(table);

	list_add_tail(&pg->lru, list);
}

static void fx_teardown_helper(u64 *root)
{
	LIST_HEAD(list);

	fx_queue(root, &list);
	iommu_put_pages_list(&list);
}

static void fx_teardown_local(u64 *root)
{
	LIST_HEAD(list);
	struct page *pg;

	pg = virt_to_page(root);
	list_add_tail(&pg->lru, &list);
	iommu_put_pages_list(&list);
}

void fx_exported_drop(u64 *table, struct list_head *list)
{
	list_add_tail(&virt_to_page(table)->lru, list);
}

static void fx_teardown_counted(u64 *root, int *n)
{
	LIST_HEAD(list);
	struct page *pg;

	list_add_tail(&virt_to_page(root)->lru, &list);
	list_for_each_entry(pg, &list, lru)
		(*n)++;
	iommu_put_pages_list(&list);
}

static void fx_teardown_elsewhere(u64 *root)
{
	LIST_HEAD(list);

	fx_other_file_collect(root, &list);
	list_add_tail(&virt_to_page(root)->lru, &list);
	iommu_put_pages_list(&list);
}

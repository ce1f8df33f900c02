// SPDX-License-Identifier: GPL-2.0-only
/*
 * Fixture: lists that stay list_head: one walked with
 * list_for_each_entry() (the new type cannot express it), one of pages
 * that are not iommu-pages memory (freed with put_pages_list()), and one
 * whose function has external linkage (its callers may live elsewhere),
 * and one that a table is moved to from another list with list_move():
 * the move also unlinks it, which iommu_pages_list_add() would not.
 */
#include "iommu-pages.h"

static void np_walk(u64 *pt)
{
	LIST_HEAD(freelist);
	struct page *p;

	list_add_tail(&virt_to_page(pt)->lru, &freelist);
	list_for_each_entry(p, &freelist, lru)
		np_count(p);
	iommu_put_pages_list(&freelist);
}

static void np_other(struct page *pg)
{
	LIST_HEAD(pages);

	list_add_tail(&pg->lru, &pages);
	put_pages_list(&pages);
}

void np_extern(u64 *pt, struct list_head *freelist)
{
	list_add_tail(&virt_to_page(pt)->lru, freelist);
	iommu_put_pages_list(freelist);
}

static void np_move(u64 *pt, struct list_head *old)
{
	LIST_HEAD(freelist);

	list_move(&virt_to_page(pt)->lru, &freelist);
	iommu_put_pages_list(&freelist);
}

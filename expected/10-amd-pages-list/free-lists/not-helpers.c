// SPDX-License-Identifier: GPL-2.0-only
/*
 * Fixture: helper look-alikes that stay.  The same helper shape for pages
 * that go back to the page allocator; a helper also used as a callback
 * (its name is taken, not only called); and an intel-style list filled
 * through a local struct page, which is step 11's.
 */
#include <linux/list.h>
#include <linux/mm.h>

#include "iommu-pages.h"

static void fx_stash_page(void *buf, struct list_head *stash)
{
	struct page *p = virt_to_page(buf);

	list_add_tail(&p->lru, stash);
}

static void fx_stash_release(void *a, void *b)
{
	LIST_HEAD(stash);

	fx_stash_page(a, &stash);
	fx_stash_page(b, &stash);
	put_pages_list(&stash);
}

static void fx_retire(u64 *pt, struct list_head *retired)
{
	struct page *p = virt_to_page(pt);

	list_add_tail(&p->lru, retired);
}

static void fx_walk_retire(u64 *root)
{
	LIST_HEAD(retired);

	fx_retire(root, &retired);
	iommu_put_pages_list(&retired);
}

static const struct fx_walk_ops fx_walk_ops = {
	.retire = fx_retire,
};

static void fx_table_queue(u64 *entry, struct list_head *retired)
{
	struct page *pg;

	pg = pfn_to_page(FX_ENTRY_ADDR(entry) >> PAGE_SHIFT);
	list_add_tail(&pg->lru, retired);
}

static void fx_table_drop(u64 *entry)
{
	LIST_HEAD(retired);

	fx_table_queue(entry, &retired);
	iommu_put_pages_list(&retired);
}

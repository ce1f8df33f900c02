// SPDX-License-Identifier: GPL-2.0-only
/*
 * Fixture: struct page lists that are not iommu-pages memory.  Bounce
 * buffers from __get_free_page() are chained through their lru field with
 * the same add as a page table, but the list goes back to the page
 * allocator with put_pages_list(), never to iommu_put_pages_list(); a
 * list of pages from alloc_page() is freed by hand.  Nothing changes.
 */
#include <linux/gfp.h>
#include <linux/list.h>
#include <linux/mm.h>

struct fx_bounce {
	void *buf[8];
	int count;
};

static void fx_bounce_retire(struct fx_bounce *b, struct list_head *pages)
{
	int i;

	for (i = 0; i < b->count; i++)
		list_add_tail(&virt_to_page(b->buf[i])->lru, pages);
	b->count = 0;
}

static void fx_bounce_release(struct fx_bounce *b)
{
	LIST_HEAD(pages);

	fx_bounce_retire(b, &pages);
	if (!list_empty(&pages))
		put_pages_list(&pages);
}

static void fx_pool_drain(struct list_head *pool)
{
	struct page *page, *next;
	LIST_HEAD(spare);

	page = alloc_page(GFP_KERNEL);
	if (page)
		list_add(&page->lru, &spare);
	list_splice_init(&spare, pool);
	list_for_each_entry_safe(page, next, pool, lru) {
		list_del(&page->lru);
		__free_page(page);
	}
}

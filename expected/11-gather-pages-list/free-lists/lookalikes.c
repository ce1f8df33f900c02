// SPDX-License-Identifier: GPL-2.0-only
/*
 * Fixture: list heads that are not free lists of iommu-pages memory, or
 * that the new type cannot express, next to each other in one driver.
 *  - the domain's device list: LIST_HEAD(), INIT_LIST_HEAD(), list_empty(),
 *    list_splice_init() on a struct field;
 *  - pages of the page allocator reached with pfn_to_page() and chained
 *    through lru, given back with __free_page();
 *  - a free list that is also walked with list_for_each_entry();
 *  - a free list re-initialised through a pointer (IOMMU_PAGES_LIST_INIT()
 *    names a list, not a pointer);
 *  - a global free list.
 * Nothing changes.
 */
#include <linux/list.h>
#include <linux/mm.h>

#include "iommu-pages.h"

struct fx_dev {
	struct list_head node;
};

struct fx_domain {
	struct list_head devices;
	struct list_head parked;
	u64 *pgd;
};

static LIST_HEAD(fx_orphans);

static void fx_domain_setup(struct fx_domain *dom)
{
	INIT_LIST_HEAD(&dom->devices);
	INIT_LIST_HEAD(&dom->parked);
}

static void fx_domain_attach(struct fx_domain *dom, struct fx_dev *dev)
{
	LIST_HEAD(batch);

	list_add_tail(&dev->node, &batch);
	if (!list_empty(&dom->parked))
		list_splice_init(&dom->parked, &batch);
	list_splice(&batch, &dom->devices);
}

static void fx_release_pfns(unsigned long *pfns, int n)
{
	LIST_HEAD(pages);
	struct page *pg, *tmp;
	int i;

	for (i = 0; i < n; i++) {
		pg = pfn_to_page(pfns[i] >> PAGE_SHIFT);
		list_add_tail(&pg->lru, &pages);
	}
	list_for_each_entry_safe(pg, tmp, &pages, lru)
		__free_page(pg);
}

static int fx_count_and_free(u64 *table)
{
	LIST_HEAD(tables);
	struct page *pg;
	int n = 0;

	list_add_tail(&virt_to_page(table)->lru, &tables);
	list_for_each_entry(pg, &tables, lru)
		n++;
	iommu_put_pages_list(&tables);
	return n;
}

static void fx_free_and_reset(struct list_head *tables)
{
	iommu_put_pages_list(tables);
	INIT_LIST_HEAD(tables);
}

static void fx_park_table(u64 *table)
{
	list_add_tail(&virt_to_page(table)->lru, &fx_orphans);
	iommu_put_pages_list(&fx_orphans);
}

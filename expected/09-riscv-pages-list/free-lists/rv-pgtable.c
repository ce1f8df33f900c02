// SPDX-License-Identifier: GPL-2.0-only
/*
 * Fixture: a riscv-style page table.  Tearing down a subtree walks it
 * recursively and queues each table with an lru add of its struct page on
 * the list it was given, or frees it at once when there is no list (the
 * domain is going away).  The map path owns the list on its stack and
 * frees it after the flush when something was queued.  The device list of
 * the same driver is a plain list and stays so.
 */
#include <linux/list.h>
#include <linux/mm.h>

#include "iommu-pages.h"

struct fx_rv_dev {
	struct list_head node;
};

struct fx_rv_domain {
	unsigned long *root;
	struct list_head devs;
};

static LIST_HEAD(fx_rv_all_devs);

static void fx_rv_table_drop(struct fx_rv_domain *dom, unsigned long entry,
			     struct iommu_pages_list *pending)
{
	unsigned long *table;
	int n;

	if (!fx_rv_entry_is_table(entry))
		return;

	table = fx_rv_entry_to_virt(entry);
	for (n = 0; n < FX_RV_ENTRIES; n++) {
		entry = READ_ONCE(table[n]);
		if (entry && cmpxchg_relaxed(table + n, entry, 0) == entry)
			fx_rv_table_drop(dom, entry, pending);
	}

	if (pending)
		iommu_pages_list_add(pending, table);
	else
		iommu_free_pages(table);
}

static int fx_rv_map(struct fx_rv_domain *dom, unsigned long iova,
		     phys_addr_t paddr, size_t count)
{
	struct iommu_pages_list stale = IOMMU_PAGES_LIST_INIT(stale);
	unsigned long *slot, old;

	while (count--) {
		slot = fx_rv_walk(dom, iova);
		if (!slot)
			return -ENOMEM;
		old = READ_ONCE(*slot);
		WRITE_ONCE(*slot, fx_rv_leaf(paddr));
		if (old)
			fx_rv_table_drop(dom, old, &stale);
		iova += FX_RV_PAGE;
		paddr += FX_RV_PAGE;
	}

	if (!iommu_pages_list_empty(&stale)) {
		fx_rv_flush_all(dom);
		iommu_put_pages_list(&stale);
	}
	return 0;
}

static void fx_rv_domain_free(struct fx_rv_domain *dom)
{
	fx_rv_table_drop(dom, fx_rv_table_entry(dom->root), NULL);
}

static void fx_rv_attach(struct fx_rv_domain *dom, struct fx_rv_dev *dev)
{
	LIST_HEAD(moved);

	if (list_empty(&dom->devs))
		INIT_LIST_HEAD(&dom->devs);
	list_add_tail(&dev->node, &dom->devs);
	list_add_tail(&dev->node, &moved);
	list_splice(&moved, &fx_rv_all_devs);
}

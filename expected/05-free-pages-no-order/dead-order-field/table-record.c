// SPDX-License-Identifier: GPL-2.0-only
/*
 * Fixture: a table record in the style of a PASID table, with aligned
 * members and comments.  The order member was stored only for the free;
 * the local order stays because it also sizes the allocation and derives
 * the limit.
 */
#include <linux/mm.h>
#include <linux/slab.h>

#include "iommu-pages.h"

/* The representative of a lookup table */
struct fx_table {
	void			*table;		/* table pointer */
	u32			max_id;		/* max id */
};

struct fx_last {
	void *dir;
};

int fx_alloc_table(struct fx_table **out, int node, u32 max_id)
{
	struct fx_table *t;
	int order;
	void *dir;

	t = kzalloc(sizeof(*t), GFP_KERNEL);
	if (!t)
		return -ENOMEM;

	order = get_order(max_id * 8);
	dir = iommu_alloc_pages_node(node, GFP_KERNEL, order);
	if (!dir) {
		kfree(t);
		return -ENOMEM;
	}

	t->table = dir;
	t->max_id = 1 << (order + PAGE_SHIFT + 3);
	*out = t;
	return 0;
}

void fx_free_table(struct fx_table *t)
{
	iommu_free_pages(t->table);
	kfree(t);
}

void fx_last_init(struct fx_last *l, void *dir)
{
	l->dir = dir;
}

void fx_last_free(struct fx_last *l)
{
	iommu_free_pages(l->dir);
}

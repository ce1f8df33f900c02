// SPDX-License-Identifier: GPL-2.0-only
/*
 * Fixture: order members that must stay.  One is also read to flush the
 * table, one is passed to the page allocator's free_pages() rather than to
 * iommu_free_pages(), one is set under an if without braces.
 */
#include <linux/mm.h>

#include "iommu-pages.h"

struct fx_table {
	void *table;
	int order;		/* also sizes the flush */
};

struct fx_scratch {
	unsigned long page;
	int page_order;
};

struct fx_cond {
	void *buf;
	int buf_order;
	bool big;
};

void fx_flush_table(struct fx_table *t)
{
	clflush_cache_range(t->table, PAGE_SIZE << t->order);
}

void fx_free_table(struct fx_table *t)
{
	iommu_free_pages(t->table, t->order);
}

void fx_free_scratch(struct fx_scratch *s)
{
	free_pages(s->page, s->page_order);
}

void fx_cond_set(struct fx_cond *c, void *buf)
{
	c->buf = buf;
	if (c->big)
		c->buf_order = 2;
}

void fx_cond_free(struct fx_cond *c)
{
	iommu_free_pages(c->buf, c->buf_order);
}

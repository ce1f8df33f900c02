// SPDX-License-Identifier: GPL-2.0-only
/*
 * Fixture: two structs declare a member of the same name.  Every access is
 * through a variable whose struct type is declared in the function, so
 * each access is attributed: the queue's order member only feeds the free
 * and goes; the descriptor's member of the same name is not touched.
 */
#include <linux/mm.h>

#include "iommu-pages.h"

struct fx_queue {
	void *base;
};

struct fx_hw_desc {
	u32 addr;
	u8 order;
	u8 rsvd[3];
};

void fx_queue_init(struct fx_queue *q, void *base, int order)
{
	q->base = base;
}

void fx_queue_free(struct fx_queue *q)
{
	iommu_free_pages(q->base);
}

void fx_desc_fill(struct fx_hw_desc *desc, struct fx_queue *q)
{
	desc->addr = lower_32_bits(virt_to_phys(q->base));
	desc->order = 0;
}

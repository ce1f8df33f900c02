// SPDX-License-Identifier: GPL-2.0-only
/*
 * Fixture: two structs declare a member of the same name and the free reads
 * it through a chain of pointers, whose struct type a textual check cannot
 * tell.  Neither member can be proved dead: nothing changes here (the
 * order argument is left to drop-order.cocci).
 */
#include <linux/mm.h>

#include "iommu-pages.h"

struct fx_queue {
	void *base;
	int order;
};

struct fx_ring {
	void *base;
	int order;
};

struct fx_dev {
	struct fx_queue *queue;
	struct fx_ring *ring;
};

void fx_dev_init(struct fx_dev *dev, void *qbase, void *rbase, int order)
{
	dev->queue->base = qbase;
	dev->queue->order = order;
	dev->ring->base = rbase;
	dev->ring->order = order;
}

void fx_dev_free(struct fx_dev *dev)
{
	iommu_free_pages(dev->queue->base, dev->queue->order);
	iommu_free_pages(dev->ring->base, dev->ring->order);
}

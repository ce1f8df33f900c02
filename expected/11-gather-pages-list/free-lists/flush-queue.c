// SPDX-License-Identifier: GPL-2.0-only
/*
 * Fixture: a deferred-flush queue in the style of dma-iommu.  Each ring
 * slot owns a list head, set up with INIT_LIST_HEAD(), freed with
 * iommu_put_pages_list() once the flush it waits for is done.  Queuing a
 * batch splices the caller's list into the slot (the batch is not used
 * again); merging two batches uses list_splice_init(), so the source is
 * re-initialised after the new splice.  The slot list is a struct field,
 * so every access of it converts together.
 */
#include <linux/list.h>

#include "iommu-pages.h"

struct fx_slot {
	unsigned long iova;
	struct iommu_pages_list tables;
	u64 seq;
};

struct fx_ring {
	unsigned int head, tail, mask;
	struct fx_slot slots[];
};

struct fx_batch {
	unsigned long iova;
	struct iommu_pages_list tables;
};

static void fx_ring_reap(struct fx_ring *ring, u64 done)
{
	unsigned int i;

	for (i = ring->head; i != ring->tail; i = (i + 1) & ring->mask) {
		if (ring->slots[i].seq >= done)
			break;
		iommu_put_pages_list(&ring->slots[i].tables);
		ring->head = (i + 1) & ring->mask;
	}
}

static void fx_ring_push(struct fx_ring *ring, unsigned long iova,
			 struct iommu_pages_list *tables, u64 seq)
{
	unsigned int i = ring->tail;

	ring->slots[i].iova = iova;
	ring->slots[i].seq = seq;
	iommu_pages_list_splice(tables, &ring->slots[i].tables);
	ring->tail = (i + 1) & ring->mask;
}

static void fx_ring_init(struct fx_ring *ring, unsigned int size)
{
	unsigned int i;

	ring->head = 0;
	ring->tail = 0;
	ring->mask = size - 1;
	for (i = 0; i < size; i++)
		ring->slots[i].tables = IOMMU_PAGES_LIST_INIT(ring->slots[i].tables);
}

static void fx_batch_merge(struct fx_batch *into, struct fx_batch *from)
{
	iommu_pages_list_splice(&from->tables, &into->tables);
	from->tables = IOMMU_PAGES_LIST_INIT(from->tables);
}

static void fx_batch_queue(struct fx_ring *ring, struct fx_batch *b, u64 seq)
{
	if (iommu_pages_list_empty(&b->tables))
		return;
	fx_ring_push(ring, b->iova, &b->tables, seq);
}

// SPDX-License-Identifier: GPL-2.0-only
/*
 * Fixture: the parent-entry walk with list_add() and a parameter named
 * entry; the list is a member of the caller's state.
 */
#include "iommu-pages.h"

struct pa_state {
	struct iommu_pages_list freelist;
};

static void pa_list(struct pa_state *st, int level,
		    struct pa_entry *parent_entry)
{
	struct pa_entry *entry = phys_to_virt(pa_entry_addr(parent_entry));

	iommu_pages_list_add(&st->freelist, entry);

	if (!level)
		return;

	pa_walk(st, level - 1, entry);
}

static void pa_done(struct pa_state *st)
{
	iommu_put_pages_list(&st->freelist);
}

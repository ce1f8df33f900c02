// SPDX-License-Identifier: GPL-2.0-only
/*
 * Fixture: locals whose value only reaches the order argument of
 * iommu_free_pages(): set at declaration, set by a later statement, or
 * declared next to other locals.  They go with the argument.
 */
#include <linux/mm.h>
#include <linux/slab.h>

#include "iommu-pages.h"

#define FX_GRANULE(d)	(1UL << (d)->granule_shift)
#define FX_TABLE_ORDER	1

struct fx_pgtable {
	unsigned int granule_shift;
	unsigned int nr_tables;
	u64 *pgd[4];
};

static void fx_free_pgtable(struct fx_pgtable *data)
{
	u64 *ptep, *end;
	int i;

	for (i = 0; i < data->nr_tables && data->pgd[i]; ++i) {
		ptep = data->pgd[i];
		end = (void *)ptep + FX_GRANULE(data);

		while (ptep != end) {
			u64 pte = *ptep++;

			if (pte)
				iommu_free_pages(phys_to_virt(pte & ~0xfffULL));
		}
		iommu_free_pages(data->pgd[i]);
	}

	kfree(data);
}

static void fx_free_table(struct fx_pgtable *data, size_t size)
{
	iommu_free_pages(data->pgd[0]);
	data->pgd[0] = NULL;
}

static void fx_free_tables(struct fx_pgtable *data)
{
	int i, n = data->nr_tables;

	for (i = 0; i < n; i++)
		iommu_free_pages(data->pgd[i]);
}

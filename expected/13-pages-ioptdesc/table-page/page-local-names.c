// SPDX-License-Identifier: GPL-2.0-only
/*
 * What a page local's uses become: the table itself, a void * named after
 * the member that holds the table, or the old name when that is taken.
 */
struct pn_domain {
	u64 *pgd;
	u64 *root;
};

static void pn_free(struct pn_domain *d, u64 *t)
{
	iommu_free_pages(d->pgd);
	iommu_free_pages(d->root);
	iommu_free_pages(t);
}

static unsigned long pn_root_pfn(struct pn_domain *d)
{
	void *rp = d->root;
	int root = 1;

	return PHYS_PFN(virt_to_phys(rp)) + root - 1;
}

static void *pn_walk(u64 *t, int n)
{
	void *tp = t;

	while (n--)
		t++;
	iommu_free_pages(t);
	return tp;
}

static void *pn_pgd(struct pn_domain *d)
{
	void *pgd = d->pgd;

	return pgd;
}

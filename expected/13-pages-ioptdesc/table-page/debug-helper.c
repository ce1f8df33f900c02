// SPDX-License-Identifier: GPL-2.0-only
/* A debug helper that prints a table through its struct page. */
struct foo_domain {
	u64 *pgd;
};

static int foo_domain_init(struct foo_domain *domain)
{
	domain->pgd = iommu_alloc_page_node(0, GFP_KERNEL);
	return domain->pgd ? 0 : -ENOMEM;
}

static void __maybe_unused foo_dump_pgd(struct foo_domain *domain)
{
	void *pgd = domain->pgd;

	pr_debug("pgd %p pfn %lx\n", pgd, PHYS_PFN(virt_to_phys(pgd)));
}

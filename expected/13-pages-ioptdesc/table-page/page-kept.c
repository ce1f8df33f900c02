// SPDX-License-Identifier: GPL-2.0-only
/* A page local of a table that is used as a page too: left alone. */
struct pk_domain {
	u64 *pgd;
};

static void pk_free(struct pk_domain *dom)
{
	iommu_free_page(dom->pgd);
}

static void pk_debug(struct pk_domain *dom)
{
	struct page *pg = virt_to_page(dom->pgd);

	pr_debug("%p refs %d\n", page_address(pg), page_ref_count(pg));
}

static void pk_two(struct pk_domain *dom, struct pk_domain *other)
{
	struct page *pg = virt_to_page(dom->pgd);

	pr_debug("%lx\n", page_to_pfn(pg));
	pg = virt_to_page(other->pgd);
	pr_debug("%lx\n", page_to_pfn(pg));
}

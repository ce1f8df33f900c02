// SPDX-License-Identifier: GPL-2.0-only
/*
 * Table parameters of static functions: iommu-pages memory when every
 * call in the file passes a table, through any number of helpers.
 */
struct pc_domain {
	u64 *pgd;
	u64 *spare;
	int nid;
};

static void pc_show(u64 *pt)
{
	pr_debug("pt pfn 0x%lx\n", PHYS_PFN(virt_to_phys(pt)));
}

static void pc_show_twice(u64 *table)
{
	pc_show(table);
	pr_debug("pt at %pa\n", &(phys_addr_t){ virt_to_phys(table) });
}

static void pc_maybe_table(u64 *pt)
{
	pr_debug("pfn 0x%lx\n", page_to_pfn(virt_to_page(pt)));
}

static void pc_callback(u64 *pt)
{
	pr_debug("pfn 0x%lx\n", page_to_pfn(virt_to_page(pt)));
}

static void (*pc_hook)(u64 *) = pc_callback;

void pc_init(struct pc_domain *d, u64 *other)
{
	d->pgd = iommu_alloc_page_node(d->nid, GFP_KERNEL);
	pc_show_twice(d->pgd);
	pc_maybe_table(d->pgd);
	pc_maybe_table(other);
	pc_callback(d->pgd);
	pc_hook(d->pgd);
}

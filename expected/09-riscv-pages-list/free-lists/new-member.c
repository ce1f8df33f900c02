// SPDX-License-Identifier: GPL-2.0-only
/*
 * Fixture: riscv-style code added later: the tables of a domain being
 * torn down are collected on a member list of the domain and freed when
 * the domain goes.
 */
#include "iommu-pages.h"

struct nm_domain {
	unsigned long *pgd;
	struct iommu_pages_list dead;
};

static void nm_drop(struct nm_domain *dom, unsigned long *pt)
{
	iommu_pages_list_add(&dom->dead, pt);
}

static void nm_domain_free(struct nm_domain *dom)
{
	nm_drop(dom, dom->pgd);
	iommu_put_pages_list(&dom->dead);
	kfree(dom);
}

// Look-alikes that are not the order-taking page helper: an order used as
// a hardware field, a helper that passes its order on to the buddy
// allocator, and page tables allocated directly (converted elsewhere).
static void *riscv_iommu_buddy(struct riscv_iommu_device *iommu,
			       unsigned int order)
{
	return (void *)__get_free_pages(GFP_KERNEL | __GFP_ZERO, order);
}

static void riscv_iommu_set_mode(struct riscv_iommu_device *iommu,
				 size_t size)
{
	const int order = get_order(size);

	riscv_iommu_writeq(iommu, RISCV_IOMMU_REG_DDTP, order);
	iommu->dir = riscv_iommu_buddy(iommu, order);
}

static unsigned long *riscv_iommu_pte_alloc(struct riscv_iommu_domain *domain,
					    gfp_t gfp)
{
	return iommu_alloc_page_node(domain->numa_node, gfp);
}

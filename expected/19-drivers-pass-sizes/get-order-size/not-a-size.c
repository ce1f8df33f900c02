// get_order() results that are not the order of an iommu-pages
// allocation, and orders that are not get_order() of a size.
static int setup(struct unit *u, size_t size)
{
	int order = get_order(size);
	void *p;

	/* another allocator */
	p = (void *)__get_free_pages(GFP_KERNEL | __GFP_ZERO, order);
	/* a hardware field */
	writel(order, u->base + TABLE_ORDER_REG);
	/* a literal order: converted with the hardware size elsewhere */
	u->pgtable = iommu_alloc_pages(GFP_KERNEL, 2);
	/* the size changes between get_order() and the allocation */
	size = size * 2;
	u->big = iommu_alloc_pages(GFP_KERNEL, order);
	return p ? 0 : -ENOMEM;
}

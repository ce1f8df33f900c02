// The order is also a register field and an entry count: not a page count
// handed to a page-granular function, so every use of it stays.
static int ring_init(struct unit *u, size_t size)
{
	int order = get_order(size);

	u->ring = iommu_alloc_pages(GFP_KERNEL, order);
	if (!u->ring)
		return -ENOMEM;
	writel(order, u->regs + RING_ORDER_REG);
	u->entries = (1 << order) * PAGE_SIZE / 16;
	return 0;
}

// The order is also a register field and an entry count: only the
// allocation changes; the local and its other uses keep their value.
static int ring_init(struct unit *u, size_t size)
{
	int order = get_order(size);

	u->ring = iommu_alloc_pages_sz(GFP_KERNEL, size);
	if (!u->ring)
		return -ENOMEM;
	writel(order, u->regs + RING_ORDER_REG);
	u->entries = (1 << order) * PAGE_SIZE / 16;
	return 0;
}

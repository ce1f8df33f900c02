// The order is not always get_order(size): it becomes PAGE_SIZE << order.
static void *maybe_big(struct unit *u, size_t size, bool big)
{
	int order = get_order(size);

	if (big)
		order = MAX_TABLE_ORDER;
	return iommu_alloc_pages_sz(GFP_KERNEL, PAGE_SIZE << order);
}

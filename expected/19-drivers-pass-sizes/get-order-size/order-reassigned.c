// The order is not get_order(size) on every path, or the size changes
// after it was taken: the size cannot stand for the order.
static void *maybe_big(struct unit *u, size_t size, bool big)
{
	int order = get_order(size);

	if (big)
		order = MAX_TABLE_ORDER;
	return iommu_alloc_pages(GFP_KERNEL, order);
}

static void *grown(struct unit *u, size_t size)
{
	int order = get_order(size);

	if (u->extra)
		size += u->extra;
	u->len = size;
	return iommu_alloc_pages_node(u->nid, GFP_KERNEL, order);
}

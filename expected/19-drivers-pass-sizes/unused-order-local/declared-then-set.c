// Locals declared without a value and set to get_order() of a size later.
static int ring_alloc(struct unit *u, struct ring *ring, size_t size)
{
	ring->base = iommu_alloc_pages_node_sz(u->node, GFP_KERNEL, size);
	if (!ring->base)
		return -ENOMEM;
	return 0;
}

static void *two_paths(size_t size, bool big)
{
	int ret, order;

	if (big)
		order = get_order(size * 2);
	else
		order = get_order(size);
	ret = 0;
	return iommu_alloc_pages_sz(GFP_KERNEL, big ? size * 2 : size);
}

static void *still_read(size_t size, u32 *reg)
{
	int order;

	order = get_order(size);
	*reg = order;
	return iommu_alloc_pages_sz(GFP_KERNEL, size);
}

static void *no_value(size_t size)
{
	int order;

	return iommu_alloc_pages_sz(GFP_KERNEL, size);
}

static void *in_block(size_t size, bool big)
{
	int order;

	if (big) {
		order = get_order(size);
	}
	return iommu_alloc_pages_sz(GFP_KERNEL, size);
}

static void *two_assignments(size_t size, size_t more)
{
	size += more;
	return iommu_alloc_pages_sz(GFP_KERNEL, size);
}

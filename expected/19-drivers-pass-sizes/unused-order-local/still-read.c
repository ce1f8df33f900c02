// get_order() locals that are still read: a page count for the memory
// encryption attribute, a hardware size field, and a buddy allocation.
static void *alloc_shared(gfp_t gfp, size_t size)
{
	int order = get_order(size);
	void *buf = iommu_alloc_pages_sz(gfp, size);

	if (buf && set_memory_decrypted((unsigned long)buf, 1 << order)) {
		iommu_free_pages(buf);
		return NULL;
	}
	return buf;
}

static void program_queue(struct unit *u, size_t size)
{
	const int order = get_order(size);

	writel(QUEUE_SIZE_FIELD(order), u->base + QUEUE_REG);
}

static void *table_alloc(size_t size)
{
	unsigned int order = get_order(size);

	return (void *)__get_free_pages(GFP_KERNEL, order);
}

// No page count from the order, or not iommu-pages memory.
void *alloc_plain(gfp_t gfp, size_t size)
{
	int order = get_order(size);

	return iommu_alloc_pages(gfp, order);
}

void *alloc_buddy(gfp_t gfp, size_t size)
{
	int order = get_order(size);
	void *buf = (void *)__get_free_pages(gfp, order);

	if (buf && set_memory_4k((unsigned long)buf, 1 << order)) {
		free_pages((unsigned long)buf, order);
		buf = NULL;
	}
	return buf;
}

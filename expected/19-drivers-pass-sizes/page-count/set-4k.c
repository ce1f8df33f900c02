// The order is also a page count for set_memory_4k().
void *alloc_4k_pages(struct unit *u, gfp_t gfp, size_t size)
{
	int order = get_order(size);
	void *buf = iommu_alloc_pages_sz(gfp, PAGE_ALIGN(size));

	if (buf &&
	    has_snp() &&
	    set_memory_4k((unsigned long)buf, PAGE_ALIGN(size) / PAGE_SIZE)) {
		iommu_free_pages(buf);
		buf = NULL;
	}

	return buf;
}

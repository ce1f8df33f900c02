// Single-operand orders of each kind in one file: a member, and a local
// and a parameter in two more functions.  Each call is rewritten once
// (several matches of one kind with one of another once tagged a call
// twice and stopped spatch).
static int unit_tables(struct unit *u)
{
	u->tbl = iommu_alloc_pages_sz(GFP_KERNEL, PAGE_SIZE << u->tbl_order);
	return u->tbl ? 0 : -ENOMEM;
}

static void *unit_ring(struct unit *u, size_t size)
{
	int order = get_order(size) + 1;

	return iommu_alloc_pages_sz(GFP_KERNEL, PAGE_SIZE << order);
}

static void *unit_any(unsigned int order)
{
	return iommu_alloc_pages_sz(GFP_ATOMIC, PAGE_SIZE << order);
}

// An order already in parentheses: a macro parameter written '(o)', and
// a sum in parentheses in a function.  Neither gets a second pair.
#define unit_alloc_tbl(o)	iommu_alloc_pages_sz(GFP_KERNEL, PAGE_SIZE << (o))

static void *unit_alloc_two(struct unit *u)
{
	return iommu_alloc_pages_sz(GFP_KERNEL, PAGE_SIZE << (u->order + 1));
}

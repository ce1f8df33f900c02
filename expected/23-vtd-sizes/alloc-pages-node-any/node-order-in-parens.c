// An order already in parentheses: a macro parameter written '(o)', and
// a sum in parentheses in a function.  Neither gets a second pair.
#define unit_alloc_tbl(nid, o)	iommu_alloc_pages_node_sz(nid, GFP_KERNEL, PAGE_SIZE << (o))

static void *unit_alloc_two(struct unit *u)
{
	return iommu_alloc_pages_node_sz(u->nid, GFP_KERNEL,
					 PAGE_SIZE << (u->order + 1));
}

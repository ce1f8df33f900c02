// A driver-local macro's body.
#define unit_alloc_pt(gfp)	iommu_alloc_pages_sz(gfp, PAGE_SIZE)
#define unit_alloc_dir(gfp)	iommu_alloc_pages_sz(gfp, PAGE_SIZE << DIR_ORDER)

static int unit_tables(struct unit *u)
{
	u->dir = unit_alloc_dir(GFP_KERNEL);
	u->pt = unit_alloc_pt(GFP_KERNEL);
	return 0;
}

// A macro parameter may stand for any expression: it is parenthesised.
#define unit_alloc_n(gfp, o)	iommu_alloc_pages_sz(gfp, PAGE_SIZE << (o))

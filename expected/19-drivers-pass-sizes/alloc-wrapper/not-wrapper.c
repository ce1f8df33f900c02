// Helpers that do more than forward, or are visible to other files.
static void *tbl_alloc_counted(struct pgt *data, size_t size, gfp_t gfp)
{
	data->nr_tables++;
	return iommu_alloc_pages_sz(gfp, size);
}

void *tbl_alloc_exported(size_t size, gfp_t gfp)
{
	return iommu_alloc_pages_sz(gfp, size);
}

static void *tbl_alloc_zeroed(size_t size, gfp_t gfp)
{
	return kzalloc(size, gfp);
}

static int map_one(struct pgt *data, gfp_t gfp, size_t tblsz)
{
	void *a = tbl_alloc_counted(data, tblsz, gfp);
	void *b = tbl_alloc_exported(tblsz, gfp);
	void *c = tbl_alloc_zeroed(tblsz, gfp);

	return a && b && c ? 0 : -ENOMEM;
}

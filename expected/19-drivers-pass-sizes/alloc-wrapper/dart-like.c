// A private wrapper that only forwards to iommu_alloc_pages_sz().
struct pgt {
	void *pgd[2];
};

static int map_one(struct pgt *data, gfp_t gfp, size_t tblsz)
{
	void *cptep = iommu_alloc_pages_sz(gfp, tblsz);

	if (!cptep)
		return -ENOMEM;
	data->pgd[0] = iommu_alloc_pages_sz(GFP_KERNEL, GRANULE(data));
	data->pgd[1] = iommu_alloc_pages_sz(GFP_KERNEL, GRANULE(data));
	return 0;
}

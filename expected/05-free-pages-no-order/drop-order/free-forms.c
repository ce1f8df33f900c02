// Frees with an order of any shape: a constant expression, a member, a
// macro, get_order(), a call; in a macro body and an #ifdef branch.
#define unit_free_dir(p)	iommu_free_pages(p)

static void unit_free(struct unit *u, bool big)
{
	iommu_free_pages(u->ring);
	iommu_free_pages(u->lvl[0].table);
	iommu_free_pages(u->buf);
	iommu_free_pages(u->evt);
#ifdef CONFIG_UNIT_CACHE
	iommu_free_pages(u->cache);
#endif
	unit_free_dir(u->dir);
}

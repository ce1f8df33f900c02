// A new helper's free, a free in a macro body and in an #ifdef branch.
#define rk_put_scratch(p)	iommu_free_pages(p)

static void rk_free_scratch(u32 *p)
{
	iommu_free_pages(p);
}

static void rk_free_tables(struct rk_domain *rk, int i)
{
#ifdef CONFIG_RK_DEBUG
	iommu_free_pages(rk->dbg ? rk->dbg : NULL);
#endif
	iommu_free_pages(rk->lvl[i].table);
	rk_put_scratch(rk->scratch);
}

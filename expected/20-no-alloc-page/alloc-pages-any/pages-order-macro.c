// An order named by a macro.
#define LV1_ORDER	2

static int lv1_alloc(struct dom *dom)
{
	dom->lv1 = iommu_alloc_pages_sz(GFP_KERNEL, PAGE_SIZE << LV1_ORDER);
	return dom->lv1 ? 0 : -ENOMEM;
}

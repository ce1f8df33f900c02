// SPDX-License-Identifier: GPL-2.0-only
/* Pages that are not iommu-pages memory, or not only looked at. */
struct qux_domain {
	u64 *pgd;
	void *buf;
};

static void qux_free(struct qux_domain *dom)
{
	iommu_free_page(dom->pgd);
	kfree(dom->buf);
}

static unsigned long qux_buf_pfn(struct qux_domain *dom)
{
	return page_to_pfn(virt_to_page(dom->buf));
}

static void *qux_entry_page(struct qux_domain *dom, int i)
{
	/* not the table itself: its page starts elsewhere */
	return page_address(virt_to_page(dom->pgd + i));
}

static void qux_dirty(struct qux_domain *dom)
{
	struct page *pg = virt_to_page(dom->pgd);

	pr_debug("%p\n", page_address(pg));
	set_page_dirty(pg);
}

static inline unsigned long qux_page_to_dma_pfn(struct page *pg)
{
	return page_to_pfn(pg) << 1;
}

// Lists that stay list_heads (walked, a non-static function's parameter,
// tested with list_is_singular()) beside one that converts.
static void walk_free(struct list_head *freelist)
{
	struct page *page, *next;

	list_for_each_entry_safe(page, next, freelist, lru) {
		list_del(&page->lru);
		iommu_free_pages(page_address(page));
	}
}

static void unmap_walked(u64 *pt)
{
	LIST_HEAD(freelist);

	list_add(&virt_to_page(pt)->lru, &freelist);
	walk_free(&freelist);
}

void queue_exported(u64 *pt, struct list_head *freelist)
{
	list_add_tail(&virt_to_page(pt)->lru, freelist);
}

static void unmap_exported(u64 *pt)
{
	LIST_HEAD(freelist);

	queue_exported(pt, &freelist);
	iommu_put_pages_list(&freelist);
}

static void unmap_ok(u64 *pt)
{
	struct iommu_pages_list freelist = IOMMU_PAGES_LIST_INIT(freelist);

	iommu_pages_list_add(&freelist, pt);
	iommu_put_pages_list(&freelist);
}

static void unmap_walked_seeded(u64 *pt)
{
	LIST_HEAD(pages);

	list_add(&virt_to_page(pt)->lru, &pages);
	if (list_is_singular(&pages))
		pr_debug("one table\n");
	iommu_put_pages_list(&pages);
}

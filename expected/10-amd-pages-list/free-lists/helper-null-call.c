// SPDX-License-Identifier: GPL-2.0-only
/*
 * A queueing helper that one caller invokes with no list: the calls with
 * a list become iommu_pages_list_add(), the helper stays for that caller.
 */

static void queue_table(u64 *pt, struct iommu_pages_list *freelist)
{
	iommu_pages_list_add(freelist, pt);
}

static void free_level(u64 *pt, struct iommu_pages_list *freelist)
{
	iommu_pages_list_add(freelist, pt);
}

static void drop_orphan(u64 *pt)
{
	queue_table(pt, NULL);
}

void unmap_range(u64 *root)
{
	struct iommu_pages_list freelist = IOMMU_PAGES_LIST_INIT(freelist);

	free_level(root, &freelist);
	drop_orphan(root);
	iommu_put_pages_list(&freelist);
}

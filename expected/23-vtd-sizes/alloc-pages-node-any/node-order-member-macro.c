// An order in a member and an order macro, node from a call.
#define PRI_ORDER	1

static int pri_alloc(struct unit *u, struct device *dev)
{
	u->pri = iommu_alloc_pages_node_sz(dev_to_node(dev), GFP_KERNEL,
					   PAGE_SIZE << PRI_ORDER);
	u->dir = iommu_alloc_pages_node_sz(u->nid, GFP_ATOMIC,
					   PAGE_SIZE << u->dir_order);
	return 0;
}

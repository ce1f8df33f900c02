// The node comes from a function call; it is kept as it is.
static int ctx_alloc(struct ctx *ctx, struct device *dev)
{
	ctx->table = iommu_alloc_pages_node_sz(dev_to_node(dev), GFP_KERNEL,
					       PAGE_SIZE);
	return ctx->table ? 0 : -ENOMEM;
}

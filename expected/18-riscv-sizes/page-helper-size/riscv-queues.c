// A riscv-like driver: a devres-managed page helper that takes an order,
// queues sized by their entries, and single 4 KiB directory tables.
struct riscv_iommu_devres {
	void *addr;
};

static void *riscv_iommu_get_pages(struct riscv_iommu_device *iommu,
				   size_t size)
{
	struct riscv_iommu_devres *devres;
	void *addr;

	addr = iommu_alloc_pages_node_sz(dev_to_node(iommu->dev),
					 GFP_KERNEL_ACCOUNT, size);
	if (unlikely(!addr))
		return NULL;

	devres = devres_alloc(riscv_iommu_devres_pages_release,
			      sizeof(struct riscv_iommu_devres), GFP_KERNEL);
	if (unlikely(!devres)) {
		iommu_free_pages(addr);
		return NULL;
	}

	devres->addr = addr;
	devres_add(iommu->dev, devres);
	return addr;
}

static int riscv_iommu_queue_alloc(struct riscv_iommu_device *iommu,
				   struct riscv_iommu_queue *queue,
				   size_t entry_size)
{
	unsigned int logsz = ilog2(queue->mask);

	do {
		const size_t queue_size = entry_size << (logsz + 1);
		const int order = get_order(queue_size);

		queue->base = riscv_iommu_get_pages(iommu,
						    max(queue_size, SZ_4K));
		queue->phys = __pa(queue->base);
	} while (!queue->base && logsz-- > 0);

	return queue->base ? 0 : -ENOMEM;
}

static void *riscv_iommu_ring(struct riscv_iommu_device *iommu, size_t bytes)
{
	return riscv_iommu_get_pages(iommu, max(bytes, SZ_4K));
}

static int riscv_iommu_iodir_alloc(struct riscv_iommu_device *iommu)
{
	if (!iommu->ddt_root) {
		iommu->ddt_root = riscv_iommu_get_pages(iommu, SZ_4K);
		iommu->ddt_phys = __pa(iommu->ddt_root);
	}
	return iommu->ddt_root ? 0 : -ENOMEM;
}

static struct riscv_iommu_dc *riscv_iommu_get_dc(struct riscv_iommu_device *iommu,
						 unsigned long *ddtp)
{
	void *ptr;

	ptr = riscv_iommu_get_pages(iommu, SZ_4K);
	if (!ptr)
		return NULL;
	*ddtp = virt_to_pfn(ptr);
	return ptr;
}

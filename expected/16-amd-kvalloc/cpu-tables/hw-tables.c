// Tables the hardware reads stay in iommu-pages; look-alike names of
// other memory are not touched.
#define DEV_TABLE_ENTRY_SIZE	32
#define ALIAS_ENTRY_SIZE	2

struct seg {
	u16 last_bdf;
	u32 dev_table_size;
	struct dte *dev_table;
	struct dte *old_dev_tbl_cpy;
};

struct bridge {
	u16 *alias_table;
	u32 alias_table_len;
};

static int alloc_dev(struct seg *s)
{
	s->dev_table = iommu_alloc_pages(GFP_KERNEL | GFP_DMA32,
					 get_order(s->dev_table_size));
	return s->dev_table ? 0 : -ENOMEM;
}

static void free_dev(struct seg *s)
{
	iommu_free_pages(s->dev_table);
}

static int alloc_bridge(struct bridge *b, int n)
{
	b->alias_table = kcalloc(n, sizeof(*b->alias_table), GFP_KERNEL);
	b->alias_table_len = n;
	return b->alias_table ? 0 : -ENOMEM;
}

static void free_bridge(struct bridge *b)
{
	kfree(b->alias_table);
}

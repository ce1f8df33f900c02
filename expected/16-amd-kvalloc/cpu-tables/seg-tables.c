// Per-segment lookup tables of an AMD-like driver, indexed by device id.
#define DEV_TABLE_ENTRY_SIZE		32

struct seg {
	u16 last_bdf;

	/* Size of the device table */
	u32 dev_table_size;

	struct dte *dev_table;
	struct unit **rlookup_table;
	struct irt **irq_lookup_table;
	u16 *alias_table;
};

static int alloc_rlookup(struct seg *s)
{
	s->rlookup_table = kvcalloc(s->last_bdf + 1,
				    sizeof(*s->rlookup_table), GFP_KERNEL);
	if (!s->rlookup_table)
		return -ENOMEM;
	return 0;
}

static void free_rlookup(struct seg *s)
{
	kvfree(s->rlookup_table);
	s->rlookup_table = NULL;
}

static int alloc_irq_lookup(struct seg *s)
{
	s->irq_lookup_table = kvcalloc(s->last_bdf + 1,
				       sizeof(*s->irq_lookup_table),
				       GFP_KERNEL);
	if (!s->irq_lookup_table)
		return -ENOMEM;
	return 0;
}

static void free_irq_lookup(struct seg *s)
{
	kvfree(s->irq_lookup_table);
	s->irq_lookup_table = NULL;
}

static int alloc_alias(struct seg *s)
{
	int i;

	s->alias_table = kvmalloc_array(s->last_bdf + 1,
					sizeof(*s->alias_table), GFP_KERNEL);
	if (!s->alias_table)
		return -ENOMEM;

	for (i = 0; i <= s->last_bdf; ++i)
		s->alias_table[i] = i;
	return 0;
}

static void free_alias(struct seg *s)
{
	kvfree(s->alias_table);
}

static void setup(struct seg *s, int last)
{
	s->last_bdf = last;
	s->dev_table_size     = tbl_size(DEV_TABLE_ENTRY_SIZE, last);
}

// A size helper with two callers stays, rewritten in place; its callers
// are not touched.
#define ALIAS_TABLE_ENTRY_SIZE	2
#define DEV_TABLE_ENTRY_SIZE	32

static inline unsigned long tbl_size(int entry_size, int last_bdf)
{
	return max(roundup_pow_of_two((last_bdf + 1) * entry_size), SZ_4K);
}

static void setup(struct seg *s, int last_bdf)
{
	s->dev_table_size = tbl_size(DEV_TABLE_ENTRY_SIZE, last_bdf);
	s->alias_table_size = tbl_size(ALIAS_TABLE_ENTRY_SIZE, last_bdf);
}

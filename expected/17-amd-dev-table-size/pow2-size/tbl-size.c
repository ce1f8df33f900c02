// Byte size of a device-id indexed table, computed through a page order.
#define DEV_TABLE_ENTRY_SIZE	32

static inline unsigned long tbl_size(int entry_size, int last_bdf)
{
	return max(roundup_pow_of_two((last_bdf + 1) * entry_size), SZ_4K);
}

static inline unsigned long ring_bytes(unsigned int entries)
{
	return max(roundup_pow_of_two(entries * 16), SZ_4K);
}

static void setup(struct seg *s, int last_bdf)
{
	s->dev_table_size = tbl_size(DEV_TABLE_ENTRY_SIZE, last_bdf);
}

// Byte size of a device-id indexed table, computed through a page order.
#define DEV_TABLE_ENTRY_SIZE	32

static inline unsigned long ring_bytes(unsigned int entries)
{
	return max(roundup_pow_of_two(entries * 16), SZ_4K);
}

static void setup(struct seg *s, int last_bdf)
{
	s->dev_table_size = max(roundup_pow_of_two((last_bdf + 1) * DEV_TABLE_ENTRY_SIZE),
				SZ_4K);
}

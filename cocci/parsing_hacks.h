/*
 * Parser hints for spatch 1.1.1, passed to every rule with --macro-file.
 *
 * spatch skips a function it cannot parse, silently.  Each definition below
 * teaches it one kernel macro found in drivers/iommu that it would
 * otherwise misread; say which file needs it and why.
 */

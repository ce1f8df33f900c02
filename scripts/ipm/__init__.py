"""iommu-pages-migrate: the pieces behind scripts/apply-series.py."""

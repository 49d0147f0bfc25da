"""Every table of the product."""

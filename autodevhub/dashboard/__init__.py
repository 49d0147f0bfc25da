"""Dashboard: the home page, an overview of the product and its sections."""

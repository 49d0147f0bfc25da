"""Dashboard: the portfolio home page (a card per readable project) and each project's overview."""

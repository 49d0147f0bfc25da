"""Documentation generated from repositories and kept fresh from pushes."""

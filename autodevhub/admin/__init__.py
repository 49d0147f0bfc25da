"""Administration pages: users, the audit log and instance-wide settings (admins only)."""

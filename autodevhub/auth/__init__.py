"""Accounts, sessions, tokens, roles and permissions."""

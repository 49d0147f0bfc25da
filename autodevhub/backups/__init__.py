"""Backups of the whole database (SQLite or PostgreSQL) into one file, optionally encrypted, and restores."""

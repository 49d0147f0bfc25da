"""Thin adapters over external SDKs (GitHub, Claude...), configured from settings."""

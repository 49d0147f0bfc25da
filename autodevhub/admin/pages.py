"""Imports the admin pages so their @template decorators record them."""

from autodevhub.admin import audit_page, settings_page, users_page

__all__ = ["audit_page", "settings_page", "users_page"]

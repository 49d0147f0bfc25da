"""The Settings page: projects, members, tokens and integrations."""

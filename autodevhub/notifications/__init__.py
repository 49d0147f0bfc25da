"""Notifications: Apprise channels, events from runs and stories, the delivery log and in-app notices."""

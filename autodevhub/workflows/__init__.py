"""Workflows: GitHub Actions runs, CI health and DORA metrics."""

"""Scenario results read back from CI: test reports in a run's artifacts, mapped to stories."""

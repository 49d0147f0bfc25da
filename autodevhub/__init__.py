"""AutoDevHub: an AI-powered DevOps tracker for software teams."""

__version__ = "0.1.0"

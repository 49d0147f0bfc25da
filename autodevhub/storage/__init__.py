"""Storage tiers on PostgreSQL (seed §4.2): monthly audit_logs partitions and the archive of old runs."""

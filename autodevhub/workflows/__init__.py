"""Workflows: GitHub Actions runs, CI health and DORA metrics.

service (reads, WORKFLOW_READ) · actions (dispatch, re-run, cancel, sync; WORKFLOW_RUN, audited) ·
metrics and dora (SQL aggregates) · charts (plotly figures from service.project_metrics) ·
sync (GitHub -> database) · webhooks · tasks (jobs) · store (upserts) · demo · api (REST).
"""

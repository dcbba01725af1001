"""Supervision's forms, one module per area."""

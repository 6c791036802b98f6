"""Self-assessment of local systems (placeholder while building)."""

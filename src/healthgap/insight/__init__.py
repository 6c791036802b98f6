"""Insight: open segmentation of small areas, stages of change, service equity audit."""

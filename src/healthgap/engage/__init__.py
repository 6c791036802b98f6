"""Engagement: Making Every Contact Count (MECC) logging, training, dashboards and staff health.

Core domain: pure functions on tidy tables; it never imports reports, store, web or cli.
The MECC modules are ``mecc`` (entries and sync batches), ``mecc_vocabulary``,
``mecc_directory``, ``mecc_dashboards``, ``mecc_run_charts``, ``mecc_attribution``,
``training``, ``staff_health`` and ``staff_health_import``.
"""

"""Google Cloud provider: Cloud Run services, Pub/Sub, Cloud Storage, Firestore, Cloud Scheduler.

This package imports nothing heavy: its runtime side ships inside functions. The deploy side
(``providers.gcp.deploy``) imports Pulumi and is only loaded by ``portable plan`` / ``pulumi up``.
"""

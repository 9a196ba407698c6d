"""Providers: one package per target (``aws``, ``azure``, ``gcp``, ``local``), each holding its deploy
side and its runtime side. Nothing is imported here: runtime code ships inside functions."""

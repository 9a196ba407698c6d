"""``portable check TARGET``: placeholder replaced below."""

"""``portable migrate``: move a stack's data between providers (plan, copy, verify).

The logic lives here once; each provider supplies its data plane (:mod:`portable.dataplane`).
"""

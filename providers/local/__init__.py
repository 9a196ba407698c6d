"""The local provider: runs a stack on this machine, with the same handler code and neutral events.

Nothing is imported here: the runtime clients (``providers.local.clients``) load only what they use.
Tests and the CLI drive a stack through :class:`providers.local.stack.LocalStack`.
"""

"""What the local provider can run: everything the model allows, on this machine.

Memory, timeouts and instance counts are not enforced locally; schedules run in their own time zone.
"""

from __future__ import annotations

from portable.limits import ProviderLimits

LIMITS = ProviderLimits(
    name="local",
    title="local (this machine)",
    schedules="local",
    notes=("Functions run in this Python interpreter, whatever runtime the stack names.",),
)

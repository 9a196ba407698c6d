"""The error raised when a function's code archive cannot be built."""

from __future__ import annotations

from portable.errors import PortableError


class BundleError(PortableError):
    """A function's code archive could not be built.

    The message names what is wrong (a missing source folder, a runtime file that would bring deploy-time
    code into the function, a requirement without a wheel for the target platform) and the hint says how
    to fix it.
    """

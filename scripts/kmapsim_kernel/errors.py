"""The exit codes of kmapsim (shared/BUG-CLASSES.md) as exceptions."""


class KmapsimError(Exception):
    code = 3


class BadInput(KmapsimError):
    """The input itself is unusable: exit 2."""
    code = 2


class Unavailable(KmapsimError):
    """Something kmapsim needs could not be installed: exit 3 (tests skip on it)."""
    code = 3


class Internal(KmapsimError):
    code = 3

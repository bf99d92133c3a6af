"""The published JSON API read back into a PolicySet (stable import path).

    >>> from policykit.client import load_api
    >>> ps = load_api("site/api/v1")
"""

from policykit.publish.api.client import ApiError, load_api

__all__ = ["ApiError", "load_api"]

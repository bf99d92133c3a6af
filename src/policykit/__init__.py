"""policykit: China's medical-insurance rules as data.

    >>> import policykit
    >>> ps = policykit.load("policies")
    >>> r = ps.value("441800", "resident.inpatient.ratio", "2021-08-24", hospital_level="level3")
    >>> r.value.number, r.origin, r.entry.source
    >>> for c in policykit.changes(ps): ...          # dated rule changes, newest first
    >>> e = policykit.estimate(ps, "441800", day="2026-12-01", scheme="resident",
    ...                        hospital_level="level3", cost=10000)   # docs/estimate.md
    >>> from policykit.client import load_api        # the published JSON API → PolicySet
"""

from policykit._version import __version__
from policykit.costs.estimate import Estimate, EstimateError, estimate
from policykit.loader.build import LoadError, load, load_tree
from policykit.model.changes import RuleChange, changes
from policykit.model.policyset import PolicySet
from policykit.model.timeline import Resolved

__all__ = ["Estimate", "EstimateError", "LoadError", "PolicySet", "Resolved", "RuleChange",
           "__version__", "changes", "estimate", "load", "load_tree"]

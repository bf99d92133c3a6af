"""Costs: what a hospital stay costs the patient after insurance, computed from the
rules in force (a layer beside check/diff: it reads the model). See docs/estimate.md."""

"""policykit.diff.compare."""

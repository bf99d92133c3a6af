"""policykit.check."""

"""policykit.util."""

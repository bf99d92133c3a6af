"""policykit.loader."""

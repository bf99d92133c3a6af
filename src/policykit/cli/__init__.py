"""policykit.cli.main."""

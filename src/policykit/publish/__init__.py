"""policykit.publish.run."""

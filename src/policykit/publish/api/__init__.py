"""policykit.publish.run.api."""

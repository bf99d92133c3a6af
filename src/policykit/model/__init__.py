"""policykit.model.entities."""

"""`policykit extract`: propose draft rule entries, with verbatim quotes, from a document."""

"""Claim tracking: inbound files (999, 277CA, 277), what they do to claims, and status inquiries."""

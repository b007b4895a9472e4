"""Remittances: each 835 recorded per practice with its claims matched, and the work list of what could not be."""

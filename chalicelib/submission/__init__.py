"""Submission: ready claims into 837 files in the clearinghouse outbox, as batches."""

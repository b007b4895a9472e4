"""The local stack that `make run` starts: AWS stand-ins, localstripe, `chalice local` and the event runner.

Development tooling only: nothing here ships to Lambda, and nothing in `chalicelib/` imports it.
"""

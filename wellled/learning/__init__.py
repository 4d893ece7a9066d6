"""Learning from complaints (and later other signals).

Actions with owners and evidence, sharing with read receipts, a redacted library.
"""

"""Making Data Count.

The metric catalogue, SPC charts, the Integrated Performance Report and board packs.
"""

"""CQC assurance.

Frameworks as reference data, self-assessment rounds, the evidence library and the well-led page.
"""

"""Inspections and regulatory actions.

CQC findings, must-do and should-do action plans, sign-off and progress reports.
"""

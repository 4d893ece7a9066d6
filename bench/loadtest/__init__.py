"""`make loadtest`: load and fault test on PostgreSQL and Redis.

See docs/deployment.md, "Load test".
"""

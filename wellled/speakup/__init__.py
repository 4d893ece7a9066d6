"""Freedom to Speak Up.

Open, confidential and anonymous routes, encrypted guardian casework, the national return.
"""

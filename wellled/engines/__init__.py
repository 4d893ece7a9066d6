"""Computation engines: plain Python and numpy, with no Django import.

Each engine (SPC, ratings, equality statistics) is a package here with a
documented API that an analyst can call from a notebook:

    from wellled.engines.spc import xmr

The web app calls the same functions. tests/test_engines_are_standalone.py keeps
Django out of this package.
"""

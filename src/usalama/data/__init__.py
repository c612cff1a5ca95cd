"""Data files shipped inside the package (read with :mod:`importlib.resources`).

Nothing here is downloaded at run time; every file names its source and licence in
the README of its folder (for example ``geo/README.md``).
"""

"""The public portal (``/public/``) and its API: monthly statistics that passed disclosure control.

Delivery code like ``usalama.desk``: it reads the domain apps (intake, policing, oversight,
cases) only to build anonymous monthly tables, and serves nothing but stored, checked tables.
"""

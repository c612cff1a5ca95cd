"""Desk work that spans two domain apps: turning a community report or tip into an incident.

A delivery layer like the web shell and the API: intake and policing never import each other
(import contract), so the one place that knows both lives here.
"""

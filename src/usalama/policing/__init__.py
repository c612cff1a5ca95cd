"""Policing: incidents and calls for service, response times, hotspot forecasts, patrol plans."""

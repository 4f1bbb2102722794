"""Turns the values tagged in meeting minutes (dates, times, names) into canonical form."""

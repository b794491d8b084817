"""Seatback (让座): gives library seats back to the people who sit in them."""

__version__ = "0.1.0"

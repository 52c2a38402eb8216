"""Notifications' public face: empty on purpose.

Notifications only listens (ARCHITECTURE.md §4): it publishes no integration event and
answers no other context's questions, so there is nothing here for another context to import.
"""

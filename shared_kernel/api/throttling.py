"""Placeholder: filled in by the API-plumbing work."""

from rest_framework import throttling


class AnonRateThrottle(throttling.AnonRateThrottle):
    pass


class UserRateThrottle(throttling.UserRateThrottle):
    pass


class AuthRateThrottle(throttling.AnonRateThrottle):
    """The stricter limit on auth endpoints (`THROTTLE_AUTH`), per client IP."""

    scope = "auth"

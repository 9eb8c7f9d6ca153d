"""A metering library that ships its tests inside the package (as rollbar does)."""

from metering.core import current_rate, refresh_rate

__all__ = ["current_rate", "refresh_rate"]

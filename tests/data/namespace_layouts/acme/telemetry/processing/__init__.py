"""The span processor base of a telemetry SDK shipped as a namespace package (`acme/` and
`acme/telemetry/` have no __init__.py, like opentelemetry-sdk)."""


class SpanProcessor:
    def on_end(self, span):
        """Called for every finished span."""

    def force_flush(self, timeout=None):
        """Export what is queued."""

"""The top floor: pages that gather several domains (the facilitator's to-do page)."""

from coalition.web.routes import bp

__all__ = ["bp"]

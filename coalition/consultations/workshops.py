"""Use-case workshops: cases, common issues, contributions, and the result page."""

from flask import Blueprint

bp = Blueprint("workshops", __name__)

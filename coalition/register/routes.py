"""The register of algorithmic systems and AI uses: public pages; owners and facilitators write."""

from flask import Blueprint

bp = Blueprint("register", __name__)

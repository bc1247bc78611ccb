"""The register as data: CSV, JSON and an Atom feed of new and changed entries."""

from flask import Blueprint

bp = Blueprint("register_data", __name__)

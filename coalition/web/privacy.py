"""The privacy page: what is kept about whom, and for how long."""

from flask import Blueprint

bp = Blueprint("privacy", __name__)

"""Sign-ups for workshops: the form after answering, the facilitator's list, export and mail,
and the withdrawal link."""

from flask import Blueprint

bp = Blueprint("signups", __name__)

"""placeholder"""

from flask import Blueprint

bp = Blueprint("stall", __name__)

"""placeholder"""

from flask import Blueprint

bp = Blueprint("consultations", __name__)

"""placeholder"""

from flask import Blueprint

bp = Blueprint("consultation_manage", __name__)

"""The animation kit: posters and flyers with a QR code, for a consultation and for each stall."""

from flask import Blueprint

bp = Blueprint("kit", __name__)

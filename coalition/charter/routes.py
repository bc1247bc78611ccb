"""The charter of values, its versions and signatures; the labels the coalition tries out."""

from flask import Blueprint

bp = Blueprint("charter", __name__)

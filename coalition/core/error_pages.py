"""Error pages in the visitor's language."""

from flask import Flask, render_template
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException


def register_error_pages(app: Flask) -> None:
    @app.errorhandler(CSRFError)
    def csrf_error(error: CSRFError) -> ResponseReturnValue:
        message = _(
            "Le formulaire a expiré ou ne vient pas de ce site. "
            "Rechargez la page et envoyez-le à nouveau : rien n'a été enregistré."
        )
        return render_template("errors/error.html", code=400, message=message), 400

    @app.errorhandler(HTTPException)
    def http_error(error: HTTPException) -> ResponseReturnValue:
        if error.code is None or error.code < 400:
            return error
        return render_template("errors/error.html", code=error.code), error.code

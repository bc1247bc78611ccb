"""Error pages in the visitor's language."""

from flask import Flask, render_template
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException

from coalition.core.errors import Conflict, DomainError
from coalition.db import db_session


def register_error_pages(app: Flask) -> None:
    @app.errorhandler(CSRFError)
    def csrf_error(error: CSRFError) -> ResponseReturnValue:
        message = _(
            "Le formulaire a expiré ou ne vient pas de ce site. "
            "Rechargez la page et envoyez-le à nouveau : rien n'a été enregistré."
        )
        return render_template("errors/error.html", code=400, message=message), 400

    @app.errorhandler(DomainError)
    def domain_error(error: DomainError) -> ResponseReturnValue:
        """A rule the route did not show on its form: still the user's answer, never a 500."""
        db_session().rollback()
        code = 409 if isinstance(error, Conflict) else 400
        return render_template("errors/error.html", code=code, message=str(error)), code

    @app.errorhandler(HTTPException)
    def http_error(error: HTTPException) -> ResponseReturnValue:
        if error.code is None or error.code < 400:
            return error
        # a message of our own (abort(400, description=...)), never werkzeug's English default
        own = error.description != type(error).description
        message = error.description if own else None
        return render_template("errors/error.html", code=error.code, message=message), error.code

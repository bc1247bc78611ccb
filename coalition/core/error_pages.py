"""Error pages in the visitor's language, in the format the address asks for: a `.json` address
gets JSON, a calendar, feed or file export plain text, any other address an HTML page."""

from flask import Flask, Response, jsonify, render_template, request
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf.csrf import CSRFError
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm.exc import StaleDataError
from werkzeug.exceptions import HTTPException

from coalition.core.errors import Conflict, DomainError
from coalition.core.writes import SIMULTANEOUS
from coalition.db import db_session

MESSAGES = {
    403: _l("Votre compte ne permet pas d'accéder à cette page."),
    404: _l(
        "Cette page n'existe pas ou n'existe plus. "
        "Vérifiez l'adresse ou repartez de la liste des coalitions."
    ),
    500: _l(
        "Un problème imprévu est survenu ; rien n'a été enregistré. Réessayez dans un instant."
    ),
}
OTHER = _l("La demande n'a pas pu être traitée.")
TEXT_SUFFIXES = (".ics", ".csv", ".md", ".atom", ".gexf", ".graphml", ".js", ".css")


def error_answer(code: int, message: str | None = None) -> ResponseReturnValue:
    text = message or str(MESSAGES.get(code, OTHER))
    path = request.path
    if path.endswith(".json"):
        return jsonify(error={"status": code, "message": text}), code
    if path.endswith(TEXT_SUFFIXES):
        return Response(text + "\n", status=code, mimetype="text/plain"), code
    return render_template("errors/error.html", code=code, message=text), code


def register_error_pages(app: Flask) -> None:
    @app.errorhandler(CSRFError)
    def csrf_error(error: CSRFError) -> ResponseReturnValue:
        message = _(
            "Le formulaire a expiré ou ne vient pas de ce site. "
            "Rechargez la page et envoyez-le à nouveau : rien n'a été enregistré."
        )
        return error_answer(400, message)

    @app.errorhandler(DomainError)
    def domain_error(error: DomainError) -> ResponseReturnValue:
        """A rule the route did not show on its form: still the user's answer, never a 500."""
        db_session().rollback()
        return error_answer(409 if isinstance(error, Conflict) else 400, str(error))

    @app.errorhandler(IntegrityError)
    @app.errorhandler(StaleDataError)
    def simultaneous_write(error: Exception) -> ResponseReturnValue:
        """Another write reached the same rows at the same instant: nothing was saved."""
        db_session().rollback()
        return error_answer(409, str(SIMULTANEOUS))

    @app.errorhandler(HTTPException)
    def http_error(error: HTTPException) -> ResponseReturnValue:
        if error.code is None or error.code < 400:
            return error
        # a message of our own (abort(400, description=...)), never werkzeug's English default
        own = error.description != type(error).description
        return error_answer(error.code, error.description if own else None)

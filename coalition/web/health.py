"""`/healthz`, the probe of a load balancer: 200 "ok" when the database answers, else 503.

Probes come every few seconds, so their lines are dropped from the access logs of the servers
that run the app: werkzeug's (`flask run`) and gunicorn's (`--access-logfile`).
"""

import logging
import re

from flask import Blueprint, Response
from sqlalchemy import text
from sqlalchemy.exc import SQLAlchemyError

from coalition.access import require
from coalition.db import db_session

bp = Blueprint("health", __name__)

PROBE_PATH = "/healthz"
ACCESS_LOGGERS = ("werkzeug", "gunicorn.access")
# the request line of a probe, as both access logs write it: `"GET /healthz HTTP/1.1" 200 ...`
PROBE_REQUEST = re.compile(rf"\b(?:GET|HEAD) {re.escape(PROBE_PATH)}(?:[?\s]|$)")

logger = logging.getLogger(__name__)


@bp.get(PROBE_PATH)
def healthz() -> Response:
    """Anyone may ask, signed in or not; the answer is never cached."""
    require("site.view")
    try:
        db_session().execute(text("SELECT 1"))
    except SQLAlchemyError as error:
        logger.warning("health probe: the database does not answer: %s", error.__class__.__name__)
        return _answer("database unavailable", 503)
    return _answer("ok", 200)


def _answer(body: str, status: int) -> Response:
    response = Response(body, status=status, mimetype="text/plain")
    response.headers["Cache-Control"] = "no-store"
    return response


class DropProbeLines(logging.Filter):
    """Lets every access-log line through but those of the probe."""

    def filter(self, record: logging.LogRecord) -> bool:
        return PROBE_REQUEST.search(record.getMessage()) is None


def quiet_probe_logs() -> None:
    """Install the filter on the access loggers, once."""
    for name in ACCESS_LOGGERS:
        access_logger = logging.getLogger(name)
        if not any(isinstance(f, DropProbeLines) for f in access_logger.filters):
            access_logger.addFilter(DropProbeLines())


bp.record_once(lambda _state: quiet_probe_logs())

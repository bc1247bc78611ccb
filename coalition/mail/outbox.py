"""Writing a mail to the outbox, in the transaction of the change that causes it.

A message is rendered once, in its recipient's language, from two templates:
`templates/mail/<name>.txt` and `templates/mail/<name>.html`, which receive `context`.
`flask --app wsgi send-mail` delivers it later (coalition.mail.delivery).
"""

from email.utils import make_msgid
from typing import Any
from urllib.parse import urlsplit

from flask import current_app, render_template
from flask_babel import force_locale
from sqlalchemy.orm import Session

from coalition.mail.models import OutboxMessage


def mail_domain() -> str:
    return urlsplit(str(current_app.config["BASE_URL"])).hostname or "localhost"


def queue_mail(
    session: Session,
    *,
    to: str,
    language: str,
    subject: Any,
    template: str,
    context: dict[str, Any] | None = None,
    headers: dict[str, str] | None = None,
    attachments: list[dict[str, str]] | None = None,
) -> OutboxMessage:
    """Add a message to the outbox; `subject` may be a lazy translation. `attachments` are text
    files: {"filename", "content_type", "content"}."""
    if language not in current_app.config["LANGUAGES"]:
        language = "fr"
    # `locale()` in the templates (the layout's `lang`) is the mail's language, not the request's
    context = {**(context or {}), "locale": lambda: language}
    with force_locale(language):
        subject_text = str(subject)
        text = render_template(f"mail/{template}.txt", subject=subject_text, **context)
        html = render_template(f"mail/{template}.html", subject=subject_text, **context)
    message = OutboxMessage(
        to_address=to,
        language=language,
        subject=subject_text,
        text_body=text,
        html_body=html,
        headers={**(headers or {}), "Message-ID": make_msgid(domain=mail_domain())},
        attachments=list(attachments or []),
    )
    session.add(message)
    session.flush()
    return message

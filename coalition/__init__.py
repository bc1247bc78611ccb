"""Coalition: a workspace for multi-stakeholder coalitions."""

from datetime import date, datetime
from typing import Any

from flask import Flask, Response, current_app, g, has_request_context, request, session
from flask_babel import format_decimal
from flask_login import current_user
from jinja2 import StrictUndefined
from sqlalchemy import select
from sqlalchemy.orm import selectinload
from werkzeug.middleware.proxy_fix import ProxyFix

from coalition import db
from coalition.config import PROJECT_DIR, load_config, refuse_debugger
from coalition.core.extensions import babel, csrf, login_manager
from coalition.core.input import init_input

CONTENT_SECURITY_POLICY = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "font-src 'self'; connect-src 'self'; object-src 'none'; base-uri 'self'; "
    "form-action 'self'; frame-ancestors 'none'"
)


CACHEABLE_ENDPOINTS = {"static", "assets.plotly_js", "assets.plotly_css"}  # the same for all


def select_locale() -> str:
    if not has_request_context():
        return "fr"
    lang = session.get("lang")
    return str(lang) if lang in current_app.config["LANGUAGES"] else "fr"


def create_app(config: dict[str, Any] | None = None) -> Flask:
    app = Flask(
        __name__,
        template_folder=str(PROJECT_DIR / "templates"),
        instance_path=str(PROJECT_DIR / "instance"),
    )
    app.config.from_mapping(load_config())
    if config:
        app.config.from_mapping(config)
    refuse_debugger(app.config["COALITION_ENV"], app.debug)

    proxies = int(app.config.get("TRUSTED_PROXIES", 0))
    if proxies:  # the client's address and scheme, as the proxies saw them
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=proxies, x_proto=proxies)  # type: ignore[method-assign]
    database = app.config.get("DATABASE")
    db.init_app(app, database if isinstance(database, db.Database) else None)
    init_input(app)  # before the blueprints: their routes take its id converter
    csrf.init_app(app)
    babel.init_app(app, locale_selector=select_locale)
    _init_login(app)
    _register_blueprints(app)
    _register_template_helpers(app)
    _register_security_headers(app)
    from coalition.core.error_pages import register_error_pages

    register_error_pages(app)
    from coalition.cli import register_commands

    register_commands(app)
    from coalition.mail.delivery import add_worker_job, init_mail
    from coalition.panels.jobs import run_due_draws

    init_mail(app)
    add_worker_job(app, run_due_draws)
    from coalition.coalitions.freshness import keep_versions
    from coalition.web.page_cache import init_page_cache

    keep_versions()
    init_page_cache(app)
    return app


def _init_login(app: Flask) -> None:
    from coalition.auth.models import User

    login_manager.init_app(app)
    login_manager.login_view = "auth.login"
    login_manager.session_protection = "basic"

    @login_manager.user_loader
    def load_user(session_token: str) -> User | None:
        query = (
            select(User)
            .where(User.session_token == session_token, User.is_active.is_(True))
            .options(selectinload(User.memberships))
        )
        return db.db_session().scalars(query).one_or_none()


def _register_blueprints(app: Flask) -> None:
    from coalition.actors.routes import bp as actors_bp
    from coalition.actors.routes_import import bp as actor_import_bp
    from coalition.admin.routes import bp as admin_bp
    from coalition.auth.routes import bp as auth_bp
    from coalition.auth.routes_account import bp as account_bp
    from coalition.charter.routes import bp as charter_bp
    from coalition.consultations.routes import bp as consultations_bp
    from coalition.consultations.routes_kit import bp as kit_bp
    from coalition.consultations.routes_manage import bp as consultation_manage_bp
    from coalition.consultations.routes_stall import bp as stall_bp
    from coalition.consultations.routes_stall_import import bp as stall_import_bp
    from coalition.diagnostics.routes import bp as diagnostics_bp
    from coalition.diagnostics.routes_meetings import bp as diagnostic_bp
    from coalition.framing.routes import bp as framing_bp
    from coalition.meetings.routes import bp as meetings_bp
    from coalition.meetings.routes_running import bp as running_bp
    from coalition.notices.routes import bp as notices_bp
    from coalition.opendata.routes import bp as opendata_bp
    from coalition.panels.routes import bp as panels_bp
    from coalition.panels.routes_pool_import import bp as pool_import_bp
    from coalition.people.routes import bp as people_bp
    from coalition.people.routes_accept import bp as invitations_bp
    from coalition.recommendations.routes import bp as recommendations_bp
    from coalition.register.routes import bp as register_bp
    from coalition.register.routes_data import bp as register_data_bp
    from coalition.resources.routes import bp as resources_bp
    from coalition.roadmap.routes import bp as roadmap_bp
    from coalition.signups.routes import bp as signups_bp
    from coalition.web import bp as web_bp
    from coalition.web.assets import bp as assets_bp
    from coalition.web.health import bp as health_bp
    from coalition.web.privacy import bp as privacy_bp
    from coalition.workshops.routes import bp as workshops_bp

    app.register_blueprint(actors_bp)
    app.register_blueprint(auth_bp)
    app.register_blueprint(assets_bp)
    app.register_blueprint(diagnostics_bp)
    app.register_blueprint(diagnostic_bp)
    app.register_blueprint(roadmap_bp)
    app.register_blueprint(meetings_bp)
    app.register_blueprint(running_bp)
    app.register_blueprint(notices_bp)
    app.register_blueprint(resources_bp)
    app.register_blueprint(opendata_bp)
    app.register_blueprint(consultations_bp)
    app.register_blueprint(consultation_manage_bp)
    app.register_blueprint(stall_bp)
    app.register_blueprint(stall_import_bp)
    app.register_blueprint(pool_import_bp)
    app.register_blueprint(kit_bp)
    app.register_blueprint(signups_bp)
    app.register_blueprint(privacy_bp)
    app.register_blueprint(workshops_bp)
    app.register_blueprint(recommendations_bp)
    app.register_blueprint(panels_bp)
    app.register_blueprint(register_bp)
    app.register_blueprint(register_data_bp)
    app.register_blueprint(charter_bp)
    app.register_blueprint(account_bp)
    app.register_blueprint(admin_bp)
    app.register_blueprint(framing_bp)
    app.register_blueprint(people_bp)
    app.register_blueprint(invitations_bp)
    app.register_blueprint(actor_import_bp)
    app.register_blueprint(health_bp)
    app.register_blueprint(web_bp)


def machine_time(value: date) -> str:
    """A date or a point in time for a `datetime` attribute: to the second, as HTML wants it."""
    return value.isoformat(timespec="seconds") if isinstance(value, datetime) else value.isoformat()


def _register_template_helpers(app: Flask) -> None:
    from coalition.access import can, membership_in, viewer
    from coalition.core import dates
    from coalition.core.forms import choices
    from coalition.core.markdown import render_markdown
    from coalition.diagnostics import wording
    from coalition.web import labels

    app.jinja_env.undefined = StrictUndefined  # a misspelt variable fails loudly
    app.jinja_env.filters["markdown"] = render_markdown
    app.jinja_env.filters["iso"] = machine_time
    app.jinja_env.globals.update(
        can=can,
        choices=choices,
        membership_in=membership_in,
        viewer=viewer,
        labels=labels,
        dates=dates,
        wording=wording,
        locale=select_locale,
        format_decimal=format_decimal,
    )


def _register_security_headers(app: Flask) -> None:
    @app.after_request
    def security_headers(response: Response) -> Response:
        response.headers.setdefault("Content-Security-Policy", CONTENT_SECURITY_POLICY)
        response.headers.setdefault("X-Content-Type-Options", "nosniff")
        response.headers.setdefault("X-Frame-Options", "DENY")
        response.headers.setdefault("Referrer-Policy", "same-origin")
        response.headers.setdefault("Cross-Origin-Opener-Policy", "same-origin")
        response.headers.setdefault(
            "Permissions-Policy", "camera=(), microphone=(), geolocation=()"
        )
        if app.config["SESSION_COOKIE_SECURE"]:
            response.headers.setdefault("Strict-Transport-Security", "max-age=31536000")
        if current_user.is_authenticated and request.endpoint not in CACHEABLE_ENDPOINTS:
            response.headers["Cache-Control"] = "no-store"  # nobody's page left in a cache
        return response

    if app.config["COALITION_ENV"] != "production":

        @app.after_request
        def every_view_checks_permission(response: Response) -> Response:
            """Development and tests: a view that answered without `require` is a bug."""
            endpoint = request.endpoint
            checked = "permission_checked" in g
            if endpoint not in (None, "static") and response.status_code < 400 and not checked:
                raise RuntimeError(f"view {endpoint} never called require()")
            return response

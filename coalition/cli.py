"""Flask commands: `flask --app wsgi seed PATH`, `create-user`, `add-membership`."""

from pathlib import Path

import click
from flask import Flask, current_app
from flask.cli import with_appcontext
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from coalition.actors.models import Actor
from coalition.auth import service as auth_service
from coalition.auth.models import MembershipRole, User
from coalition.coalitions.models import Coalition
from coalition.core.backup_commands import register_backup_commands
from coalition.core.errors import DomainError
from coalition.db import get_database
from coalition.diagnostics.snapshots import publish_starting_diagnostic
from coalition.mail.delivery import send_mail_command
from coalition.notices.command import send_due_notices_command
from coalition.people.service_memberships import add_membership
from coalition.resources.search import refresh_search_text
from coalition.seed.generate import generate_coalition
from coalition.seed.load import load_seed
from coalition.seed.schema import SeedError, read_seed
from coalition.signups.command import purge_expired_signups_command

DEMO_PASSWORD = "coalition-demo-2021"  # noqa: S105 - documented demo accounts, never in production
DEMO_MEMBER_ACTOR = "Fondation Blaise Pascal"


def register_commands(app: Flask) -> None:
    app.cli.add_command(seed_command)
    app.cli.add_command(create_user_command)
    app.cli.add_command(add_membership_command)
    app.cli.add_command(generate_command)
    app.cli.add_command(reindex_command)
    app.cli.add_command(send_mail_command)
    app.cli.add_command(send_due_notices_command)
    app.cli.add_command(purge_expired_signups_command)
    register_backup_commands(app)


@click.command("seed")
@with_appcontext
@click.argument("path", type=click.Path(path_type=Path))
@click.option("--if-empty", is_flag=True, help="Do nothing when a coalition already exists.")
@click.option(
    "--demo-users", is_flag=True, help="Also create the demo accounts (not in production)."
)
def seed_command(path: Path, if_empty: bool, demo_users: bool) -> None:
    """Load a coalition from a TOML seed file (loading it again changes nothing)."""
    if demo_users and current_app.config["COALITION_ENV"] == "production":
        raise click.ClickException("Demo accounts are never created in production.")
    database = get_database(current_app)
    with database.new_session() as session:
        if if_empty and session.scalar(select(func.count()).select_from(Coalition)):
            click.echo("A coalition already exists: nothing loaded.")
            return
    try:
        data = read_seed(path)
    except SeedError as error:
        raise click.ClickException(f"Seed refused, nothing was changed:\n{error}") from None
    with database.transaction() as session:
        result = load_seed(session, data)
        if publish_starting_diagnostic(session, result.coalition):
            click.echo("The starting diagnostic is published as the first meeting's.")
        if demo_users:
            _create_demo_users(session, result.coalition)
        slug = result.coalition.slug
    if result.changed:
        click.echo(f"{slug}: {result.created} created, {result.updated} updated.")
    else:
        click.echo(f"{slug}: already up to date, nothing changed.")


def _create_demo_users(session: Session, coalition: Coalition) -> None:

    actor = session.scalars(
        select(Actor).where(Actor.coalition_id == coalition.id).order_by(Actor.name)
    ).first()
    named = session.scalars(
        select(Actor).where(Actor.coalition_id == coalition.id, Actor.name == DEMO_MEMBER_ACTOR)
    ).first()
    actor = named or actor
    accounts = [
        ("admin@example.org", "Admin démo", True, None),
        ("animation@example.org", "Animatrice démo", False, MembershipRole.facilitator),
        ("membre@example.org", "Membre démo", False, MembershipRole.member),
    ]
    for email, name, is_admin, role in accounts:
        if auth_service.find_user_by_email(session, email) is not None:
            continue
        user = auth_service.create_user(
            session,
            email=email,
            name=name,
            password=DEMO_PASSWORD,
            is_admin=is_admin,
            check_password=False,  # the published demo password; "démo" is in their names
        )
        if role is not None:
            add_membership(session, user=user, coalition=coalition, role=role, actor=actor)
        click.echo(f"demo account {email} / {DEMO_PASSWORD}")


@click.command("create-user")
@with_appcontext
@click.argument("email")
@click.option("--name", required=True)
@click.option("--admin", "is_admin", is_flag=True)
@click.password_option()
def create_user_command(email: str, name: str, is_admin: bool, password: str) -> None:
    """Create a user account."""
    with get_database(current_app).transaction() as session:
        try:
            auth_service.create_user(
                session, email=email, name=name, password=password, is_admin=is_admin
            )
        except DomainError as error:
            raise click.ClickException(str(error)) from None
    click.echo(f"User {email} created.")


@click.command("add-membership")
@with_appcontext
@click.argument("email")
@click.argument("slug")
@click.option("--role", type=click.Choice([r.value for r in MembershipRole]), required=True)
@click.option("--actor", "actor_name", help="The actor a member speaks for.")
def add_membership_command(email: str, slug: str, role: str, actor_name: str | None) -> None:
    """Give a user a role in a coalition."""
    with get_database(current_app).transaction() as session:
        user = session.scalars(
            select(User).where(User.email == auth_service.normalise_email(email))
        ).one_or_none()
        coalition = session.scalars(select(Coalition).where(Coalition.slug == slug)).one_or_none()
        if user is None or coalition is None:
            raise click.ClickException("Unknown user or coalition.")
        actor = None
        if actor_name:
            actor = session.scalars(
                select(Actor).where(Actor.coalition_id == coalition.id, Actor.name == actor_name)
            ).one_or_none()
            if actor is None:
                raise click.ClickException(f"No actor named {actor_name!r} in {slug}.")
        try:
            add_membership(
                session, user=user, coalition=coalition, role=MembershipRole(role), actor=actor
            )
        except DomainError as error:
            raise click.ClickException(str(error)) from None
    click.echo(f"{email} is now {role} of {slug}.")


@click.command("generate")
@click.option("--actors", default=300, show_default=True, type=click.IntRange(0, 1_000_000))
@click.option("--actions", default=100, show_default=True, type=click.IntRange(0, 1_000_000))
@click.option("--meetings", default=24, show_default=True, type=click.IntRange(0, 1000))
@click.option("--slug", default="generee", show_default=True)
@click.option("--seed", default=1, show_default=True, help="Same seed, same coalition.")
@with_appcontext
def generate_command(actors: int, actions: int, meetings: int, slug: str, seed: int) -> None:
    """Generate a large, realistic coalition (for benchmarks)."""
    with get_database(current_app).transaction() as session:
        if session.scalar(select(func.count()).where(Coalition.slug == slug)):
            raise click.ClickException(f"A coalition {slug!r} already exists.")
        with click.progressbar(length=actors, label="Actors") as bar:
            generate_coalition(
                session,
                slug=slug,
                actors=actors,
                actions=actions,
                meetings=meetings,
                seed=seed,
                progress=bar.update,
            )
    click.echo(f"{slug}: {actors} actors, {actions} actions, {meetings} meetings.")


@click.command("reindex")
@with_appcontext
def reindex_command() -> None:
    """Recompute the resources' search text (once after upgrading a database that had some)."""
    with get_database(current_app).transaction() as session:
        changed = refresh_search_text(session)
    click.echo(f"{changed} resources reindexed.")

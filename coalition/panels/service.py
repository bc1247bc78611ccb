"""Panels: building the pool and the quotas, announcing the seed, asking for the draw.

The draw itself runs in the mail worker (`jobs.py`). Once the seed is announced, nothing that
decides the draw changes: the pool, the quotas, the size, the seed and the algorithm.
"""

import secrets
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from flask_babel import lazy_gettext as _l
from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session

from coalition.auth.models import User
from coalition.coalitions.models import Coalition
from coalition.core import audit
from coalition.core.errors import Conflict, ValidationError
from coalition.core.exports import FORMULA_STARTS
from coalition.core.versions import check_version
from coalition.panels import draw
from coalition.panels.models import (
    Panel,
    PanelQuota,
    PanelRun,
    PanelStatus,
    RunKind,
    RunState,
    Source,
    Volunteer,
    VolunteerStatus,
)
from coalition.signups.models import SignUp

MAX_TITLE, MAX_TEXT, MAX_NAME, MAX_SIZE, MAX_POOL = 200, 20_000, 80, 500, 10_000
MAX_SEED = 2**31 - 1  # the library takes 0 as "no seed": a seed is 1 or more
SETTINGS_FIELDS = ("title", "description", "size", "reserve_size", "version")
FROZEN = _l(
    "La graine est annoncée : le vivier, les quotas, la taille du panel et la graine ne "
    "changent plus."
)
NOT_OURS = _l("Ce panel n'appartient pas à cette coalition.")


@dataclass
class PanelDetails:
    title: str
    size: int
    description: str = ""
    reserve_size: int = 0


def _log(session: Session, panel: Panel, action: str, by: User | None, **after: Any) -> None:
    session.flush()
    audit.record(
        session,
        entity="panel",
        entity_id=panel.id,
        action=action,
        user_id=by.id if by else None,
        coalition_id=panel.coalition_id,
        after=after or None,
    )


def _open(panel: Panel) -> None:
    if panel.status != PanelStatus.open:
        raise Conflict(FROZEN)


def _checked(details: PanelDetails) -> dict[str, Any]:
    title = details.title.strip()
    if not title:
        raise ValidationError(_l("Le titre est obligatoire."), field="title")
    if len(title) > MAX_TITLE:
        raise ValidationError(_l("Ce texte est trop long."), field="title")
    if len(details.description) > MAX_TEXT:
        raise ValidationError(_l("Ce texte est trop long."), field="description")
    if not 1 <= details.size <= MAX_SIZE:
        message = _l("Un panel compte de 1 à %(max)d personnes.", max=MAX_SIZE)
        raise ValidationError(message, field="size")
    if not 0 <= details.reserve_size <= details.size:
        message = _l("La liste complémentaire compte de 0 à %(max)d personnes.", max=details.size)
        raise ValidationError(message, field="reserve_size")
    return {
        "title": title,
        "description": details.description.strip(),
        "size": details.size,
        "reserve_size": details.reserve_size,
    }


def create_panel(
    session: Session, coalition: Coalition, details: PanelDetails, *, by: User | None
) -> Panel:
    panel = Panel(
        coalition_id=coalition.id, created_by_id=by.id if by else None, **_checked(details)
    )
    session.add(panel)
    session.flush()
    audit.record_change(
        session,
        "panel",
        panel,
        "create",
        by=by,
        coalition_id=coalition.id,
        before=None,
        fields=SETTINGS_FIELDS,
    )
    return panel


def update_panel(
    session: Session,
    panel: Panel,
    details: PanelDetails,
    *,
    seen_version: int | None,
    by: User | None,
) -> Panel:
    check_version("panel", panel, seen_version)
    _open(panel)
    before = audit.snapshot(panel, SETTINGS_FIELDS)
    for name, value in _checked(details).items():
        setattr(panel, name, value)
    if audit.changed(panel, before, SETTINGS_FIELDS):
        audit.record_change(
            session,
            "panel",
            panel,
            "update",
            by=by,
            coalition_id=panel.coalition_id,
            before=before,
            fields=SETTINGS_FIELDS,
        )
    return panel


# -- quotas ---------------------------------------------------------------------------------


def _cells(line: str) -> list[str]:
    for separator in (";", "\t", ","):
        if separator in line:
            return [cell.strip() for cell in line.split(separator)]
    return [line.strip()]


def read_quotas(text: str) -> list[draw.Quota]:
    """Lines `feature ; value ; min ; max` (or commas, or tabs); blank lines are skipped."""
    quotas: list[draw.Quota] = []
    seen: set[tuple[str, str]] = set()
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        cells = _cells(line)
        if len(cells) != 4 or not cells[0] or not cells[1]:
            message = _l(
                "Ligne %(line)d : écrivez « caractéristique ; valeur ; minimum ; maximum ».",
                line=number,
            )
            raise ValidationError(message, field="quotas")
        feature, value, low, high = cells
        if feature.startswith(FORMULA_STARTS) or value.startswith(FORMULA_STARTS):
            message = _l(
                "Ligne %(line)d : une caractéristique ou une valeur ne commence pas par = + - ou @ "
                "(écrivez « 65 ans et plus » plutôt que « +65 »).",
                line=number,
            )
            raise ValidationError(message, field="quotas")
        if len(feature) > MAX_NAME or len(value) > MAX_NAME:
            message = _l("Ligne %(line)d : %(max)d caractères au plus.", line=number, max=MAX_NAME)
            raise ValidationError(message, field="quotas")
        if not (low.isdecimal() and high.isdecimal()):
            message = _l(
                "Ligne %(line)d : le minimum et le maximum sont des nombres entiers.", line=number
            )
            raise ValidationError(message, field="quotas")
        if int(low) > int(high):
            message = _l("Ligne %(line)d : le minimum dépasse le maximum.", line=number)
            raise ValidationError(message, field="quotas")
        if (feature.casefold(), value.casefold()) in seen:
            message = _l(
                "Ligne %(line)d : « %(feature)s » = « %(value)s » est déjà écrit plus haut.",
                line=number,
                feature=feature,
                value=value,
            )
            raise ValidationError(message, field="quotas")
        seen.add((feature.casefold(), value.casefold()))
        quotas.append(draw.Quota(feature, value, int(low), int(high)))
    if not quotas:
        raise ValidationError(_l("Écrivez au moins une ligne de quota."), field="quotas")
    return quotas


def quotas_text(panel: Panel) -> str:
    return "\n".join(f"{q.feature} ; {q.value} ; {q.minimum} ; {q.maximum}" for q in panel.quotas)


def set_quotas(session: Session, panel: Panel, text: str, *, by: User | None) -> Panel:
    _open(panel)
    quotas = read_quotas(text)
    before = quotas_text(panel)
    panel.quotas.clear()
    session.flush()  # the old rows go before the new ones, which may repeat their values
    panel.quotas = [
        PanelQuota(
            feature=q.feature, value=q.value, minimum=q.minimum, maximum=q.maximum, position=i
        )
        for i, q in enumerate(quotas)
    ]
    session.flush()
    _log(session, panel, "quotas", by, before=before, quotas=quotas_text(panel))
    return panel


def library_quotas(panel: Panel) -> list[draw.Quota]:
    return [draw.Quota(q.feature, q.value, q.minimum, q.maximum) for q in panel.quotas]


# -- the pool -------------------------------------------------------------------------------


def _next_number(session: Session, panel: Panel) -> int:
    last = session.scalar(select(func.max(Volunteer.number)).where(Volunteer.panel_id == panel.id))
    return (last or 0) + 1


def _pool_size(session: Session, panel: Panel) -> int:
    return session.scalar(select(func.count()).where(Volunteer.panel_id == panel.id)) or 0


@dataclass(frozen=True)
class NewVolunteer:
    first_name: str
    last_name: str = ""
    email: str | None = None
    phone: str | None = None
    features: Mapping[str, str] | None = None


def add_volunteers(
    session: Session,
    panel: Panel,
    people: Sequence[NewVolunteer],
    *,
    source: Source,
    by: User | None,
) -> list[Volunteer]:
    """Add people to the pool (already read and checked by the import or the sign-ups)."""
    _open(panel)
    if _pool_size(session, panel) + len(people) > MAX_POOL:
        message = _l("Un vivier compte %(max)d volontaires au plus.", max=MAX_POOL)
        raise ValidationError(message)
    number = _next_number(session, panel)
    added = []
    for offset, person in enumerate(people):
        volunteer = Volunteer(
            panel_id=panel.id,
            number=number + offset,
            first_name=person.first_name,
            last_name=person.last_name,
            email=person.email,
            phone=person.phone,
            features=dict(person.features or {}),
            source=source,
        )
        session.add(volunteer)
        added.append(volunteer)
    session.flush()
    _log(session, panel, "add_volunteers", by, source=source.value, count=len(added))
    return added


def signups_to_add(session: Session, panel: Panel) -> list[SignUp]:
    """Sign-ups of the coalition who agreed to be drawn and are not in this pool yet."""
    in_pool = select(Volunteer.email).where(
        Volunteer.panel_id == panel.id, Volunteer.email.is_not(None)
    )
    phones = select(Volunteer.phone).where(
        Volunteer.panel_id == panel.id, Volunteer.phone.is_not(None)
    )
    return list(
        session.scalars(
            select(SignUp)
            .where(
                SignUp.coalition_id == panel.coalition_id,
                SignUp.draw_consent.is_not(None),
                or_(SignUp.email.is_(None), SignUp.email.not_in(in_pool)),
                or_(SignUp.phone.is_(None), SignUp.phone.not_in(phones)),
            )
            .order_by(SignUp.first_name, SignUp.id)
        )
    )


def add_signups(session: Session, panel: Panel, *, by: User | None) -> list[Volunteer]:
    found = signups_to_add(session, panel)
    if not found:
        raise ValidationError(
            _l("Aucune nouvelle personne inscrite n'a accepté d'être tirée au sort.")
        )
    people = [NewVolunteer(s.first_name, email=s.email, phone=s.phone) for s in found]
    return add_volunteers(session, panel, people, source=Source.signup, by=by)


def set_features(
    session: Session,
    panel: Panel,
    volunteer: Volunteer,
    values: Mapping[str, str],
    *,
    by: User | None,
) -> Volunteer:
    """Give a volunteer a value for each feature; an empty value leaves the feature unset."""
    _open(panel)
    if volunteer.panel_id != panel.id:
        raise ValidationError(_l("Cette personne n'est pas dans ce vivier."))
    allowed = {(q.feature, q.value) for q in panel.quotas}
    features: dict[str, str] = {}
    for name in panel.features:
        value = (values.get(name) or "").strip()
        if value and (name, value) not in allowed:
            message = _l(
                "« %(value)s » n'est pas une valeur de « %(feature)s ».", value=value, feature=name
            )
            raise ValidationError(message, field=name)
        if value:
            features[name] = value
    before = dict(volunteer.features)
    volunteer.features = features
    session.flush()
    _log(
        session,
        panel,
        "volunteer_features",
        by,
        volunteer=volunteer.code,
        before=before,
        features=features,
    )
    return volunteer


def remove_volunteer(
    session: Session, panel: Panel, volunteer: Volunteer, *, by: User | None
) -> None:
    _open(panel)
    if volunteer.panel_id != panel.id:
        raise ValidationError(_l("Cette personne n'est pas dans ce vivier."))
    code = volunteer.code
    session.delete(volunteer)
    _log(session, panel, "remove_volunteer", by, volunteer=code)


def pool_people(session: Session, panel: Panel) -> list[draw.Person]:
    """The pool as the library reads it, in the order of the codes."""
    rows = session.execute(
        select(Volunteer.number, Volunteer.features)
        .where(Volunteer.panel_id == panel.id)
        .order_by(Volunteer.number)
    )
    return [draw.Person(f"V{number:04d}", features or {}) for number, features in rows]


# -- the seed and the draw ------------------------------------------------------------------


def read_seed(text: str) -> int | None:
    """A seed typed by the facilitator (a number drawn in public, say), or None to pick one."""
    text = text.strip().replace(" ", "")
    if not text:
        return None
    if not text.isdecimal() or not 1 <= int(text) <= MAX_SEED:
        message = _l("La graine est un nombre entier de 1 à %(max)d.", max=MAX_SEED)
        raise ValidationError(message, field="seed")
    return int(text)


def announce(
    session: Session,
    panel: Panel,
    *,
    seed: int | None,
    seen_version: int | None,
    by: User | None,
    now: datetime,
) -> Panel:
    """Check that a panel can be drawn, then make the seed public and freeze the draw."""
    check_version("panel", panel, seen_version)
    _open(panel)
    people = pool_people(session, panel)
    try:
        draw.check(library_quotas(panel), people, panel.size)
    except draw.DrawRefused as refused:
        raise ValidationError("\n".join(refused.lines), field="pool") from None
    panel.seed = seed if seed is not None else secrets.randbelow(MAX_SEED) + 1
    panel.algorithm = draw.algorithm_for(len(people))
    panel.library_version = draw.library_version()
    panel.seed_announced_at = now
    panel.status = PanelStatus.announced
    _log(
        session, panel, "announce", by, seed=panel.seed, algorithm=panel.algorithm, pool=len(people)
    )
    return panel


def pending_run(session: Session, panel: Panel) -> PanelRun | None:
    return session.scalar(
        select(PanelRun).where(
            PanelRun.panel_id == panel.id,
            PanelRun.state.in_((RunState.queued, RunState.running)),
        )
    )


def _queue(
    session: Session,
    panel: Panel,
    kind: RunKind,
    seed: int,
    by: User | None,
    replaced: Volunteer | None = None,
) -> PanelRun:
    if pending_run(session, panel) is not None:
        raise Conflict(_l("Un tirage est déjà en cours pour ce panel : attendez qu'il finisse."))
    run = PanelRun(
        panel_id=panel.id,
        kind=kind,
        seed=seed,
        # one person: maximin is quick at any pool size, and legacy may miss the one who fits
        algorithm=panel.algorithm if kind == RunKind.draw else "maximin",
        replaced_id=replaced.id if replaced else None,
        created_by_id=by.id if by else None,
    )
    session.add(run)
    session.flush()
    return run


def queue_draw(session: Session, panel: Panel, *, by: User | None) -> PanelRun:
    if panel.status != PanelStatus.announced or panel.seed is None:
        message = _l("Annoncez d'abord la graine : le tirage se fait ensuite, avec elle.")
        raise Conflict(message)
    run = _queue(session, panel, RunKind.draw, panel.seed, by)
    _log(session, panel, "queue_draw", by, run=run.id)
    return run


def reopen(session: Session, panel: Panel, *, by: User | None) -> Panel:
    """After a failed draw only: the pool is open again, and the next seed a new announcement."""
    last = session.scalar(
        select(PanelRun).where(PanelRun.panel_id == panel.id).order_by(PanelRun.id.desc())
    )
    if panel.status != PanelStatus.announced or last is None or last.state != RunState.failed:
        raise Conflict(_l("Seul un panel dont le tirage a échoué se rouvre."))
    _log(session, panel, "reopen", by, seed=panel.seed)
    panel.status = PanelStatus.open
    panel.seed = None
    panel.seed_announced_at = None
    return panel


def replacement_seed(session: Session, panel: Panel) -> int:
    """The seed of the k-th replacement (k = 0 for the first): the announced seed + 2 + k."""
    done = session.scalar(
        select(func.count()).where(
            PanelRun.panel_id == panel.id, PanelRun.kind == RunKind.replacement
        )
    )
    return (panel.seed or 0) + 2 + (done or 0)


def retry_replacement(session: Session, panel: Panel, *, by: User | None) -> PanelRun:
    """After a replacement that failed (nobody fitted, or the worker stopped): draw again, with
    the next seed, for the same declined member."""
    last = session.scalar(
        select(PanelRun).where(PanelRun.panel_id == panel.id).order_by(PanelRun.id.desc())
    )
    if last is None or last.kind != RunKind.replacement or last.state != RunState.failed:
        raise Conflict(_l("Seul un remplacement qui a échoué se relance."))
    declined = session.get(Volunteer, last.replaced_id) if last.replaced_id else None
    run = _queue(
        session, panel, RunKind.replacement, replacement_seed(session, panel), by, replaced=declined
    )
    _log(session, panel, "retry_replacement", by, run=run.id)
    return run


def decline(session: Session, panel: Panel, volunteer: Volunteer, *, by: User | None) -> PanelRun:
    """A member drawn says no: they leave the panel and a replacement is drawn."""
    if volunteer.panel_id != panel.id:
        raise ValidationError(_l("Cette personne n'est pas dans ce vivier."))
    if panel.status != PanelStatus.drawn or volunteer.status != VolunteerStatus.selected:
        raise Conflict(_l("Seul un membre tiré au sort peut se désister."))
    run = _queue(
        session,
        panel,
        RunKind.replacement,
        replacement_seed(session, panel),
        by,
        replaced=volunteer,
    )
    volunteer.status = VolunteerStatus.declined
    _log(session, panel, "decline", by, volunteer=volunteer.code, run=run.id)
    return run


def forget_contacts(session: Session, panel: Panel, *, confirmed: bool, by: User | None) -> int:
    """Once the panel is formed: erase every volunteer's name, mail and phone. The codes,
    features and results stay, so the record and its check are unchanged. How many were erased."""
    if panel.status != PanelStatus.drawn or pending_run(session, panel) is not None:
        raise Conflict(_l("Les coordonnées s'effacent une fois le panel tiré au sort et complet."))
    if not confirmed:
        message = _l("Cochez la case pour confirmer : l'effacement est définitif.")
        raise ValidationError(message, field="confirm")
    people = list(session.scalars(select(Volunteer).where(Volunteer.panel_id == panel.id)))
    for volunteer in people:
        volunteer.first_name, volunteer.last_name = "", ""
        volunteer.email = volunteer.phone = None
    _log(session, panel, "forget_contacts", by, count=len(people))
    return len(people)

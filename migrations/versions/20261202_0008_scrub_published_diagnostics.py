"""scrub published diagnostics: what the public may not read leaves the snapshots published
before the privacy fix

Until 0008, a published diagnostic named in its change lists the actors the public may not see
(opted out of the directory, left, deleted), taking the name from the audit log, and named the
actors absent at two meetings running. In every snapshot already published:
- an actor the public does not see now leaves "Nouveaux acteurs"; in "Acteurs partis" it is
  counted as "Un acteur non nommé", so the count and its comparison stay right;
- a commitment or a holding change whose actor is such an actor leaves its list;
- the actors absent twice are counted as unnamed actors, those the public does not see not at
  all.
Changes about actions, and everything built from the public graph, stay as they were. A deleted
actor's name in a commitment's detail cannot be told apart from free text: such lines stay.

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-02 16:10:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0008"
down_revision: str | None = "0007"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

UNNAMED = {"kind": "unnamed", "id": 0, "label": "Un acteur non nommé", "detail": ""}
ACTOR_DETAIL_LISTS = (
    "new_commitments",
    "withdrawn_commitments",
    "holdings_added",
    "holdings_removed",
    "holdings_changed",
)

snapshots = sa.table(
    "diagnostic_snapshots",
    sa.column("id", sa.Integer),
    sa.column("coalition_id", sa.Integer),
    sa.column("data", sa.JSON),
)
actors = sa.table(
    "actors",
    sa.column("id", sa.Integer),
    sa.column("coalition_id", sa.Integer),
    sa.column("name", sa.String),
    sa.column("is_listed", sa.Boolean),
    sa.column("status", sa.String),
)


def _names_a_hidden_actor(detail: str, hidden_names: set[str]) -> bool:
    return any(detail == name or detail.startswith(f"{name}: ") for name in hidden_names)


def scrub(data: dict, public_ids: set[int], hidden_names: set[str]) -> dict:
    computed = dict(data.get("computed") or {})
    changes = {}
    for key, items in (computed.get("changes") or {}).items():
        kept = []
        for item in items:
            if item.get("kind") == "actor" and item.get("id") not in public_ids:
                if key == "actors_left":
                    kept.append(dict(UNNAMED))
                continue
            if key in ACTOR_DETAIL_LISTS and _names_a_hidden_actor(
                str(item.get("detail") or ""), hidden_names
            ):
                continue
            kept.append(item)
        changes[key] = kept
    if "changes" in computed:
        computed["changes"] = changes
    lists = dict(computed.get("actors") or {})
    if "absent_twice" in lists:
        lists["absent_twice"] = [
            dict(UNNAMED)
            for item in lists["absent_twice"]
            if item.get("kind") == "unnamed" or item.get("id") in public_ids
        ]
        computed["actors"] = lists
    return {**data, "computed": computed} if "computed" in data else data


def upgrade() -> None:
    connection = op.get_bind()
    public: dict[int, set[int]] = {}
    hidden: dict[int, set[str]] = {}
    for row in connection.execute(sa.select(actors)):
        if row.is_listed and row.status != "left":
            public.setdefault(row.coalition_id, set()).add(row.id)
        else:
            hidden.setdefault(row.coalition_id, set()).add(row.name)
    for row in connection.execute(sa.select(snapshots)).all():
        coalition = row.coalition_id
        data = scrub(row.data, public.get(coalition, set()), hidden.get(coalition, set()))
        if data != row.data:
            connection.execute(
                snapshots.update().where(snapshots.c.id == row.id).values(data=data)
            )


def downgrade() -> None:
    """What was scrubbed is not put back."""

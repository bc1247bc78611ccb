"""The plain data a diagnostic is computed from, and the diagnostic itself."""

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

import networkx as nx

from coalition.diagnostics.graph import node_id
from coalition.meetings.attendance import AttendanceReport
from coalition.register.models import EntryStatus

OPEN_EXCLUDED = ("done", "dropped")  # statuses of closed actions
ATTENDANCE_MEETINGS = 6
CHANGE_KEYS = (
    "new_commitments",
    "withdrawn_commitments",
    "holdings_added",
    "holdings_removed",
    "holdings_changed",
    "status_changes",
    "new_actors",
    "actors_left",
    "new_resources",
)
ACTION_KEYS = (
    "stalled",
    "overdue",
    "blocked",
    "without_lead",
    "without_commitment",
    "single_family",
)
LEVER_KEYS = ("unheld", "single_holder", "empty_cells")
# recommendations waiting for an answer; retained ones whose every action stands still
RECOMMENDATION_KEYS = ("unanswered", "actions_stalled")
ACTOR_KEYS = ("without_commitment", "absent_twice", "brokers")
ENTRY_STATUSES = tuple(status.value for status in EntryStatus)  # idea, pilot, in_use, stopped
COMPARED_CHANGES = ("withdrawn_commitments", "actors_left")
GROWING_COUNTS = ("open_actions", "holdings", "commitments")  # more is better
WITHDRAWN = "withdrawn"
LEFT = "left"
UNNAMED = "unnamed"  # the kind of an item that counts an actor without naming it


@dataclass(frozen=True)
class ActionFacts:
    id: int
    title: str
    status: str
    target_date: date | None
    lead_actor_id: int | None


@dataclass(frozen=True)
class ReviewFacts:
    action_id: int
    meeting_id: int
    starts_at: datetime
    status: str
    progress: int


@dataclass(frozen=True)
class RecommendationFacts:
    id: int
    title: str
    answer_status: str | None  # None: not answered yet
    action_ids: tuple[int, ...]


@dataclass(frozen=True)
class EntryFacts:
    """A published register entry."""

    id: int
    name: str
    status: str
    family: str  # its owner's
    individual_decisions: bool
    published_assessment: bool  # its impact assessment is published (an address is given)


@dataclass(frozen=True)
class SignatureFacts:
    version: int  # the number of the charter version signed
    family: str  # the signing actor's
    signed_at: datetime


@dataclass(frozen=True)
class CharterFacts:
    """The charter's signatures by the actors the viewer sees, and the window of the meeting:
    from the start of the previous meeting (None: this is the first one, every signature before
    it counts) to the start of this one."""

    current: int | None  # the number of the latest version; None: no charter yet
    signatures: Sequence[SignatureFacts]
    since: datetime | None
    until: datetime


@dataclass(frozen=True)
class ChangeFacts:
    at: datetime
    entity: str
    action: str
    entity_id: int
    actor_id: int | None
    before: dict[str, Any] | None
    after: dict[str, Any] | None


@dataclass(frozen=True)
class ResourceFacts:
    id: int
    title: str


@dataclass(frozen=True)
class DiagnosticInputs:
    graph: nx.Graph
    actions: Sequence[ActionFacts]
    reviews: Sequence[ReviewFacts]
    attendance: AttendanceReport
    changes: Sequence[ChangeFacts]
    new_resources: Sequence[ResourceFacts]
    today: date
    # For the public (a published diagnostic): only the actors of the graph, the ones the
    # public sees, are named; an actor it may know of but not see named (one who left, one
    # absent twice: attendance is for participants) is counted under `unnamed_label`, and
    # what touches the others is left out. Participants see every actor named.
    public: bool = False
    unnamed_label: str = ""
    recommendations: Sequence[RecommendationFacts] = ()
    register: Sequence[EntryFacts] = ()  # published entries only, for everyone
    charter: CharterFacts | None = None


@dataclass(frozen=True)
class Item:
    kind: str  # "action" | "actor" | "lever" | "resource" | "cell" | "entry" | "unnamed"
    id: int  # the row id (for "cell": the lever id; for "unnamed": 0)
    label: str
    detail: str = ""


@dataclass(frozen=True)
class RegisterSection:
    """The published register entries (drafts are not counted, for anyone)."""

    by_status: dict[str, dict[str, int]]  # status -> owner family -> entries, every one given
    # those taking part in individual decisions without a published impact assessment, each
    # with its status as detail
    without_assessment: list[Item]


@dataclass(frozen=True)
class CharterSection:
    current: int | None  # the number of the latest version; None: no charter yet
    since: datetime | None  # the start of the previous meeting; None: the first meeting
    signed_since: dict[str, int]  # family -> signatures of any version in the window
    signed_current: dict[str, int]  # family -> actors that signed the current version


@dataclass(frozen=True)
class Diagnostic:
    counts: dict[str, int]
    changes: dict[str, list[Item]]
    actions: dict[str, list[Item]]
    levers: dict[str, list[Item]]
    actors: dict[str, list[Item]]
    communities: list[list[Item]]
    attendance: list[dict[str, Any]]
    # empty in diagnostics published before recommendations were followed
    recommendations: dict[str, list[Item]] = field(default_factory=dict)
    # None in diagnostics published before the register and the charter were counted
    register: RegisterSection | None = None
    charter: CharterSection | None = None


@dataclass(frozen=True)
class Comparison:
    section: str
    key: str
    before: int
    after: int
    better: bool | None  # None when equal


@dataclass(frozen=True)
class Names:
    """Labels of the graph's nodes, with the titles of every action as a fallback."""

    graph: nx.Graph
    action_titles: dict[int, str]

    def node(self, kind: str, id: int | None) -> str:
        node = node_id(kind, id) if id is not None else None
        return str(self.graph.nodes[node]["label"]) if node in self.graph else ""

    def action(self, id: int, fallback: str = "") -> str:
        return self.node("action", id) or self.action_titles.get(id, "") or fallback

    def actor(self, id: int | None, fallback: str = "") -> str:
        return self.node("actor", id) or fallback


def lever_item(names: Names, lever_id: int, detail: str = "") -> Item:
    return Item(kind="lever", id=lever_id, label=names.node("lever", lever_id), detail=detail)

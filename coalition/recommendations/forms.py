"""The forms of a recommendation and of its answer; the service checks what they send."""

from flask_babel import lazy_gettext as _l
from wtforms import (
    DateField,
    RadioField,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, InputRequired, Optional

from coalition.actors.models import Actor
from coalition.consultations.models import Consultation
from coalition.core.forms import VersionedForm, at_most, checkboxes
from coalition.recommendations.models import ANSWER_STATUS_LABELS, ORIGIN_LABELS
from coalition.recommendations.service import MAX_REASON, MAX_TEXT, MAX_TITLE
from coalition.roadmap.models import Action
from coalition.workshops.models import GENERAL_OBJECTIVE_LABELS, CommonIssue, Workshop

NONE = SelectChoice("", _l("— aucun —"))


class RecommendationForm(VersionedForm):
    title = StringField(
        _l("Titre"),
        validators=[DataRequired(_l("Le titre est obligatoire.")), at_most(MAX_TITLE)],
    )
    text = TextAreaField(
        _l("Texte de la recommandation"),
        description=_l("En Markdown : **gras**, listes avec « - », liens."),
        validators=[at_most(MAX_TEXT)],
    )
    origin = SelectField(
        _l("D'où vient-elle ?"),
        choices=[SelectChoice(o.value, label) for o, label in ORIGIN_LABELS.items()],
        validate_choice=False,
        validators=[InputRequired(_l("Choisissez d'où vient la recommandation."))],
    )
    workshop = SelectField(_l("Atelier d'origine (facultatif)"), validate_choice=False)
    consultation = SelectField(_l("Consultation d'origine (facultatif)"), validate_choice=False)
    objectives = checkboxes(_l("Objectifs généraux auxquels elle répond"))
    issues = checkboxes(_l("Enjeux communs auxquels elle répond"))

    def offer(
        self,
        workshops: list[Workshop],
        consultations: list[Consultation],
        issues: list[tuple[CommonIssue, str]],
    ) -> None:
        self.workshop.choices = [NONE, *(SelectChoice(str(w.id), w.title) for w in workshops)]
        self.consultation.choices = [
            NONE,
            *(SelectChoice(str(c.id), c.title) for c in consultations),
        ]
        self.objectives.choices = [
            SelectChoice(o.value, label) for o, label in GENERAL_OBJECTIVE_LABELS.items()
        ]
        self.issues.choices = [
            SelectChoice(str(issue.id), f"{issue.title} ({workshop})") for issue, workshop in issues
        ]


class AnswerForm(VersionedForm):
    status = RadioField(
        _l("Réponse"),
        choices=[SelectChoice(s.value, label) for s, label in ANSWER_STATUS_LABELS.items()],
        validate_choice=False,
        validators=[InputRequired(_l("Choisissez : retenue, retenue en partie ou non retenue."))],
    )
    reason = TextAreaField(
        _l("Raison de la réponse"),
        description=_l("Obligatoire : ce qui est retenu, ce qui ne l'est pas, et pourquoi."),
        validators=[
            DataRequired(_l("Dites pourquoi : la raison de la réponse est obligatoire.")),
            at_most(MAX_REASON),
        ],
    )
    answered_by = SelectField(_l("Qui répond ?"), validate_choice=False)
    answered_on = DateField(_l("Date de la réponse"), validators=[Optional()])
    actions = checkboxes(_l("Actions de la feuille de route qui la mettent en œuvre"))

    def offer(self, coalition_name: str, actors: list[Actor], actions: list[Action]) -> None:
        self.answered_by.choices = [
            SelectChoice("", _l("La coalition (%(name)s)", name=coalition_name)),
            *(SelectChoice(str(a.id), a.name) for a in actors),
        ]
        self.actions.choices = [SelectChoice(str(a.id), a.title) for a in actions]

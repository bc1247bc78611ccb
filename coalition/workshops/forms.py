from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, DateField, RadioField, SelectField, StringField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, InputRequired, Length, Optional

from coalition.core.forms import VersionedForm
from coalition.workshops.models import (
    CONTRIBUTION_KIND_LABELS,
    GENERAL_OBJECTIVE_LABELS,
    CommonIssue,
)
from coalition.workshops.service import MAX_CONTRIBUTION

TITLE_REQUIRED = _l("Le titre est obligatoire.")


def _at_most(limit: int) -> Length:
    return Length(max=limit, message=_l("Ce texte est trop long : %(max)d caractères au plus."))


class WorkshopForm(FlaskForm):
    title = StringField(_l("Titre"), validators=[DataRequired(TITLE_REQUIRED), _at_most(300)])
    description = TextAreaField(
        _l("Présentation"),
        description=_l("En Markdown : le déroulé, les participants, ce qu'on attend d'eux."),
        validators=[_at_most(20_000)],
    )
    place = StringField(_l("Lieu"), validators=[_at_most(200)])
    held_on = DateField(
        _l("Date de l'atelier"),
        validators=[Optional()],
    )
    is_published = BooleanField(
        _l("Publier l'atelier"),
        description=_l("Tant qu'il n'est pas publié, seule l'équipe d'animation le voit."),
    )


class WorkshopEditForm(WorkshopForm, VersionedForm):
    pass


class CaseForm(FlaskForm):
    title = StringField(
        _l("Titre du cas d'usage"),
        validators=[DataRequired(_l("Donnez un titre au cas d'usage.")), _at_most(300)],
    )
    scenario = TextAreaField(
        _l("Scénario"),
        description=_l("En quelques phrases, la situation que les participants discutent."),
        validators=[_at_most(5000)],
    )


class IssueForm(FlaskForm):
    title = StringField(
        _l("Enjeu commun"),
        description=_l("Par exemple : Fiabilité des données, Place de l'humain."),
        validators=[DataRequired(_l("Donnez un titre à l'enjeu commun.")), _at_most(300)],
    )
    question = TextAreaField(
        _l("Question posée"),
        validators=[_at_most(2000)],
    )


class ContributionForm(FlaskForm):
    """The service checks the kind, the objective and the issue, and says clearly what is wrong."""

    kind = RadioField(
        _l("Nature de la contribution"),
        choices=[SelectChoice(k.value, label) for k, label in CONTRIBUTION_KIND_LABELS.items()],
        validate_choice=False,
        validators=[InputRequired(_l("Choisissez : bénéfice, crainte ou condition."))],
    )
    text = TextAreaField(
        _l("Contribution"),
        description=_l(
            "Ce qu'a dit le participant, en %(limit)d caractères au plus.", limit=MAX_CONTRIBUTION
        ),
        validators=[DataRequired(_l("Écrivez la contribution.")), _at_most(MAX_CONTRIBUTION)],
    )
    objective = SelectField(
        _l("Objectif général (facultatif)"),
        choices=[
            SelectChoice("", _l("— aucun —")),
            *(SelectChoice(o.value, label) for o, label in GENERAL_OBJECTIVE_LABELS.items()),
        ],
        validate_choice=False,
    )
    issue = SelectField(_l("Enjeu commun (facultatif)"), validate_choice=False)

    def offer_issues(self, issues: list[CommonIssue]) -> None:
        self.issue.choices = [
            SelectChoice("", _l("— aucun —")),
            *(SelectChoice(str(issue.id), issue.title) for issue in issues),
        ]


class DeleteForm(FlaskForm):
    """A delete button: only its CSRF token."""

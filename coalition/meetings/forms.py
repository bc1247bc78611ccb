from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    DateField,
    IntegerField,
    RadioField,
    SelectField,
    StringField,
    TextAreaField,
    TimeField,
    URLField,
)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional

from coalition.core.forms import VersionedForm, choices
from coalition.roadmap.models import ACTION_STATUS_LABELS, ActionStatus

NTH_CHOICES = [
    SelectChoice("1", _l("premier")),
    SelectChoice("2", _l("deuxième")),
    SelectChoice("3", _l("troisième")),
    SelectChoice("4", _l("quatrième")),
    SelectChoice("-1", _l("dernier")),
]
WEEKDAY_CHOICES = [
    SelectChoice(str(day), label)
    for day, label in enumerate(
        [_l("lundi"), _l("mardi"), _l("mercredi"), _l("jeudi"), _l("vendredi"), _l("samedi"),
         _l("dimanche")]
    )
]  # fmt: skip
TIME_REQUIRED = _l("Indiquez une heure (HH:MM).")


class MeetingPlaceFields(FlaskForm):
    title = StringField(
        _l("Titre"),
        description=_l("« {n} » est remplacé par le numéro de la rencontre."),
        validators=[Length(max=300)],
    )
    start_time = TimeField(_l("Heure de début"), validators=[InputRequired(TIME_REQUIRED)])
    end_time = TimeField(_l("Heure de fin"), validators=[InputRequired(TIME_REQUIRED)])
    place = StringField(_l("Lieu"), validators=[Length(max=300)])
    online_url = URLField(_l("Lien de visioconférence"), validators=[Optional(), Length(max=500)])


class ScheduleForm(MeetingPlaceFields):
    mode = RadioField(
        _l("Dates"),
        choices=[
            SelectChoice("single", _l("Une rencontre")),
            SelectChoice("dates", _l("Une série de dates")),
            SelectChoice("rule", _l("Chaque mois, selon une règle")),
        ],
        default="single",
        validators=[InputRequired()],
    )
    day = DateField(_l("Date de la rencontre"), validators=[Optional()])
    dates = TextAreaField(
        _l("Dates de la série"),
        description=_l("Une date par ligne : 21/09/2021 ou 2021-09-21."),
        validators=[Length(max=2000)],
    )
    nth = SelectField(_l("Le"), choices=NTH_CHOICES, default="2")
    weekday = SelectField(_l("Jour"), choices=WEEKDAY_CHOICES, default="1")
    first_month = DateField(
        _l("À partir du mois de"),
        description=_l("Une date de ce mois ; seuls le mois et l'année comptent."),
        validators=[Optional()],
    )
    count = IntegerField(_l("Nombre de rencontres"), default=4, validators=[Optional()])


class MeetingEditForm(VersionedForm):
    title = StringField(
        _l("Titre"), validators=[DataRequired(_l("Le titre est obligatoire.")), Length(max=300)]
    )
    day = DateField(_l("Date"), validators=[InputRequired(_l("Indiquez une date."))])
    start_time = TimeField(_l("Heure de début"), validators=[InputRequired(TIME_REQUIRED)])
    end_time = TimeField(_l("Heure de fin"), validators=[InputRequired(TIME_REQUIRED)])
    place = StringField(_l("Lieu"), validators=[Length(max=300)])
    online_url = URLField(_l("Lien de visioconférence"), validators=[Optional(), Length(max=500)])
    status = SelectField(
        _l("État"),
        choices=[SelectChoice("planned", _l("Prévue")), SelectChoice("held", _l("Tenue"))],
    )


class AgendaItemForm(FlaskForm):
    title = StringField(
        _l("Point"),
        description=_l("Facultatif si une action est choisie."),
        validators=[Length(max=300)],
    )
    duration_minutes = IntegerField(
        _l("Durée (minutes)"),
        default=15,
        validators=[InputRequired(_l("Indiquez une durée en minutes."))],
    )
    action = SelectField(_l("Action liée"), validate_choice=False)


class MinutesForm(VersionedForm):
    minutes = TextAreaField(
        _l("Compte rendu"),
        description=_l("En Markdown : **gras**, listes avec « - », liens."),
        validators=[Length(max=100_000)],
    )
    publish = BooleanField(_l("Publier le compte rendu"))


class DecisionForm(FlaskForm):
    text = TextAreaField(
        _l("Décision"), validators=[DataRequired(_l("Écrivez la décision.")), Length(max=5000)]
    )
    action = SelectField(_l("Action liée"), validate_choice=False)


class ReviewForm(VersionedForm):
    status = SelectField(
        _l("État de l'action"),
        choices=[SelectChoice(value, label) for value, label in choices(ACTION_STATUS_LABELS)],
    )
    progress = IntegerField(
        _l("Avancement (%)"),
        validators=[
            InputRequired(_l("Indiquez un avancement de 0 à 100.")),
            NumberRange(0, 100, _l("L'avancement va de 0 à 100.")),
        ],
    )
    note = TextAreaField(_l("Note"), validators=[Length(max=5000)])
    next_steps = TextAreaField(_l("Prochaines étapes"), validators=[Length(max=5000)])

    def offer(self, statuses: list[ActionStatus]) -> None:
        """Offer only these statuses (those the service accepts); when the status sent is not
        among them, none is selected in its place: an empty first option asks for a choice."""
        offered = [SelectChoice(s.value, ACTION_STATUS_LABELS[s]) for s in statuses]
        if self.status.data not in {s.value for s in statuses}:
            offered.insert(0, SelectChoice("", _l("Choisissez un état")))
        self.status.choices = offered

"""Forms of facilitators: a consultation, a question, a stall, a decision on a text."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from wtforms import (
    BooleanField,
    DateField,
    HiddenField,
    RadioField,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.fields import EmailField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, InputRequired, Length

from coalition.auth.forms import well_formed_email
from coalition.consultations.models import CHANNEL_LABELS, QUESTION_KIND_LABELS
from coalition.core.forms import VersionedForm


class ConsultationForm(VersionedForm):
    title = StringField(
        _l("Titre"), validators=[DataRequired(_l("Le titre est obligatoire.")), Length(max=300)]
    )
    introduction = TextAreaField(
        _l("Présentation"),
        description=_l("En Markdown : qui consulte, pourquoi, ce que deviendront les réponses."),
        validators=[Length(max=10_000)],
    )
    channel = RadioField(
        _l("Où se tient la consultation"),
        choices=[SelectChoice(value.value, label) for value, label in CHANNEL_LABELS.items()],
        default="online",
        validators=[InputRequired(_l("Choisissez où se tient la consultation."))],
    )


class QuestionForm(FlaskForm):
    kind = SelectField(
        _l("Type de question"),
        choices=[SelectChoice(value.value, label) for value, label in QUESTION_KIND_LABELS.items()],
        validators=[InputRequired(_l("Choisissez un type de question."))],
    )
    prompt = StringField(
        _l("Question"), validators=[DataRequired(_l("Écrivez la question.")), Length(max=500)]
    )
    help = StringField(_l("Aide (facultative)"), validators=[Length(max=500)])
    choices = TextAreaField(
        _l("Réponses proposées"),
        description=_l("Une par ligne ; pour les questions à choix unique ou multiples."),
        validators=[Length(max=5000)],
    )
    is_required = BooleanField(_l("Réponse obligatoire"))
    is_profile = BooleanField(
        _l(
            "Question de profil anonyme (tranche d'âge, territoire…) : "
            "les résultats se croisent avec elle"
        )
    )


class StatusForm(FlaskForm):
    status = RadioField(
        _l("État"),
        choices=[SelectChoice("open", _l("Ouvrir")), SelectChoice("closed", _l("Clore"))],
        validators=[InputRequired(_l("Choisissez : ouvrir ou clore."))],
    )


class MoveForm(FlaskForm):
    direction = RadioField(
        choices=[SelectChoice("up", _l("Monter")), SelectChoice("down", _l("Descendre"))],
        validators=[InputRequired()],
    )


class ConfirmForm(FlaskForm):
    """A button that only needs its CSRF token."""


class TextReviewForm(FlaskForm):
    decision = RadioField(
        _l("Décision"),
        choices=[SelectChoice("approved", _l("Publier")), SelectChoice("rejected", _l("Écarter"))],
        validators=[InputRequired(_l("Choisissez : publier ou écarter."))],
    )


class StallForm(FlaskForm):
    place = StringField(
        _l("Lieu du stand"),
        description=_l("Par exemple : marché de Dié, place de la République"),
        validators=[DataRequired(_l("Indiquez le lieu du stand.")), Length(max=200)],
    )
    territory = StringField(
        _l("Territoire"),
        description=_l(
            "La commune, le quartier ou le département : les résultats se croisent avec lui"
        ),
        validators=[Length(max=200)],
    )
    held_on = DateField(_l("Date"), validators=[InputRequired(_l("Indiquez la date du stand."))])
    holder_name = StringField(
        _l("Nom de la personne qui tient le stand (facultatif)"), validators=[Length(max=200)]
    )
    holder_email = EmailField(
        _l("Son adresse électronique (facultative)"),
        description=_l(
            "Le lien du stand lui est envoyé par mail ; ni son nom ni son adresse ne sont publiés."
        ),
        validators=[Length(max=254), well_formed_email],
    )


class OpenKioskForm(FlaskForm):
    """Open a stall's kiosk on this device: the link just shown, sent back with the button."""

    link = HiddenField(validators=[DataRequired(_l("Le lien du stand manque."))])


class StallImportForm(FlaskForm):
    file = FileField(
        _l("Fichier CSV des stands"),
        description=_l(
            "Une ligne par stand : Lieu ; Territoire ; Date (JJ/MM/AAAA) ; Responsable ; Mail. "
            "Enregistré depuis le tableur au format « CSV UTF-8 », 2 Mo au plus."
        ),
        validators=[FileRequired(_l("Choisissez le fichier CSV des stands."))],
    )

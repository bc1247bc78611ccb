"""The forms of the actors import: the file to upload, the preview to confirm."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from wtforms import HiddenField
from wtforms.validators import DataRequired


class ImportUploadForm(FlaskForm):
    file = FileField(
        _l("Fichier CSV"),
        description=_l(
            "Enregistré depuis le tableur au format « CSV UTF-8 » (ou CSV), séparateur "
            "point-virgule ou virgule, 2 Mo au plus."
        ),
        validators=[FileRequired(_l("Choisissez le fichier CSV à importer."))],
    )


class ImportConfirmForm(FlaskForm):
    # the file's text as the preview read it, signed (actors.import_csv.seal)
    sealed = HiddenField(validators=[DataRequired()])

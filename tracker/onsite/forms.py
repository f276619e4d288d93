from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired

# The type is read from the bytes on the server; ``accept`` only helps the phone's picker.
ACCEPT = "image/jpeg,image/png,image/webp"


class PhotoForm(FlaskForm):
    photo = FileField(
        _l("现场照片"),
        validators=[FileRequired(message=_l("请选择一张照片。"))],
        render_kw={"accept": ACCEPT},
    )

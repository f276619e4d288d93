from ..i18n import lazy_gettext as _l
from ..form import Form
from flask_wtf.file import FileField, FileRequired

# The type is read from the bytes on the server; ``accept`` only helps the phone's picker.
# Any image, not a list of types: on some Android WebViews (WeChat's among them) a list of
# types hides 拍照 from the chooser. What is not JPEG, PNG or WebP is refused on the page.
ACCEPT = "image/*"


class PhotoForm(Form):
    photo = FileField(
        _l("现场照片"),
        validators=[FileRequired(message=_l("请选择一张照片。"))],
        render_kw={"accept": ACCEPT},
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # the form cannot upload nothing (``FileRequired``), but no page needs a photo:
        # the field is not marked required (the form macro's 「*」), under the page's
        # 「照片不是必需的」 (walk55)
        self.photo.flags.required = False

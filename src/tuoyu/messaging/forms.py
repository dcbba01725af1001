from django import forms
from django.utils.translation import gettext_lazy as _

from tuoyu.messaging.services import MAX_MESSAGE_CHARS
from tuoyu.registry.models import CareClass, Institution


class MessageForm(forms.Form):
    body = forms.CharField(
        label=_("Message"),
        required=False,
        max_length=MAX_MESSAGE_CHARS,
        widget=forms.Textarea(attrs={"rows": 3, "placeholder": _("Write to the other side…")}),
    )
    photo = forms.FileField(
        label=_("Photo"),
        required=False,
        widget=forms.ClearableFileInput(attrs={"accept": "image/jpeg,image/png"}),
    )


class NoticeForm(forms.Form):
    audience = forms.ChoiceField(label=_("Send to"))
    title = forms.CharField(label=_("Title"), max_length=100)
    body = forms.CharField(label=_("Text"), max_length=5000, widget=forms.Textarea(attrs={"rows": 6}))

    def __init__(
        self, *args: object, institutions: list[Institution], classes: list[CareClass], **kwargs: object
    ) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        choices = [
            (f"i:{i.code}", _("All families and staff of %(name)s") % {"name": i.name}) for i in institutions
        ]
        choices += [(f"c:{c.code}", f"{c.institution.name} · {c.name}") for c in classes]
        self.fields["audience"].choices = choices  # type: ignore[attr-defined]

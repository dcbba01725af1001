"""The rating form of an enterprise's progress page (满意 / 基本满意 / 不满意)."""

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from tuoyu.enterprises.models import Satisfaction

MAX_COMMENT = 1000


class RatingForm(forms.Form):
    satisfaction = forms.ChoiceField(
        label=_("Are you satisfied with the answer?"),
        choices=Satisfaction.choices,
        widget=forms.RadioSelect,
    )
    comment = forms.CharField(
        label=_("Comment"),
        required=False,
        max_length=MAX_COMMENT,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Required if you are not satisfied: say what is still not solved."),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("label_suffix", "")  # no half-width colon after a Chinese label
        super().__init__(*args, **kwargs)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("satisfaction") == Satisfaction.NOT_SATISFIED and not data.get("comment", "").strip():
            self.add_error("comment", _("Please say what is still not solved."))
        return data

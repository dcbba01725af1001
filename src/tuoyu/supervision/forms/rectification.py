from typing import Any

from django import forms
from django.core.files.uploadedfile import UploadedFile
from django.utils.translation import gettext_lazy as _

from tuoyu.cases.services import MAX_ATTACHMENTS
from tuoyu.supervision.services.rectification import MAX_DEADLINE_DAYS
from tuoyu.uploads import validate_upload

MAX_NOTE = 2000


class IssueForm(forms.Form):
    """A 整改通知: what is to be rectified (typed when it comes from no finding) and in how many working
    days."""

    subject = forms.CharField(label=_("What is to be rectified"), max_length=200)
    requirement = forms.CharField(
        label=_("Requirement"), max_length=MAX_NOTE, required=False, widget=forms.Textarea(attrs={"rows": 4})
    )
    deadline_days = forms.IntegerField(
        label=_("Deadline in working days"), min_value=1, max_value=MAX_DEADLINE_DAYS
    )

    def __init__(self, *args: Any, with_subject: bool = True, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if not with_subject:
            del self.fields["subject"]


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class EvidenceField(forms.FileField):
    """Up to ``MAX_ATTACHMENTS`` photos or PDFs, each checked by its bytes."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault(
            "widget", MultipleFileInput(attrs={"accept": "image/jpeg,image/png,application/pdf"})
        )
        super().__init__(**kwargs)

    def clean(self, data: Any, initial: Any = None) -> list[UploadedFile]:
        files = [item for item in (data if isinstance(data, (list, tuple)) else [data]) if item]
        if len(files) > MAX_ATTACHMENTS:
            raise forms.ValidationError(
                _("At most %(n)d files can be attached to one step.") % {"n": MAX_ATTACHMENTS}
            )
        cleaned = [super(EvidenceField, self).clean(item, initial) for item in files]
        for upload in cleaned:
            validate_upload(upload)
        if self.required and not cleaned:
            raise forms.ValidationError(self.error_messages["required"], code="required")
        return cleaned


class AnswerForm(forms.Form):
    note = forms.CharField(
        label=_("What was done"), max_length=MAX_NOTE, widget=forms.Textarea(attrs={"rows": 4})
    )
    evidence = EvidenceField(label=_("Evidence (photos or PDF, at most 6 files)"), required=False)


class VerifyForm(forms.Form):
    how = forms.ChoiceField(
        label=_("Verified"),
        choices=[("paper", _("On paper")), ("site", _("On site"))],
        widget=forms.RadioSelect,
        initial="paper",
    )
    note = forms.CharField(
        label=_("Note"), max_length=MAX_NOTE, required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    confirm = forms.BooleanField(label=_("I confirm the rectification is done; the order will be closed."))


class ReturnForm(forms.Form):
    note = forms.CharField(
        label=_("What is still missing"), max_length=MAX_NOTE, widget=forms.Textarea(attrs={"rows": 3})
    )

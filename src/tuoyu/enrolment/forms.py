import datetime
from typing import Any

from django import forms
from django.conf import settings
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from tuoyu.enrolment.eligibility import age_refusal
from tuoyu.enrolment.models import Child, EndReason, EntryExam, PickupPerson, QueuePriority, Relation, Sex
from tuoyu.enrolment.services import MAX_OUT_OF_ORDER_REASON
from tuoyu.registry.models import CareClass
from tuoyu.widgets import DateInput


class ChildForm(forms.ModelForm):
    relation = forms.ChoiceField(label=_("You are the child's"), choices=Relation.choices)
    # Two radio buttons and neither chosen: no blank "---------" choice that is chosen before anyone answers.
    sex = forms.ChoiceField(label=_("Sex"), choices=Sex.choices, widget=forms.RadioSelect)

    class Meta:
        model = Child
        fields = ["name", "sex", "birth_date", "identity_number", "allergies", "special_needs"]
        widgets = {
            "birth_date": DateInput(),
            "allergies": forms.Textarea(attrs={"rows": 2}),
            "special_needs": forms.Textarea(attrs={"rows": 2}),
        }
        help_texts = {
            "identity_number": _("Optional. Shown masked everywhere."),
            "allergies": _("Food or medicine allergies the carers must know; leave empty if none."),
        }


class ChildPhotoForm(forms.Form):
    image = forms.FileField(
        label=_("Photo (JPEG or PNG, up to 5 MB)"),
        widget=forms.ClearableFileInput(attrs={"accept": "image/jpeg,image/png"}),
    )
    consent = forms.BooleanField(
        label=_(
            "I consent to the caregivers and director of my child's class seeing this photo on the class "
            "screen."
        ),
        error_messages={
            "required": _(
                "Consent to the staff of the child's class seeing the photo, or leave the photo out."
            )
        },
    )


class PickupPersonForm(forms.ModelForm):
    class Meta:
        model = PickupPerson
        fields = ["name", "relation", "phone", "identity_number"]


class EntryExamForm(forms.ModelForm):
    class Meta:
        model = EntryExam
        fields = ["examined_on", "medical_institution", "result"]
        widgets = {"examined_on": DateInput()}


class ApplyForm(forms.Form):
    child = forms.ModelChoiceField(label=_("Child"), queryset=Child.objects.none(), empty_label=None)
    service_type = forms.ChoiceField(label=_("Service"))
    desired_start = forms.DateField(label=_("Desired start date"), widget=DateInput())
    priorities = forms.ModelMultipleChoiceField(
        label=_("Priorities that apply to you"),
        queryset=QueuePriority.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )

    def __init__(
        self,
        *args: object,
        children: QuerySet[Child],
        services: list[tuple[str, str]],
        priorities: QuerySet[QueuePriority],
        **kwargs: object,
    ) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.fields["child"].queryset = children  # type: ignore[attr-defined]
        self.fields["service_type"].choices = services  # type: ignore[attr-defined]
        self.fields["priorities"].queryset = priorities  # type: ignore[attr-defined]
        self.fields["priorities"].label_from_instance = lambda p: f"{p.label}（+{p.points}）"  # type: ignore[attr-defined]


class ClassSelect(forms.Select):
    """A select whose options named in ``disabled_values`` are shown but cannot be chosen (a full class)."""

    def __init__(self, attrs: dict[str, str] | None = None) -> None:
        super().__init__(attrs)
        self.disabled_values: set[str] = set()

    def create_option(self, *args: Any, **kwargs: Any) -> dict[str, Any]:
        option = super().create_option(*args, **kwargs)
        if str(option["value"]) in self.disabled_values:
            option["attrs"]["disabled"] = True
        return option


class OfferForm(forms.Form):
    care_class = forms.ModelChoiceField(
        label=_("Class"), queryset=CareClass.objects.none(), empty_label=None, widget=ClassSelect
    )
    start_date = forms.DateField(label=_("Start date"), widget=DateInput())
    expires_at = forms.DateTimeField(
        label=_("Answer by"),
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
    )
    out_of_order_reason = forms.CharField(
        label=_("Reason for offering out of queue order"),
        required=False,
        max_length=MAX_OUT_OF_ORDER_REASON,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_(
            "Needed when waiting applications ahead in the queue fit the class; the regulator sees it."
        ),
    )

    def __init__(
        self,
        *args: object,
        classes: QuerySet[CareClass],
        child: Child | None = None,
        start: datetime.date | None = None,
        **kwargs: object,
    ) -> None:
        """``classes`` carry ``vacancy`` (``classes_with_vacancy``). A full class is shown disabled; the first
        class the child fits on ``start`` with room is chosen before the director chooses."""
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        listed = list(classes)
        fits = {
            c.pk
            for c in listed
            if child is not None
            and start is not None
            and age_refusal(child.birth_date, c.age_band, start) is None
        }
        field = self.fields["care_class"]
        field.queryset = classes  # type: ignore[attr-defined]
        field.widget.disabled_values = {str(c.pk) for c in listed if getattr(c, "vacancy", 1) <= 0}

        def label(c: CareClass) -> str:
            text = str(
                _("%(class)s, %(vacancy)s free") % {"class": c.label, "vacancy": getattr(c, "vacancy", "?")}
            )
            if getattr(c, "vacancy", 1) <= 0:
                return str(_("%(class)s: full") % {"class": c.label})
            if child is not None and c.pk not in fits:
                return str(_("%(label)s: not for this child's age") % {"label": text})
            return text

        field.label_from_instance = label  # type: ignore[attr-defined]
        if not self.is_bound:
            fitting = [c for c in listed if c.pk in fits and getattr(c, "vacancy", 1) > 0]
            if fitting:
                self.initial.setdefault("care_class", fitting[0].pk)
            self.initial.setdefault(
                "expires_at",
                timezone.localtime() + datetime.timedelta(hours=settings.OFFER_VALID_HOURS),
            )


class AcceptForm(forms.Form):
    accept_agreement = forms.BooleanField(
        label=_("I have read the service agreement above and accept it."),
        error_messages={"required": _("Read and accept the service agreement to take the place.")},
    )


class EndPlacementForm(forms.Form):
    ends_on = forms.DateField(label=_("Last day"), widget=DateInput())
    reason = forms.ChoiceField(
        label=_("Reason"), choices=[c for c in EndReason.choices if c[0] != EndReason.AGED_OUT]
    )


class PriorityForm(forms.ModelForm):
    class Meta:
        model = QueuePriority
        fields = ["label", "points"]

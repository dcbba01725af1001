import datetime

from django import forms
from django.conf import settings
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from tuoyu.enrolment.models import Child, EndReason, EntryExam, PickupPerson, QueuePriority, Relation, Sex
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


class OfferForm(forms.Form):
    care_class = forms.ModelChoiceField(label=_("Class"), queryset=CareClass.objects.none(), empty_label=None)
    start_date = forms.DateField(label=_("Start date"), widget=DateInput())
    expires_at = forms.DateTimeField(
        label=_("Answer by"),
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
    )

    def __init__(self, *args: object, classes: QuerySet[CareClass], **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.fields["care_class"].queryset = classes  # type: ignore[attr-defined]
        self.fields["care_class"].label_from_instance = lambda c: str(  # type: ignore[attr-defined]
            _("%(name)s (%(band)s), %(vacancy)s free")
            % {"name": c.name, "band": c.get_age_band_display(), "vacancy": getattr(c, "vacancy", "?")}
        )
        if not self.is_bound:
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

"""The visit form, filled in on a phone at the enterprise: when, planned or not, which teams went and who,
whom they met, what was discussed, the earlier requests it follows up (回访), and a row per problem raised."""

from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from tuoyu.accounts.models import User
from tuoyu.enterprises.models import Category, ServiceRequest, ServiceTeam, TeamLevel, Urgency
from tuoyu.enterprises.selectors.enterprise import team_member_ids
from tuoyu.enterprises.services.requests import Problem
from tuoyu.widgets import DateInput

MAX_PROBLEMS = 20  # rows of problems one visit may record


class TeamChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj: ServiceTeam) -> str:
        return f"{obj.name} · {TeamLevel(obj.level).label}"


class VisitorChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj: User) -> str:
        return obj.display_name


class FollowUpChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj: ServiceRequest) -> str:
        return f"{obj.case.number} {obj.case.subject}（{obj.case.status_label}）"


class VisitForm(forms.Form):
    visited_on = forms.DateField(label=_("Date visited"), widget=DateInput)
    planned = forms.TypedChoiceField(
        label=_("Kind of visit"),
        choices=[("1", _("Planned visit")), ("0", _("Unplanned visit"))],
        coerce=lambda value: value == "1",
        initial="1",
        widget=forms.RadioSelect,
    )
    teams = TeamChoiceField(
        label=_("Teams that went"),
        queryset=ServiceTeam.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        help_text=_("A city team and a district team together is a joint visit (市县联动)."),
    )
    visitors = VisitorChoiceField(
        label=_("Who went"),
        queryset=User.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("The other members of the teams that went; you are counted in."),
    )
    met = forms.CharField(label=_("Met at the enterprise"), max_length=200, required=False)
    discussed = forms.CharField(
        label=_("What was discussed"), max_length=5000, widget=forms.Textarea(attrs={"rows": 4})
    )
    follow_up_of = FollowUpChoiceField(
        label=_("Earlier requests this visit follows up (回访)"),
        queryset=ServiceRequest.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(
        self,
        *args: Any,
        teams: QuerySet[ServiceTeam],
        visitors: QuerySet[User],
        follow_ups: QuerySet[ServiceRequest],
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["teams"].queryset = teams  # type: ignore[attr-defined]
        self.fields["visitors"].queryset = visitors  # type: ignore[attr-defined]
        self.fields["follow_up_of"].queryset = follow_ups.select_related("case")  # type: ignore[attr-defined]
        if not follow_ups.exists():
            del self.fields["follow_up_of"]

    def clean_visited_on(self) -> Any:
        day = self.cleaned_data["visited_on"]
        if day > timezone.localdate():
            raise forms.ValidationError(_("A visit is recorded once it has taken place."), code="future")
        return day

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        teams = list(cleaned.get("teams") or [])
        visitors = list(cleaned.get("visitors") or [])
        if teams and visitors:
            members = team_member_ids(teams)
            strangers = [user.display_name for user in visitors if user.pk not in members]
            if strangers:
                self.add_error(
                    "visitors",
                    _("%(names)s is not on a team that went.") % {"names": "、".join(strangers)},
                )
        return cleaned


class ProblemForm(forms.Form):
    """One problem raised. A row left empty is skipped; a row with a category or a description needs both."""

    category = forms.ChoiceField(label=_("Category"), choices=[("", "—"), *Category.choices], required=False)
    urgency = forms.ChoiceField(label=_("Urgency"), choices=Urgency.choices, initial=Urgency.ORDINARY)
    description = forms.CharField(
        label=_("Problem"), max_length=2000, required=False, widget=forms.Textarea(attrs={"rows": 3})
    )

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if not cleaned.get("category"):
            self.add_error("category", _("Choose the category of the problem."))
        if not str(cleaned.get("description", "")).strip():
            self.add_error("description", _("Please describe the problem."))
        return cleaned

    def problem(self) -> Problem:
        return Problem(
            category=self.cleaned_data["category"],
            urgency=self.cleaned_data["urgency"],
            description=self.cleaned_data["description"],
        )


ProblemFormSet = forms.formset_factory(
    ProblemForm, extra=1, max_num=MAX_PROBLEMS, validate_max=True, absolute_max=MAX_PROBLEMS
)


def problems_of(formset: forms.BaseFormSet) -> list[Problem]:
    """The problems of the rows filled in (an untouched row is no problem)."""
    return [form.problem() for form in formset.forms if form.has_changed() and form.cleaned_data]


def with_one_more_row(data: Any) -> Any:
    """The submitted data with one more (empty) problem row: "add another problem" without any script."""
    more = data.copy()
    total = int(more.get("problems-TOTAL_FORMS") or 1)
    more["problems-TOTAL_FORMS"] = str(min(total + 1, MAX_PROBLEMS))
    return more


class EnterpriseChooseForm(forms.Form):
    q = forms.CharField(
        label=_("Enterprise name or credit code"),
        max_length=100,
        required=False,
        widget=forms.TextInput(attrs={"type": "search"}),
    )

"""The register's forms: finding, registering and editing an enterprise, its Excel import, and the mobile
number by which a team leader adds a member or a department contact."""

from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from tuoyu.accounts.models import User
from tuoyu.accounts.validators import validate_mainland_mobile
from tuoyu.enterprises.models import Enterprise, Industry
from tuoyu.enterprises.selectors.enterprise import account_with_phone
from tuoyu.regions.models import Region


class StreetChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Region) -> str:
        return obj.name


class EnterpriseFilterForm(forms.Form):
    """The register's search: by name or credit code, street and industry."""

    q = forms.CharField(
        label=_("Name or credit code"),
        required=False,
        max_length=100,
        widget=forms.TextInput(attrs={"type": "search", "placeholder": _("Part of a name or code")}),
    )
    street = StreetChoiceField(
        label=_("Street"), queryset=Region.objects.none(), required=False, empty_label=_("All streets")
    )
    industry = forms.ChoiceField(label=_("Industry"), required=False)

    def __init__(self, *args: Any, streets: QuerySet[Region], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["street"].queryset = streets  # type: ignore[attr-defined]
        self.fields["industry"].choices = [("", _("All industries")), *Industry.choices]  # type: ignore[attr-defined]


class EnterpriseForm(forms.ModelForm):
    """An enterprise's record; the streets offered are those of the officer's service region."""

    street = StreetChoiceField(label=_("Street"), queryset=Region.objects.none())

    class Meta:
        model = Enterprise
        fields = [
            "name",
            "credit_code",
            "address",
            "street",
            "industry",
            "contact_name",
            "contact_phone",
            "note",
        ]
        widgets = {
            "credit_code": forms.TextInput(attrs={"autocapitalize": "characters", "spellcheck": "false"}),
            "contact_phone": forms.TextInput(attrs={"type": "tel", "inputmode": "numeric"}),
        }

    def __init__(self, *args: Any, streets: QuerySet[Region], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["street"].queryset = streets  # type: ignore[attr-defined]

    def clean_credit_code(self) -> str:
        return str(self.cleaned_data["credit_code"]).strip().upper()

    def fields_for_service(self) -> dict[str, Any]:
        return {name: self.cleaned_data[name] for name in self.Meta.fields}


class EnterpriseImportForm(forms.Form):
    file = forms.FileField(
        label=_("Filled-in template (.xlsx)"),
        widget=forms.ClearableFileInput(
            attrs={"accept": ".xlsx,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"}
        ),
    )


class AccountByPhoneForm(forms.Form):
    """The mobile number of an existing account: a team leader adds a member, or a department contact."""

    phone = forms.CharField(
        label=_("Mobile number of their account"),
        max_length=11,
        validators=[validate_mainland_mobile],
        widget=forms.TextInput(attrs={"type": "tel", "inputmode": "numeric", "autocomplete": "off"}),
    )

    def clean_phone(self) -> User:
        user = account_with_phone(self.cleaned_data["phone"])
        if user is None:
            raise forms.ValidationError(
                _("No account has this mobile number: they register first, then you add them."),
                code="no_account",
            )
        return user


class TeamMemberForm(AccountByPhoneForm):
    leader = forms.BooleanField(label=_("Make them the team leader"), required=False)

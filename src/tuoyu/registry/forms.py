"""The forms of the registry's pages: what a person types, checked before a service is called."""

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy

from tuoyu.accounts.models import Role, User
from tuoyu.registry.models import CareClass
from tuoyu.registry.selectors import institution_users_with_role


class CaregiverChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return str(obj.display_name)


class ClassCaregiversForm(forms.Form):
    """Who looks after a class: among the institution's caregivers."""

    caregivers = CaregiverChoiceField(
        label=gettext_lazy("Caregivers"),
        queryset=User.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args: Any, care_class: CareClass, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["caregivers"]
        assert isinstance(field, CaregiverChoiceField)
        field.queryset = institution_users_with_role(care_class.institution_id, Role.CAREGIVER)


class InstitutionPhotoForm(forms.Form):
    image = forms.FileField(
        label=gettext_lazy("Photo"),
        widget=forms.ClearableFileInput(attrs={"accept": "image/jpeg,image/png"}),
        help_text=gettext_lazy("A JPEG or PNG image of at most 5 MB."),
    )
    caption = forms.CharField(label=gettext_lazy("Caption"), max_length=100, required=False)

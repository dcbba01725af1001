"""The forms of the registry's pages: what a person types, checked before a service is called."""

from django import forms
from django.utils.translation import gettext_lazy as _


class InstitutionPhotoForm(forms.Form):
    image = forms.FileField(
        label=_("Photo"),
        widget=forms.ClearableFileInput(attrs={"accept": "image/jpeg,image/png"}),
        help_text=_("A JPEG or PNG image of at most 5 MB."),
    )
    caption = forms.CharField(label=_("Caption"), max_length=100, required=False)

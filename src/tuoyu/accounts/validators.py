from django.core.validators import RegexValidator
from django.utils.translation import gettext_lazy as _

# Mainland China mobile numbers: 11 digits, starting 13-19.
validate_mainland_mobile = RegexValidator(
    r"^1[3-9]\d{9}$",
    _("Enter a mainland China mobile number: 11 digits starting with 13 to 19."),
    code="invalid_mobile",
)

from django.core.validators import RegexValidator
from django.utils.translation import gettext_lazy as _

cvr_validator = RegexValidator(r"^\d{8}$", _("A CVR number is exactly 8 digits."), code="invalid_cvr")
institution_number_validator = RegexValidator(
    r"^\d{6}$", _("An institution number is exactly 6 digits."), code="invalid_institution_number"
)

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PoliciesConfig(AppConfig):
    name = "tuoyu.policies"
    verbose_name = _("Policy values")

    def ready(self) -> None:
        from django.db.models.signals import post_delete, post_save

        from tuoyu.policies.models import PolicyValue
        from tuoyu.policies.values import forget_policy_values

        post_save.connect(forget_policy_values, sender=PolicyValue, dispatch_uid="policies-forget-saved")
        post_delete.connect(forget_policy_values, sender=PolicyValue, dispatch_uid="policies-forget-deleted")

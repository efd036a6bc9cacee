"""The overview in the admin: reads only. Feedback is answered through its link or the own
feedback pages, initiatives are kept on the consultant's pages (through the services), and the
summary tables are rebuilt by `facts_refresh`."""

from django.contrib import admin

from overview.models import FactsRefresh, Feedback, Initiative


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


@admin.register(Feedback)
class FeedbackAdmin(ReadOnlyAdmin):
    list_display = ["id", "respondent", "booking", "plan_activity", "sent_at", "answered_at", "rating"]
    list_filter = ["respondent", "answered_at", "goals_met"]
    list_select_related = ["booking", "plan_activity"]
    exclude = ["link_nonce", "token_hash"]
    raw_id_fields = ["booking", "plan_activity", "recipient"]


@admin.register(Initiative)
class InitiativeAdmin(ReadOnlyAdmin):
    list_display = ["name", "owner", "geography", "kind", "started_on", "ended_on"]
    list_filter = ["geography", "kind", "target_groups"]
    search_fields = ["name", "owner"]


@admin.register(FactsRefresh)
class FactsRefreshAdmin(ReadOnlyAdmin):
    """When each school year's figures were last rebuilt: the first place to look when the
    dashboard seems behind."""

    list_display = [field.name for field in FactsRefresh._meta.fields]

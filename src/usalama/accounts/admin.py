from django.contrib import admin

from usalama.accounts.models import Agency, ApiToken, User, UserRole


@admin.register(Agency)
class AgencyAdmin(admin.ModelAdmin[Agency]):
    list_display = ["code", "name", "country", "kind"]


class UserRoleInline(admin.TabularInline[UserRole, User]):
    model = UserRole
    extra = 0


@admin.register(User)
class UserAdmin(admin.ModelAdmin[User]):
    list_display = ["username", "agency", "is_active"]
    inlines = [UserRoleInline]
    exclude = ["password", "user_permissions", "groups"]


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin[ApiToken]):
    list_display = ["key_prefix", "user", "name", "created_at", "revoked_at"]
    readonly_fields = ["key_prefix", "key_hash", "user", "created_at", "last_used_at"]

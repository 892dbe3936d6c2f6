from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin

from accounts.models import Department, Organization, User


@admin.register(Organization)
class OrganizationAdmin(admin.ModelAdmin):
    list_display = ("name", "code", "short_name", "kind", "parent")
    search_fields = ("name", "code")


@admin.register(Department)
class DepartmentAdmin(admin.ModelAdmin):
    list_display = ("name", "organization", "kind")
    list_filter = ("organization", "kind")


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    list_display = ("username", "last_name", "first_name", "organization", "department", "is_active")
    list_filter = ("organization", "groups", "is_active")
    fieldsets = (*DjangoUserAdmin.fieldsets, ("所属单位", {"fields": ("organization", "department")}))
    add_fieldsets = (*DjangoUserAdmin.add_fieldsets, ("所属单位", {"fields": ("organization", "department")}))

from django.contrib import admin

from .models import Customer, Marketplace, Order, OrderItem, Product, SellerAccount, SellerMembership


@admin.register(Marketplace)
class MarketplaceAdmin(admin.ModelAdmin):
    list_display = ["name", "code", "language", "currency", "country", "relay_domain"]
    search_fields = ["name", "code"]
    list_filter = ["currency"]

    def has_add_permission(self, request) -> bool:
        return False  # the five come from a data migration

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


class SellerMembershipInline(admin.TabularInline):
    model = SellerMembership
    extra = 0
    autocomplete_fields = ["user"]


@admin.register(SellerAccount)
class SellerAccountAdmin(admin.ModelAdmin):
    list_display = ["name", "marketplace_codes", "created_at"]
    search_fields = ["name", "memberships__user__username"]
    list_filter = ["marketplaces", "created_at"]
    filter_horizontal = ["marketplaces"]
    inlines = [SellerMembershipInline]

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("marketplaces")

    @admin.display(description="Marketplaces")
    def marketplace_codes(self, seller: SellerAccount) -> str:
        return ", ".join(m.code for m in seller.marketplaces.all())


@admin.register(SellerMembership)
class SellerMembershipAdmin(admin.ModelAdmin):
    list_display = ["user", "seller", "created_at"]
    search_fields = ["user__username", "user__email", "seller__name"]
    list_filter = ["seller"]
    list_select_related = ["user", "seller"]
    autocomplete_fields = ["user", "seller"]


@admin.register(Customer)
class CustomerAdmin(admin.ModelAdmin):
    list_display = ["name", "email", "user", "opted_out_of_unsolicited_messages", "created_at"]
    search_fields = ["name", "email", "user__username"]
    list_filter = ["opted_out_of_unsolicited_messages", "created_at"]
    list_select_related = ["user"]
    autocomplete_fields = ["user"]


@admin.register(Product)
class ProductAdmin(admin.ModelAdmin):
    list_display = ["asin", "sku", "title", "seller", "category", "is_returnable"]
    search_fields = ["asin", "sku", "title"]
    list_filter = ["is_returnable", "category", "seller"]
    list_select_related = ["seller"]
    autocomplete_fields = ["seller"]


class OrderItemInline(admin.TabularInline):
    model = OrderItem
    extra = 0
    autocomplete_fields = ["product"]


@admin.register(Order)
class OrderAdmin(admin.ModelAdmin):
    list_display = [
        "order_id",
        "placed_at",
        "marketplace",
        "seller",
        "customer",
        "status",
        "is_gift",
        "total",
        "currency",
    ]
    search_fields = ["order_id", "customer__name", "customer__email", "seller__name", "items__product__asin"]
    list_filter = ["status", "is_gift", "marketplace", "placed_at"]
    list_select_related = ["marketplace", "seller", "customer"]
    autocomplete_fields = ["seller", "customer"]
    date_hierarchy = "placed_at"
    inlines = [OrderItemInline]
    show_full_result_count = False


@admin.register(OrderItem)
class OrderItemAdmin(admin.ModelAdmin):
    list_display = ["order", "product", "quantity", "unit_price"]
    search_fields = ["order__order_id", "product__asin", "product__sku"]
    list_filter = ["order__marketplace"]
    list_select_related = ["order", "product"]
    autocomplete_fields = ["order", "product"]

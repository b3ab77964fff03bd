"""REST API: who the caller is — the user, and the seller account (with its marketplaces) or
the storefront customer it acts for — so an integrator knows whose data its token reaches."""

from __future__ import annotations

from django.conf import settings
from drf_spectacular.utils import extend_schema
from rest_framework import permissions, serializers
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from . import selectors
from .languages import buyer_language, seller_language
from .models import Marketplace


class MeMarketplaceSerializer(serializers.Serializer):
    code = serializers.CharField()
    name = serializers.CharField()
    currency = serializers.CharField()


class MeUserSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    username = serializers.CharField()
    name = serializers.CharField()
    language = serializers.ChoiceField(
        choices=settings.LANGUAGES, help_text="The language of the user's pages and e-mails"
    )


class MeSellerSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()
    marketplaces = MeMarketplaceSerializer(many=True)


class MeCustomerSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()
    marketplace = MeMarketplaceSerializer(allow_null=True, help_text="The buyer's home storefront")


class MeSerializer(serializers.Serializer):
    user = MeUserSerializer()
    party = serializers.ChoiceField(
        choices=["seller", "buyer"], allow_null=True, help_text="null: staff, neither a seller nor a buyer"
    )
    seller = MeSellerSerializer(allow_null=True, help_text="The seller account, for a seller's user")
    customer = MeCustomerSerializer(allow_null=True, help_text="The storefront customer, for a buyer")


@extend_schema(summary="Who the caller is", responses={200: MeSerializer})
class Me(APIView):
    permission_classes = [permissions.IsAuthenticated]

    def get(self, request: Request) -> Response:
        user = request.user
        membership = selectors.membership_for_user(user)
        customer = None if membership is not None else selectors.customer_for_user(user)
        seller, party, language = None, None, seller_language(membership, request)
        if membership is not None:
            party = "seller"
            marketplaces = Marketplace.objects.filter(sellers=membership.seller).order_by("id")
            seller = {
                "id": membership.seller.pk,
                "name": membership.seller.name,
                "marketplaces": marketplaces,
            }
        elif customer is not None:
            party, language = "buyer", buyer_language(customer)
        name = user.get_full_name() or (customer.name if customer else "") or user.get_username()
        me = {
            "user": {"id": user.pk, "username": user.get_username(), "name": name, "language": language},
            "party": party,
            "seller": seller,
            "customer": customer,
        }
        return Response(MeSerializer(me).data)

"""REST API of the performance figures (docs/metrics.md)."""

from __future__ import annotations

from datetime import timedelta

from drf_spectacular.utils import extend_schema
from rest_framework import permissions, serializers
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from commerce.api import IsSeller

from . import selectors


def _iso(value) -> str:
    return serializers.DateTimeField().to_representation(value)


def _seconds(value: timedelta | None) -> int | None:
    return round(value.total_seconds()) if value is not None else None


HEALTH_STATUSES = ["good", "at_risk", "no_data"]


class CountPercentSerializer(serializers.Serializer):
    count = serializers.IntegerField()
    percent = serializers.FloatField(allow_null=True, help_text="Null when there is nothing to count")


class ResponseWindowSerializer(serializers.Serializer):
    days = serializers.IntegerField()
    start = serializers.DateTimeField()
    end = serializers.DateTimeField()
    under_24h = CountPercentSerializer(help_text="Answered within 24 hours")
    over_24h = serializers.IntegerField(help_text="Answered after 24 hours")
    no_response_over_24h = serializers.IntegerField(help_text="Not answered after 24 hours")
    late = CountPercentSerializer(help_text="Answered late or not at all")
    average_response_seconds = serializers.IntegerField(allow_null=True)


class ContactResponseTimeSerializer(serializers.Serializer):
    status = serializers.ChoiceField(choices=HEALTH_STATUSES)
    unanswered_last_7_days = serializers.IntegerField()
    windows = ResponseWindowSerializer(many=True)


class DefectRateSerializer(serializers.Serializer):
    status = serializers.ChoiceField(choices=HEALTH_STATUSES)
    days = serializers.IntegerField()
    start = serializers.DateTimeField()
    end = serializers.DateTimeField()
    total = serializers.IntegerField()
    rate = CountPercentSerializer()
    target_percent = serializers.FloatField()


class ReturnDissatisfactionPartsSerializer(serializers.Serializer):
    late_responses = CountPercentSerializer()
    invalid_rejections = CountPercentSerializer()
    negative_return_feedback = CountPercentSerializer()


class ReturnDissatisfactionRateSerializer(DefectRateSerializer):
    parts = ReturnDissatisfactionPartsSerializer()


class OrderDefectPartsSerializer(serializers.Serializer):
    a_to_z_claims = CountPercentSerializer()
    negative_feedback = CountPercentSerializer()


class OrderDefectRateSerializer(DefectRateSerializer):
    parts = OrderDefectPartsSerializer()


@extend_schema(
    summary="Contact Response Time over 7, 30 and 90 days",
    responses=ContactResponseTimeSerializer,
)
class ContactResponseTimeView(APIView):
    permission_classes = [permissions.IsAuthenticated, IsSeller]

    def get(self, request: Request) -> Response:
        crt = selectors.contact_response_time(request.seller)
        return Response(
            {
                "status": crt.status,
                "unanswered_last_7_days": crt.unanswered_last_7_days,
                "windows": [
                    {
                        "days": w.days,
                        "start": _iso(w.start),
                        "end": _iso(w.end),
                        "under_24h": {"count": w.under_24h, "percent": w.under_24h_percent},
                        "over_24h": w.over_24h,
                        "no_response_over_24h": w.no_response_over_24h,
                        "late": {"count": w.late, "percent": w.late_percent},
                        "average_response_seconds": _seconds(w.average_response),
                    }
                    for w in crt.windows
                ],
            }
        )


def _rate(figures: selectors.DefectFigures, keys: list[str]) -> dict:
    return {
        "status": figures.status,
        "days": figures.days,
        "start": _iso(figures.start),
        "end": _iso(figures.end),
        "total": figures.total,
        "parts": {
            key: {"count": part.count, "percent": part.percent}
            for key, part in zip(keys, figures.parts, strict=True)
        },
        "rate": {"count": figures.combined.count, "percent": figures.combined.percent},
        "target_percent": figures.target,
    }


@extend_schema(
    summary="Return Dissatisfaction Rate over 90 days",
    responses=ReturnDissatisfactionRateSerializer,
)
class ReturnDissatisfactionRateView(APIView):
    permission_classes = [permissions.IsAuthenticated, IsSeller]

    def get(self, request: Request) -> Response:
        figures = selectors.return_dissatisfaction_rate(request.seller)
        return Response(_rate(figures, ["late_responses", "invalid_rejections", "negative_return_feedback"]))


@extend_schema(summary="Order Defect Rate over 60 days", responses=OrderDefectRateSerializer)
class OrderDefectRateView(APIView):
    permission_classes = [permissions.IsAuthenticated, IsSeller]

    def get(self, request: Request) -> Response:
        figures = selectors.order_defect_rate(request.seller)
        return Response(_rate(figures, ["a_to_z_claims", "negative_feedback"]))

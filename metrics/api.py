"""REST API of the performance figures (docs/metrics.md)."""

from __future__ import annotations

from datetime import timedelta

from drf_spectacular.utils import extend_schema, inline_serializer
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


COUNT_PERCENT = inline_serializer(
    "CountPercent", {"count": serializers.IntegerField(), "percent": serializers.FloatField(allow_null=True)}
)
WINDOW = inline_serializer(
    "ResponseWindow",
    {
        "days": serializers.IntegerField(), "start": serializers.DateTimeField(), "end": serializers.DateTimeField(),
        "under_24h": COUNT_PERCENT, "over_24h": serializers.IntegerField(), "no_response_over_24h": serializers.IntegerField(),
        "late": COUNT_PERCENT, "average_response_seconds": serializers.IntegerField(allow_null=True),
    },
)  # fmt: skip
CRT = inline_serializer(
    "ContactResponseTime",
    {
        "status": serializers.ChoiceField(choices=["good", "at_risk", "no_data"]),
        "unanswered_last_7_days": serializers.IntegerField(),
        "windows": WINDOW.__class__(many=True),
    },
)


@extend_schema(tags=["seller"], summary="Contact Response Time over 7, 30 and 90 days", responses=CRT)
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


RATE = inline_serializer(
    "DefectRate",
    {
        "status": serializers.ChoiceField(choices=["good", "at_risk", "no_data"]), "days": serializers.IntegerField(),
        "start": serializers.DateTimeField(), "end": serializers.DateTimeField(), "total": serializers.IntegerField(),
        "parts": serializers.DictField(child=COUNT_PERCENT), "rate": COUNT_PERCENT, "target_percent": serializers.FloatField(),
    },
)  # fmt: skip


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


@extend_schema(tags=["seller"], summary="Return Dissatisfaction Rate over 90 days", responses=RATE)
class ReturnDissatisfactionRateView(APIView):
    permission_classes = [permissions.IsAuthenticated, IsSeller]

    def get(self, request: Request) -> Response:
        figures = selectors.return_dissatisfaction_rate(request.seller)
        return Response(_rate(figures, ["late_responses", "invalid_rejections", "negative_return_feedback"]))


@extend_schema(tags=["seller"], summary="Order Defect Rate over 60 days", responses=RATE)
class OrderDefectRateView(APIView):
    permission_classes = [permissions.IsAuthenticated, IsSeller]

    def get(self, request: Request) -> Response:
        figures = selectors.order_defect_rate(request.seller)
        return Response(_rate(figures, ["a_to_z_claims", "negative_feedback"]))

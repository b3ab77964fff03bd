"""REST API of the Online Returns Centre: returns, refunds, addresses, settings, claims.

Each view fetches what the caller may see (someone else's return is a 404), calls one
service or selector and answers. A service's ``ValidationError`` (400, by field) and
``TransitionRefused`` (409) are mapped by ``sellercentral.api.exception_handler``; the
shapes are in ``returns.serializers``.
"""

from .buyer import (
    BuyerCancelReturn,
    BuyerFileClaim,
    BuyerRequestReturn,
    BuyerReturnDetail,
    BuyerReturnLabel,
    BuyerReturnList,
    DenyReasons,
    ReturnReasons,
)
from .orders import BuyerOrderList
from .seller import (
    SellerAuthorise,
    SellerClaimList,
    SellerDeny,
    SellerRefund,
    SellerReturnAddresses,
    SellerReturnDetail,
    SellerReturnList,
    SellerReturnSettings,
)

__all__ = [
    "BuyerCancelReturn",
    "BuyerFileClaim",
    "BuyerOrderList",
    "BuyerRequestReturn",
    "BuyerReturnDetail",
    "BuyerReturnLabel",
    "BuyerReturnList",
    "DenyReasons",
    "ReturnReasons",
    "SellerAuthorise",
    "SellerClaimList",
    "SellerDeny",
    "SellerRefund",
    "SellerReturnAddresses",
    "SellerReturnDetail",
    "SellerReturnList",
    "SellerReturnSettings",
]

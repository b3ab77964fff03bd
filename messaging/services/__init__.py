"""Every write of Buyer-Seller Messaging, by use case; ``from messaging import services`` and
call ``services.<name>``.

- ``aliases``: masked addresses and the seller's alternate addresses;
- ``conversations``: the doors of the pages and the API (contact seller, reply, no response
  needed, contact buyer with a reason, system messages), the thread of an order, and the
  refusal of unsolicited messages to a buyer who opted out of them;
- ``bounces``: bounces to the VERP address of a sent mail (``messaging.verp``);
- ``inbound``: inbound e-mail (SMTP server and webhook): who may write, which conversation;
- ``relay``: storing a message, whichever door it came in by, and queueing its relayed copy;
- ``templates``: the seller's reply templates (the cap and the name's uniqueness).

The outbox (``messaging.outbox``), the 24-hour timer (``messaging.deadlines``) and the
seller's addresses (``messaging.selectors``) are re-exported here for the other apps; the
numbers and predicates are in ``messaging.policy``.
"""

from ..deadlines import mark_overdue_messages, warn_before_deadlines
from ..outbox import deliver_outbound_email, due_outbound_email_ids, send_notification
from ..policy import CONTACT_SUBJECTS, MAX_RELAY_RECIPIENTS, MAX_SEND_ATTEMPTS
from ..selectors import (
    SellerAddresses,
    seller_addresses,
    seller_inboxes,
    seller_inboxes_by_language,
    seller_real_addresses,
)
from .aliases import (
    add_alternate_address,
    buyer_alias,
    find_alias,
    new_alias_token,
    remove_alternate_address,
    seller_alias,
)
from .bounces import allow_delivery_again, bounce_outbound_email, check_bounce_recipient, receive_bounce
from .conversations import (
    contact_buyer,
    contact_seller,
    mark_no_response_needed,
    open_thread_for_order,
    post_system_message,
    reply_to_thread,
)
from .inbound import InboundRefused, InboundResult, check_recipient, receive_inbound_email
from .templates import create_reply_template, delete_reply_template, update_reply_template

__all__ = [
    "CONTACT_SUBJECTS",
    "MAX_RELAY_RECIPIENTS",
    "MAX_SEND_ATTEMPTS",
    "InboundRefused",
    "InboundResult",
    "SellerAddresses",
    "add_alternate_address",
    "allow_delivery_again",
    "bounce_outbound_email",
    "buyer_alias",
    "check_bounce_recipient",
    "check_recipient",
    "contact_buyer",
    "contact_seller",
    "create_reply_template",
    "delete_reply_template",
    "deliver_outbound_email",
    "due_outbound_email_ids",
    "find_alias",
    "mark_no_response_needed",
    "mark_overdue_messages",
    "new_alias_token",
    "open_thread_for_order",
    "post_system_message",
    "receive_bounce",
    "receive_inbound_email",
    "remove_alternate_address",
    "reply_to_thread",
    "seller_addresses",
    "seller_alias",
    "seller_inboxes",
    "seller_inboxes_by_language",
    "seller_real_addresses",
    "send_notification",
    "update_reply_template",
    "warn_before_deadlines",
]

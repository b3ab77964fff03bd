"""Writes of the metrics app: buyers' order feedback (``feedback``) and the Contact Response
Time roll-up (``rollup``)."""

from .feedback import leave_feedback
from .rollup import rebuild_response_rollup, recount_response_hours, roll_up_settled_hours

__all__ = ["leave_feedback", "rebuild_response_rollup", "recount_response_hours", "roll_up_settled_hours"]

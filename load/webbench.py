"""Locust users of the web figure of ``make bench``: the inbox, its floor and the bare view.

No think time: 50 users each send their next request as soon as the last one answered, so
the figure is the server's throughput. The session cookie comes from the bench (BENCH_COOKIE).
"""

import os

from locust import FastHttpUser, constant, task


class Inbox(FastHttpUser):
    wait_time = constant(0)

    @task
    def inbox(self) -> None:
        self.client.get("/seller/messages/", headers={"Cookie": os.environ["BENCH_COOKIE"]}, name="inbox")


class InboxFloor(FastHttpUser):
    wait_time = constant(0)

    @task
    def floor(self) -> None:
        self.client.get(
            "/seller/bench-floor/messages/",
            headers={"Cookie": os.environ["BENCH_COOKIE"]},
            name="inbox floor",
        )


class Bare(FastHttpUser):
    wait_time = constant(0)

    @task
    def bare(self) -> None:
        self.client.get("/load/bare/", headers={"Cookie": os.environ["BENCH_COOKIE"]}, name="bare view")

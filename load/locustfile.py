"""50 users on the product: sellers on the inbox, threads, Manage Returns and Account Health
(with some replies), buyers on their orders and return requests.

Run by ``make load`` (load/run.sh); every non-2xx response counts as a failure.
"""

import random
import re

from locust import FastHttpUser, between, task

THREAD_LINK = re.compile(r'href="(/seller/messages/threads/\d+/)')
RETURN_LINK = re.compile(r'href="(/orders/[\w-]+/return/)"')
ORDER_LINK = re.compile(r'href="(/orders/[\w-]+/)"')
CSRF = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
RETURN_STATUSES = ["pending", "authorised", "completed", "closed", "all"]


class SignedIn(FastHttpUser):
    abstract = True
    signin_path = ""
    username = password = ""
    wait_time = between(0.2, 1.0)

    def on_start(self) -> None:
        page = self.client.get(self.signin_path, name="sign-in page")
        token = CSRF.search(page.text).group(1)
        with self.client.post(
            self.signin_path,
            data={"username": self.username, "password": self.password, "csrfmiddlewaretoken": token},
            headers={"Referer": self.host + self.signin_path},
            allow_redirects=False,
            name="sign in",
            catch_response=True,
        ) as response:
            if response.status_code != 302:
                response.failure(f"sign-in answered {response.status_code}")


class Seller(SignedIn):
    weight = 4
    signin_path = "/seller/signin/"
    username = password = "seller"  # noqa: S105 (the demo account seed_demo creates)
    threads: list[str] = []

    @task(6)
    def inbox(self) -> None:
        page = self.client.get("/seller/messages/", name="inbox")
        self.threads = THREAD_LINK.findall(page.text) or self.threads

    @task(4)
    def thread(self) -> None:
        if self.threads:
            self.client.get(random.choice(self.threads), name="thread")

    @task(1)
    def reply(self) -> None:
        if not self.threads:
            return
        url = random.choice(self.threads)
        page = self.client.get(url, name="thread")
        token = CSRF.search(page.text).group(1)
        self.client.post(
            url,
            data={
                "body": "Thank you for your message; we are looking into it.",
                "csrfmiddlewaretoken": token,
            },
            headers={"Referer": self.host + url},
            name="reply",
        )

    @task(4)
    def manage_returns(self) -> None:
        self.client.get(f"/seller/returns/?status={random.choice(RETURN_STATUSES)}", name="manage returns")

    @task(2)
    def account_health(self) -> None:
        self.client.get("/seller/performance/account-health/", name="account health")


class Buyer(SignedIn):
    weight = 1
    signin_path = "/signin/"
    username = password = "luca"  # noqa: S105 (the demo account seed_demo creates)
    orders: list[str] = []

    @task(2)
    def your_orders(self) -> None:
        page = self.client.get("/orders/", name="buyer orders")
        self.orders = [link for link in ORDER_LINK.findall(page.text) if link.count("/") == 3] or self.orders

    @task(3)
    def your_returns(self) -> None:
        self.client.get("/returns/your-returns/", name="your returns")

    @task(3)
    def return_request_form(self) -> None:
        if self.orders:
            self.client.get(random.choice(self.orders) + "return/", name="return request form")

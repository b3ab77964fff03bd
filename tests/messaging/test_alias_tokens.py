"""Masked addresses that spam filters do not take for a throw-away sender, and still unguessable."""

import math
import re

import pytest

from messaging import policy, services
from messaging.models import Alias

# SpamAssassin 4's HK_RANDOM_FROM / HK_RANDOM_ENVFROM / HK_RANDOM_REPLYTO (72_active.cf): the
# user name "looks random". Copied here as the rule the relay's addresses must not trigger.
HK_RANDOM = re.compile(
    r"^(?!(?:mail|bounce)[_.-]|[^@]*(?:[+=^~\#-]|mc(?:b|g)r|kpmg|nlpbr|ndqv|lcgc|cplpr)|[^@]{26}"
    r"|.*?\@.{0,20}\b(?:cmp-info|cmpgnr|cnn|tori|jysk|amadeus|amazon)\.[a-z]{2,3}$)"
    r"[^@]*(?:[bcdfgjklmnpqrtvwxz]{5}|[aeiouy]{5}|([a-z]{1,2})(?:\1){3})",
    re.IGNORECASE | re.MULTILINE,
)


def test_the_rule_as_copied_still_fires_on_the_old_random_tokens():
    assert HK_RANDOM.match("q7xkzvbn2d4tpl6mrw5cfgh3@marketplace.uk.sellercentral.test")


def test_no_token_looks_random_to_spamassassin():
    tokens = [services.new_alias_token() for _ in range(5000)]
    looking_random = [t for t in tokens if HK_RANDOM.match(f"{t}@marketplace.uk.sellercentral.test")]
    assert looking_random == []
    assert len(set(tokens)) == len(tokens)
    assert all(re.fullmatch(r"[a-z]+(-[a-z]+)*", t) and len(t) <= 40 for t in tokens)


# SpamAssassin 4's __AC_FROM_MANY_DOTS (72_active.cf), 1.0 on a mail that answers nothing (a
# thread's first relayed copy): three or more dot-separated words before the @.
AC_FROM_MANY_DOTS = re.compile(r"<(?!do\.not\.reply@)(?:\w{2,}\.){2,}\w+@", re.IGNORECASE)


def test_the_dots_rule_as_copied_fires_on_the_earlier_dotted_tokens():
    assert AC_FROM_MANY_DOTS.search(
        '"Luca" <saru.rezu.minu.sodu.gopa.fufu.me@marketplace.uk.sellercentral.test>'
    )


def test_no_token_has_the_many_dots_spamassassin_scores():
    tokens = [services.new_alias_token() for _ in range(1000)]
    assert [
        t for t in tokens if AC_FROM_MANY_DOTS.search(f'"Luca" <{t}@marketplace.uk.sellercentral.test>')
    ] == []


def test_a_token_carries_at_least_80_random_bits():
    per_syllable = len(policy.ALIAS_CONSONANTS) * len(policy.ALIAS_VOWELS)
    assert policy.ALIAS_SYLLABLES * math.log2(per_syllable) >= 80


@pytest.mark.django_db
def test_an_address_of_the_earlier_format_still_reaches_its_owner(seller):
    marketplace = seller.marketplaces.get(code="uk")
    old = Alias.objects.create(
        token="q7xkzvbn2d4tpl6mrw5cfgh3", kind="seller", seller=seller, marketplace=marketplace
    )
    assert services.find_alias(old.address) == old

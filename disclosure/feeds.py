"""The Atom feed of new publications (Django's syndication framework): what is visible today, newest first."""

from __future__ import annotations

from django.contrib.syndication.views import Feed
from django.urls import reverse
from django.utils import timezone
from django.utils.feedgenerator import Atom1Feed

from disclosure import selectors
from disclosure.models import PenaltyPublication


class PenaltyFeed(Feed):
    feed_type = Atom1Feed
    title = "行政处罚决定公示"
    subtitle = "上海市各区生态环境局依法公示的行政处罚决定（当事人为自然人的只显示姓氏）。"
    language = "zh-CN"

    def link(self) -> str:
        return reverse("disclosure:penalty-list")

    def items(self) -> list[PenaltyPublication]:
        return selectors.feed_items(today=timezone.localdate())

    def item_title(self, item: PenaltyPublication) -> str:
        suffix = f"（更正，第{item.number}版）" if item.number > 1 else ""
        return f"{item.party_name}：{item.decision_number}{suffix}"

    def item_description(self, item: PenaltyPublication) -> str:
        return f"{item.authority}于{item.decided_on:%Y年%-m月%-d日}作出：{item.violation}；{item.penalty}。"

    def item_link(self, item: PenaltyPublication) -> str:
        return reverse("disclosure:penalty-detail", args=[item.pk])

    def item_pubdate(self, item: PenaltyPublication):
        return item.published_at

    def item_updateddate(self, item: PenaltyPublication):
        return item.published_at

    def item_author_name(self, item: PenaltyPublication) -> str:
        return item.authority

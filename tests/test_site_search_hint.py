"""Search for citizens (issue 20): a disease no region's list in the data names (糖尿病,
高血压) gets an explanation and links to the data coverage page and the disease index,
not a bare "no result"; a search that finds something gets no such hint."""

from __future__ import annotations

from typing import Any

import pytest
from playwright.sync_api import expect

from sitebuild import BuiltSite, assert_clean, open_page, search, shot

HINT = ".pk-search-hint"


@pytest.mark.browser
@pytest.mark.parametrize("width", [1280, 390])
def test_a_disease_in_no_list_explains_and_links_to_coverage(browser: Any, built: BuiltSite,
                                                            width: int) -> None:
    watched = open_page(browser, built, "regions/441800/", width=width, height=844)
    page = watched.page
    if width < 1220:                          # Material's phone header: the search button
        page.locator("label.md-header__button[for=__search]").click()
    else:
        page.locator(".md-search__input").first.click()
    for query in ("糖尿病", "高血压"):
        search(page, query)
        # No result names the whole query (高血压 may find places named 高…: the engine
        # splits Chinese words), and the hint says so.
        items = page.locator(".md-search-result__item").all_inner_texts()
        assert not any(query in t.replace("\u200b", "") for t in items), items
        hint = page.locator(HINT)
        expect(hint).to_be_visible()
        expect(hint).to_contain_text(f"“{query}”")
        expect(hint).to_contain_text("名单还没有一个列出它")
        hrefs = {a.inner_text(): a.get_attribute("href") for a in hint.locator("a").all()}
        assert hrefs["数据覆盖"] == built.url + "coverage/", hrefs
        assert hrefs["全部病种"] == built.url + "diseases/", hrefs
    shot(page, f"search-hint-{width}")
    # A search that finds pages (a city; a disease a list names) has no hint.
    for query in ("清远", "精神分裂症"):
        search(page, query)
        expect(page.locator(".md-search-result__item").first).to_be_visible()
        expect(page.locator(HINT)).to_be_hidden()
    assert_clean(watched, built)
    page.context.close()

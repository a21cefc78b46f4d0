"""The three lists of CMS families agree: the list readers' (the product's own), the site registry's
hints, and the families the test portal simulates. The portal imports nothing of the product; this
test is where the two meet."""

from __future__ import annotations

from demoportal.families import FAMILIES as PORTAL_FAMILIES
from demoportal.kinds import PROFILES
from gsspider import listreaders
from gsspider.sites import KNOWN_FAMILIES

#: Portal families a crawler reads with another family's reader: a list built by JavaScript is a
#: plain ``?page=N`` list once a browser has rendered it.
READ_AS = {"jsrender": "paged"}


def test_the_registry_hints_are_the_list_readers_families():
    assert sorted(KNOWN_FAMILIES) == sorted(listreaders.FAMILIES)


def test_the_portal_simulates_every_family_the_list_readers_read_and_no_other():
    assert set(READ_AS) <= set(PORTAL_FAMILIES)
    assert {READ_AS.get(name, name) for name in PORTAL_FAMILIES} == set(listreaders.FAMILIES)


def test_every_portal_kind_lists_with_a_family_the_portal_has():
    used = {p.family for p in PROFILES.values()} | {p.news_family for p in PROFILES.values() if p.news_family}
    assert used <= set(PORTAL_FAMILIES)
    assert used == set(PORTAL_FAMILIES)  # no family left without a site kind to show it

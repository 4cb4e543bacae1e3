"""A respondent journey per perspective in Chromium on a phone-sized screen (360 px): each
reads its own wording, axe-core finds nothing, the read-aloud control is reached and used by
keyboard and sends nothing anywhere, and it stays hidden where the browser cannot speak."""

from __future__ import annotations

import pytest
from playwright.sync_api import Browser, Page, expect
from respondent_support import PRINCIPLES, item_keys, response_of

from browser.conftest import CSP_LISTENER, assert_accessible

# The browser's speech is replaced by a recorder: the test hears what would be spoken, and a
# headless Chromium has no voices to speak with anyway.
SPEECH_RECORDER = """
window.__spoken = [];
window.__cancelled = 0;
Object.defineProperty(window, 'speechSynthesis', {
  configurable: true,
  value: {
    speak: (u) => { window.__spoken.push({text: u.text, lang: u.lang}); },
    cancel: () => { window.__cancelled += 1; },
  },
});
"""
NO_SPEECH = (
    "Object.defineProperty(window, 'speechSynthesis', {configurable: true, value: undefined});"
)

WORDING = {
    "professional": "In onze regio bepaalt wat een kind nodig heeft welke hulp er komt",
    "parent": "De hulp die mijn kind krijgt, past bij wat mijn kind nodig heeft.",
    "young": "De hulp die ik krijg, past bij wat ik nodig heb.",
}


@pytest.fixture
def second(make):
    region = make.region("regio-p", "Regio P")
    parents = make.organisation(region, "Ouderraad P", "ouders")
    round_ = make.round("ronde-v2", (region,), version=2)
    return {"region": region, "parents": parents, "round": round_}


def _phone(browser: Browser, script: str) -> Page:
    context = browser.new_context(
        locale="nl-NL", viewport={"width": 360, "height": 740}, has_touch=True, is_mobile=True
    )
    context.add_init_script(CSP_LISTENER)
    context.add_init_script(script)
    return context.new_page()


def _fits_the_screen(page: Page) -> None:
    assert page.evaluate("document.documentElement.scrollWidth") <= 360


@pytest.mark.parametrize("perspective", ["professional", "parent", "young"])
def test_a_journey_on_a_phone_in_each_perspective(
    browser: Browser, live_server, make, second, db, perspective
):
    spec = make.questionnaire_spec(2)
    invitation, token = make.invitation(second["round"], second["parents"], perspective=perspective)
    page = _phone(browser, SPEECH_RECORDER)
    requests: list[str] = []
    page.on("request", lambda request: requests.append(request.url))
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))

    page.goto(f"{live_server.url}/i/{token}")
    expect(page.get_by_text(spec.introduction_for(perspective).nl[:50])).to_be_visible()
    _fits_the_screen(page)
    assert_accessible(page)
    page.get_by_role("button", name="Begin met de scan").click()
    expect(page.get_by_role("heading", name="Het kind centraal")).to_be_visible()
    expect(page.get_by_text(WORDING[perspective])).to_be_visible()
    for other, text in WORDING.items():
        if other != perspective:
            expect(page.get_by_text(text)).to_have_count(0)
    _fits_the_screen(page)
    assert_accessible(page)

    # The read-aloud control: reached with Tab from the page's start, started with Enter,
    # reading the heading, the explanation and every statement; nothing is requested meanwhile.
    control = page.get_by_role("button", name="Lees deze pagina voor")
    expect(control).to_be_visible()
    page.locator("h1").focus()
    for _ in range(40):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.classList.contains('read-aloud__button')"):
            break
    else:
        pytest.fail("the read-aloud control was not reached by keyboard")
    before = len(requests)
    page.keyboard.press("Enter")
    stop = page.get_by_role("button", name="Stop met voorlezen")
    expect(stop).to_have_attribute("aria-pressed", "true")
    spoken = page.evaluate("window.__spoken")
    texts = [s["text"] for s in spoken]
    assert texts[0] == "Het kind centraal"
    assert spec.principles[0].explanation_for(perspective).nl in texts
    assert any(t.startswith(WORDING[perspective]) for t in texts)
    assert len(texts) == 2 + len(item_keys(spec, "kind-centraal"))
    assert {s["lang"] for s in spoken} == {"nl-NL"}
    page.keyboard.press("Enter")  # and stopped again
    expect(page.get_by_role("button", name="Lees deze pagina voor")).to_have_attribute(
        "aria-pressed", "false"
    )
    assert page.evaluate("window.__cancelled") >= 2
    assert len(requests) == before

    # Answer every page on the phone and submit.
    for principle in PRINCIPLES:
        expect(page).to_have_url(f"{live_server.url}/vragenlijst/{principle}")
        for key in item_keys(spec, principle):
            page.locator(f"label[for=item-{key}-4]").click()
        page.locator("button[name=action][value=next]").click()
    expect(page.get_by_role("heading", name="Controleren en versturen")).to_be_visible()
    _fits_the_screen(page)
    assert_accessible(page)
    page.get_by_role("button", name="Mijn antwoorden versturen").click()
    expect(page.locator("#profile-table")).to_be_visible()
    _fits_the_screen(page)
    assert_accessible(page)
    db.expire_all()
    response = response_of(db, invitation.id)
    assert response is not None and response.status == "submitted"
    assert response.perspective == perspective
    assert errors == []
    page.context.close()


def test_the_read_aloud_control_stays_hidden_without_speech(
    browser: Browser, live_server, make, second
):
    _, token = make.invitation(second["round"], second["parents"], perspective="young")
    page = _phone(browser, NO_SPEECH)
    page.goto(f"{live_server.url}/i/{token}")
    page.get_by_role("button", name="Begin met de scan").click()
    expect(page.get_by_text(WORDING["young"])).to_be_visible()
    expect(page.locator(".read-aloud")).to_be_hidden()
    expect(page.get_by_role("button", name="Lees deze pagina voor")).to_have_count(0)
    page.context.close()

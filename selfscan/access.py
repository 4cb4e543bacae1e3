"""Who may reach what: one policy table for every endpoint, enforced before every request.

Deny by default: an endpoint that is not in POLICY answers 403 to everyone, and the
route-walking test fails until the table names it.
"""

from __future__ import annotations

from enum import StrEnum

from flask import Flask, Request, abort, flash, g, redirect, request, session, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlmodel import select
from werkzeug.datastructures import WWWAuthenticate
from werkzeug.exceptions import Unauthorized

from selfscan.core.scoring import PROGRAMME, Viewer
from selfscan.infra import sessions, throttle
from selfscan.infra.db import engine, get_session
from selfscan.infra.extensions import login_manager
from selfscan.models import CoordinatorRegion, Region, User
from selfscan.services import api_tokens


class Access(StrEnum):
    PUBLIC = "public"  # anyone
    RESPONDENT = "respondent"  # a person who opened a valid invitation link
    SIGNED_IN = "signed-in"  # any account
    REGION = "region"  # the coordinator of the URL's <region>, and the programme team
    PROGRAMME = "programme"  # the programme team only
    # The API (selfscan.api): a personal API token in `Authorization: Bearer …` carries its
    # person's rights; the session cookie is not used there.
    API = "api"  # any working token; the answer holds what its person may see
    API_REGION = "api-region"  # a token of the URL's <region>'s coordinator, or the programme's
    API_NAMED_REGION = "api-named-region"  # …or of anyone who sees that region by name


TOKEN_RULES = frozenset({Access.API, Access.API_REGION, Access.API_NAMED_REGION})


POLICY: dict[str, Access] = {
    "static": Access.PUBLIC,
    "main.set_language": Access.PUBLIC,
    "main.health": Access.PUBLIC,
    "main.ping": Access.PUBLIC,  # bench/: the hello-world ceiling, no database
    "account.login": Access.PUBLIC,
    "account.logout": Access.SIGNED_IN,
    "account.forgot_password": Access.PUBLIC,
    "account.set_password": Access.PUBLIC,
    "main.index": Access.SIGNED_IN,
    "main.figures_explained": Access.PUBLIC,  # how figures are made: no data, for everyone
    "respondent.open_link": Access.PUBLIC,  # the token is the credential; rate-limited
    "respondent.intro": Access.RESPONDENT,
    "respondent.begin": Access.RESPONDENT,
    "respondent.principle": Access.RESPONDENT,
    "respondent.autosave": Access.RESPONDENT,
    "respondent.review": Access.RESPONDENT,
    "respondent.submit": Access.RESPONDENT,
    "respondent.saved": Access.RESPONDENT,
    "respondent.profile": Access.RESPONDENT,
    "programme.questionnaire_preview": Access.PROGRAMME,
    "region.overview": Access.REGION,
    "region.dashboard": Access.REGION,
    "region.path": Access.REGION,
    "region.path_download": Access.REGION,
    "programme.paths": Access.PROGRAMME,
    "programme.learning_partners": Access.PROGRAMME,
    "programme.spearheads": Access.PROGRAMME,
    "programme.annual": Access.PROGRAMME,
    "programme.statements_download": Access.PROGRAMME,
    "programme.annual_pdf": Access.PROGRAMME,
    "programme.perspectives": Access.PROGRAMME,
    "programme.perspectives_download": Access.PROGRAMME,
    "programme.spearheads_download": Access.PROGRAMME,
    "programme.paths_download": Access.PROGRAMME,
    "region.scores_download": Access.REGION,
    "compare.compare": Access.SIGNED_IN,  # regions limited to own and shared by name
    "compare.scores_download": Access.PROGRAMME,
    "region.sharing": Access.REGION,
    "region.organisations": Access.REGION,
    "region.edit_organisation": Access.REGION,
    "region.invitations": Access.REGION,
    "region.invite_one": Access.REGION,
    "region.invite_list": Access.REGION,
    "region.resend_invitation": Access.REGION,
    "region.restore_invitation": Access.REGION,
    "region.renew_invitation": Access.REGION,
    "region.revoke_invitation": Access.REGION,
    "region.remind_unanswered": Access.REGION,
    "region.agenda": Access.REGION,
    "region.add_action": Access.REGION,
    "region.edit_action": Access.REGION,
    "region.delete_action": Access.REGION,
    "region.agreed_positions": Access.REGION,
    "region.ambitions": Access.REGION,
    "region.add_ambition": Access.REGION,
    "region.edit_ambition": Access.REGION,
    "region.delete_ambition": Access.REGION,
    "region.add_agreement": Access.REGION,
    "region.edit_agreement": Access.REGION,
    "region.delete_agreement": Access.REGION,
    "region.agreement_progress": Access.REGION,
    "region.report": Access.REGION,
    "region.network_choices": Access.REGION,
    "region.partners": Access.REGION,
    "region.ask_partner": Access.REGION,
    "region.answer_partner": Access.REGION,
    "region.end_partnership": Access.REGION,
    "region.partner_agenda": Access.REGION,  # also needs partners and the other's sharing
    "region.quotations_page": Access.REGION,
    "region.report_pdf": Access.REGION,
    "region.conversation_agenda": Access.REGION,
    "region.conversation_agenda_pdf": Access.REGION,
    "region.adopt_agenda": Access.REGION,
    "region.add_topic": Access.REGION,
    "region.move_topic": Access.REGION,
    "region.remove_topic": Access.REGION,
    "programme.rounds": Access.PROGRAMME,
    "programme.new_round": Access.PROGRAMME,
    "programme.edit_round": Access.PROGRAMME,
    "programme.close_round": Access.PROGRAMME,
    "programme.report_bundles": Access.PROGRAMME,
    "programme.report_bundle_download": Access.PROGRAMME,
    "programme.new_region": Access.PROGRAMME,
    "programme.edit_region": Access.PROGRAMME,
    "programme.coordinators_list": Access.PROGRAMME,
    "programme.new_coordinator": Access.PROGRAMME,
    "programme.coordinator": Access.PROGRAMME,
    "programme.deactivate_coordinator": Access.PROGRAMME,
    "programme.reactivate_coordinator": Access.PROGRAMME,
    "programme.resend_account_invitation": Access.PROGRAMME,
    "programme.regions": Access.PROGRAMME,
    "programme.questionnaires": Access.PROGRAMME,
    "programme.import_page": Access.PROGRAMME,
    "programme.questionnaire_upload": Access.PROGRAMME,
    "programme.questionnaire_publish": Access.PROGRAMME,
    "programme.import_preview": Access.PROGRAMME,
    "programme.import_confirm": Access.PROGRAMME,
    "programme.overview_page": Access.PROGRAMME,
    "programme.overview_download": Access.PROGRAMME,
    "programme.privacy_lookup": Access.PROGRAMME,
    "programme.privacy_export": Access.PROGRAMME,
    "programme.privacy_erase": Access.PROGRAMME,
    "account.tokens": Access.SIGNED_IN,
    "account.revoke_token": Access.SIGNED_IN,
    "api-docs.openapi_json": Access.PUBLIC,  # the API's description: no data
    "api.rounds": Access.API,
    "api.regions": Access.API,
    "api.round_figures": Access.API,
    "api.region_figures": Access.API_NAMED_REGION,
    "api.round_perspectives": Access.API,
    "api.region_participation": Access.API_REGION,
    "api.region_agenda": Access.API_REGION,
}


def init_app(app: Flask) -> None:
    sessions.init_app(app)
    login_manager.request_loader(token_user)
    # After the CSRF check (registered earlier), before the policy reads the session.
    app.before_request(sessions.end_expired_session)
    app.before_request(enforce_policy)


def enforce_policy() -> object | None:
    """Apply the endpoint's rule from POLICY; anything not listed is refused."""
    endpoint = request.endpoint
    if endpoint is None:
        return None  # no route matched: the 404 handler answers
    rule = POLICY.get(endpoint)
    if rule is None:
        abort(403)
    if rule is Access.PUBLIC:
        return None
    if rule is Access.RESPONDENT:
        if "invitation_id" not in session:
            abort(403)
        return None
    if rule in TOKEN_RULES:
        return _enforce_token_rule(rule)
    if not current_user.is_authenticated:
        return _to_login()
    if rule is Access.SIGNED_IN:
        return None
    if current_user.is_programme:
        return None
    if rule is Access.REGION:
        region_key = (request.view_args or {}).get("region")
        if region_key is None or region_key not in coordinated_region_keys():
            abort(403)
        return None
    abort(403)


def is_api_request() -> bool:
    """Whether the request is for the token-authenticated API (which ignores the session)."""
    return POLICY.get(request.endpoint or "") in TOKEN_RULES


def _enforce_token_rule(rule: Access) -> None:
    if not current_user.is_authenticated:  # token_user found no working token
        raise Unauthorized(
            _(
                "Send a working personal API token in the header "
                "'Authorization: Bearer <token>'. Make one on your account's API tokens page."
            ),
            www_authenticate=WWWAuthenticate("bearer", {"realm": "selfscan"}),
        )
    if rule is Access.API or current_user.is_programme:
        return
    region_key = (request.view_args or {}).get("region")
    own = coordinated_region_keys()
    if region_key in own:
        return
    if rule is Access.API_NAMED_REGION and region_key is not None and own:
        named = get_session().exec(
            select(Region.id).where(Region.key == region_key, Region.sharing == "named")
        )
        if named.first() is not None:
            return
    abort(403, _("This token's account may not see this region."))


def token_user(req: Request) -> User | None:
    """Flask-Login's request loader: on the API, the active account of a working token in
    `Authorization: Bearer …` (elsewhere None). Tokens that do not work are counted per
    address, and 429 follows once the address has used up its attempts; every request of a
    working token is counted against that token's own limit."""
    if not is_api_request():
        return None
    scheme, _space, token = req.headers.get("Authorization", "").partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        return None
    found = api_tokens.find_user(get_session(), token.strip())
    if found is None:
        failure = (throttle.API_TOKEN_ADDRESS, throttle.address())
        throttle.refuse_when_exceeded(failure)
        throttle.count(failure)
        return None
    row, user = found
    throttle.spend((throttle.API_TOKEN, str(row.id)))
    api_tokens.note_use(engine().execution_options(**{throttle.COUNTER_OPTION: True}), row)
    return user


def _to_login() -> object:
    if request.accept_mimetypes.best == "application/json":
        abort(401)
    if not g.get("session_expired"):  # that message already says to sign in again
        flash(_("Please sign in to see this page."), "info")
    return redirect(url_for("account.login", next=request.full_path.rstrip("?")))


def coordinated_region_keys() -> frozenset[str]:
    """Keys of the regions the signed-in account coordinates (cached for the request; the
    account's loader, selfscan.account.views.load_user, reads them with the account)."""
    user: User = current_user  # type: ignore[assignment]
    if not user.is_authenticated:  # (this loads the account first, and with it the keys)
        return frozenset()
    if "region_keys" not in g:
        g.region_keys = frozenset(
            get_session().exec(
                select(Region.key)
                .join(CoordinatorRegion, CoordinatorRegion.region_id == Region.id)
                .where(CoordinatorRegion.user_id == user.id)
            )
        )
    return g.region_keys  # type: ignore[no-any-return]


def current_viewer() -> Viewer:
    """Whose eyes look at figures (DESIGN rule 6): the programme team sees every region by name;
    a coordinator their own regions and those that share by name (cached for the request)."""
    if current_user.is_programme:
        return PROGRAMME
    if "viewer" not in g and "viewer_regions" in g:  # read with the account (load_user)
        g.viewer = Viewer(g.viewer_regions)
    if "viewer" not in g:
        own = coordinated_region_keys()
        g.viewer = Viewer(
            frozenset(
                get_session().exec(
                    select(Region.id).where(
                        Region.key.in_(own) | (Region.sharing == "named")  # type: ignore[attr-defined]
                    )
                )
            )
        )
    return g.viewer  # type: ignore[no-any-return]


def visible_regions() -> list[Region]:
    """The regions the signed-in account works on: all for the programme team."""
    query = select(Region).order_by(Region.name)
    if not current_user.is_programme:
        query = query.join(CoordinatorRegion, CoordinatorRegion.region_id == Region.id).where(
            CoordinatorRegion.user_id == current_user.id
        )
    return list(get_session().exec(query))

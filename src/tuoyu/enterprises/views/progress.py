"""The enterprise's progress page (事事有回音): a link with a code and a token, no account needed.

It shows the request's status in plain words, its deadline, every public step with its date and the answer
once closed; a closure waiting for a rating brings the rating form. A wrong or missing token is the same 404
as an unknown code; every look is throttled per client (a token cannot be guessed by trying), and so is every
rating. The page is not for search engines and its answers are not kept by browsers or proxies.
"""

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.cache import patch_cache_control
from django.utils.translation import gettext as _

from tuoyu.accounts.models import User
from tuoyu.enterprises.forms.progress import RatingForm
from tuoyu.enterprises.models import RatingChannel, Satisfaction, ServiceRequest
from tuoyu.enterprises.selectors.access import is_contact_of
from tuoyu.enterprises.selectors.timeline import progress_of, request_by_token
from tuoyu.enterprises.services.requests import progress_link, request_rate
from tuoyu.enterprises.throttles import RequestProgressThrottle, RequestRatingThrottle
from tuoyu.errors import error_response
from tuoyu.refusals import refusal_shown


def kept_private(response: HttpResponse) -> HttpResponse:
    """A progress answer is the enterprise's: never indexed, never stored on the way."""
    response["X-Robots-Tag"] = "noindex, nofollow"
    patch_cache_control(response, no_store=True, private=True)
    return response


def _throttled(request: HttpRequest, throttle: RequestProgressThrottle | RequestRatingThrottle) -> bool:
    return not throttle.allow_request(request, None)  # type: ignore[arg-type]


def _request_of(request: HttpRequest, code: str) -> ServiceRequest:
    found = request_by_token(code, request.GET.get("token", ""))
    if found is None:
        raise Http404
    return found


def rater_of(user: object, service_request: ServiceRequest) -> User | None:
    """Who rates online: the signed-in enterprise contact, or nobody (the link's holder)."""
    return user if isinstance(user, User) and is_contact_of(user, service_request) else None


def progress(request: HttpRequest, code: str) -> HttpResponse:
    """GET: the request's progress. POST: the enterprise's rating of a closure waiting for one."""
    if request.method == "POST":
        return _rate(request, code)
    throttle = RequestProgressThrottle()
    if _throttled(request, throttle):
        return kept_private(
            error_response(request, status=429, code="throttled", detail=throttle.refusal_text())
        )
    service_request = _request_of(request, code)
    return _page(request, service_request, RatingForm())


def _page(request: HttpRequest, service_request: ServiceRequest, form: RatingForm) -> HttpResponse:
    shown = progress_of(service_request)
    context = {
        "progress": shown,
        "form": form if shown.rating_due else None,
        "not_satisfied": Satisfaction.NOT_SATISFIED,
    }
    return kept_private(render(request, "enterprises/progress.html", context))


def _rate(request: HttpRequest, code: str) -> HttpResponse:
    throttle = RequestRatingThrottle()
    if _throttled(request, throttle):
        return kept_private(
            error_response(request, status=429, code="throttled", detail=throttle.refusal_text())
        )
    service_request = _request_of(request, code)
    form = RatingForm(request.POST)
    if not form.is_valid():
        return _page(request, service_request, form)
    data = form.cleaned_data
    with refusal_shown(request) as attempt:
        request_rate(
            request=service_request,
            satisfaction=data["satisfaction"],
            channel=RatingChannel.ONLINE,
            comment=data["comment"],
            actor=rater_of(request.user, service_request),
        )
    if attempt.refused is None:
        if data["satisfaction"] == Satisfaction.NOT_SATISFIED:
            messages.success(request, _("Thank you. Your request is reopened and will be handled again."))
        else:
            messages.success(request, _("Thank you for your rating."))
    return kept_private(redirect(progress_link(service_request)))

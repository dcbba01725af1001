"""Rate limits per client address on an enterprise's progress link and its rating there, shared by the page
and the API (one count per client for each)."""

from tuoyu.accounts.throttles import ClientThrottle


class RequestProgressThrottle(ClientThrottle):
    """Every look at a progress link, found or not: a token cannot be guessed by trying."""

    scope = "request_progress"


class RequestRatingThrottle(ClientThrottle):
    scope = "request_rating"

"""Rate limits per client address on the public complaint form and status look-up, shared by the pages
and the API (one count per client for each)."""

from tuoyu.accounts.throttles import ClientThrottle


class ComplaintThrottle(ClientThrottle):
    scope = "complaint"


class ComplaintStatusThrottle(ClientThrottle):
    scope = "complaint_status"

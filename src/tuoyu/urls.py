from csp.constants import UNSAFE_INLINE
from csp.decorators import csp_update
from django.contrib import admin
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

from tuoyu.homes.views import home
from tuoyu.operations.views import healthz

api_v1 = [
    path("", include("tuoyu.accounts.api")),
    path("", include("tuoyu.insights.api")),
    path("", include("tuoyu.registry.api")),
    path("", include("tuoyu.workforce.api")),
    path("", include("tuoyu.filings.api")),
    path("", include("tuoyu.supervision.api")),
    path("", include("tuoyu.bookings.api")),
    path("", include("tuoyu.enrolment.api")),
    path("", include("tuoyu.notifications.api")),
    path("", include("tuoyu.messaging.api")),
    path("", include("tuoyu.enterprises.api.urls")),
    path("", include("tuoyu.daycare.api")),
    path("", include("tuoyu.health.api")),
    path("", include("tuoyu.subsidies.api")),
    path("", include("tuoyu.fees.api")),
]

urlpatterns = [
    path("healthz", healthz, name="healthz"),
    path("", home, name="home"),  # the home of the signed-in user's roles; the district overview for visitors
    path("", include("tuoyu.insights.urls")),
    path("", include("tuoyu.registry.urls")),
    path("", include("tuoyu.workforce.urls")),
    path("", include("tuoyu.supervision.urls")),
    path("", include("tuoyu.enrolment.urls")),
    path("", include("tuoyu.messaging.urls")),
    path("", include("tuoyu.enterprises.urls")),
    path("messages/", include("tuoyu.notifications.urls")),
    path("care/", include("tuoyu.daycare.urls")),
    path("health/", include("tuoyu.health.urls")),
    path("bookings/", include("tuoyu.bookings.urls")),
    path("filings/", include("tuoyu.filings.urls")),
    path("subsidies/", include("tuoyu.subsidies.urls")),
    path("fees/", include("tuoyu.fees.urls")),
    path("accounts/", include("tuoyu.accounts.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
    path("api/v1/", include(api_v1)),
    path("api/schema/", SpectacularAPIView.as_view(), name="api-schema"),
    # Swagger UI sets inline styles as it draws; its scripts still come only from the static files.
    path(
        "api/docs/",
        csp_update({"style-src": [UNSAFE_INLINE]})(
            SpectacularSwaggerSplitView.as_view(url_name="api-schema")
        ),
        name="api-docs",
    ),
]
# Uploaded files (scans of licences and certificates) are never served by URL: only through views
# that check who is asking (filings:material, workforce:scan).

handler400 = "tuoyu.errors.bad_request"
handler403 = "tuoyu.errors.permission_denied"
handler404 = "tuoyu.errors.page_not_found"
handler500 = "tuoyu.errors.server_error"

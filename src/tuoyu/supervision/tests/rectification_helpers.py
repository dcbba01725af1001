"""Findings and orders for the rectification tests."""

import io

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from PIL import Image

from tuoyu.registry.models import Institution
from tuoyu.rules import Severity
from tuoyu.supervision.models import Finding


def finding_at(
    institution: Institution,
    *,
    rule_code: str = "STF-01",
    severity: str = Severity.VIOLATION,
    subject: str = "staff:1",
    label: str = "保育人员张某",
) -> Finding:
    return Finding.objects.create(
        rule_code=rule_code,
        severity=severity,
        institution=institution,
        subject_key=subject,
        subject_label=label,
        evidence=f"{label}：无有效健康证",
        detected_at=timezone.now(),
    )


def photo(name: str = "gate.jpg") -> SimpleUploadedFile:
    buffer = io.BytesIO()
    Image.new("RGB", (8, 8), (200, 30, 30)).save(buffer, format="JPEG")
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="image/jpeg")

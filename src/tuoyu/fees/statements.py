"""The fee statement as a PDF (缴费通知单): the institution, the child, the month, each line with its
unit price × quantity, the refund, the total, what is paid and what is due; printed in Chinese (tuoyu.pdf)."""

from tuoyu.fees.models import FeeStatement
from tuoyu.fees.selectors import payments_of
from tuoyu.fees.services import paid_on_statement
from tuoyu.money import yuan
from tuoyu.pdf import pdf_bytes


def statement_rows(statement: FeeStatement) -> list[dict[str, str]]:
    """The statement's lines as shown: amounts written ¥1,234.00."""
    return [
        {
            **line,
            "unit_price": yuan(line["unit_price_yuan"]),
            "amount": yuan(line["amount_yuan"]),
        }
        for line in statement.lines
    ]


def statement_pdf_bytes(statement: FeeStatement) -> bytes:
    paid = paid_on_statement(statement)
    context = {
        "statement": statement,
        "rows": statement_rows(statement),
        "payments": [(payment, yuan(payment.amount_yuan)) for payment in payments_of(statement)],
        "total": yuan(statement.total_yuan),
        "paid": yuan(paid),
        "due": yuan(statement.total_yuan - paid),
    }
    return pdf_bytes("fees/statement_pdf.html", context)


def statement_pdf_filename(statement: FeeStatement) -> str:
    return f"fee-statement-{statement.month:%Y%m}-{statement.code}.pdf"

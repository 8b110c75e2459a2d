"""Export of a 500-line quotation to Excel and to Word through our templates,
against Odoo's own PDF quotation (sale.action_report_saleorder), same order,
same run. Prints the times and the ratios. Needs wkhtmltopdf for the PDF.

    python3 bench/quote_export.py [--lines 500] [--rounds 3]
"""

import argparse
import shutil
import statistics

from common import ensure_database, odoo_env, timed


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--lines", type=int, default=500)
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    ensure_database()
    with odoo_env() as env:
        customer = env["res.partner"].create({"name": "导出基准客户", "is_customer": True})
        products = env["product.product"].create(
            [{"name": f"基准产品 {index:04d}", "list_price": 10 + index} for index in range(50)]
        )
        order = env["sale.order"].create(
            {
                "partner_id": customer.id,
                "order_line": [
                    (
                        0,
                        0,
                        {
                            "product_id": products[index % 50].id,
                            "product_uom_qty": 1 + index % 7,
                            "discount": index % 5,
                        },
                    )
                    for index in range(args.lines)
                ],
            }
        )
        env.flush_all()
        Template = env["sale.order.export.template"]
        xlsx = Template.search([("file_type", "=", "xlsx")], limit=1)
        docx = Template.search([("file_type", "=", "docx")], limit=1)
        results = {
            "Excel export (ours)": statistics.median(
                timed(lambda: xlsx._render(order), args.rounds)
            ),
            "Word export (ours)": statistics.median(
                timed(lambda: docx._render(order), args.rounds)
            ),
        }
        pdf = None
        if shutil.which("wkhtmltopdf"):
            report = env.ref("sale.action_report_saleorder")
            pdf = statistics.median(
                timed(
                    lambda: env["ir.actions.report"]._render_qweb_pdf(report, order.ids),
                    args.rounds,
                )
            )
        env.cr.rollback()
        print(f"quotation lines: {args.lines}  rounds: {args.rounds} (median seconds)")
        if pdf:
            print(f"{'Odoo PDF quotation (wkhtmltopdf)':34} {pdf:7.2f} s")
        for label, seconds in results.items():
            ratio = f"   ratio to PDF: {seconds / pdf:.2f}" if pdf else ""
            print(f"{label:34} {seconds:7.2f} s{ratio}")
        if not pdf:
            print(
                "wkhtmltopdf is not installed: no PDF to compare with (apt-get install wkhtmltopdf)"
            )


if __name__ == "__main__":
    main()

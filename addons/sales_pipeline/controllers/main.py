from odoo import http
from odoo.http import request


class CustomerImportController(http.Controller):
    @http.route(
        "/sales_pipeline/customer_import/template", type="http", auth="user", methods=["GET"]
    )
    def res_partner_import_template(self):
        """The Excel template for customer imports, with Chinese headers."""
        content = request.env["res.partner.import"]._build_template()
        return request.make_response(
            content,
            headers=[
                (
                    "Content-Type",
                    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                ),
                ("Content-Disposition", http.content_disposition("客户导入模板.xlsx")),
            ],
        )

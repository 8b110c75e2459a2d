"""The shipped approval and discount rules and the standard process serve every company
(company left empty); they were made for the company that installed the module."""

SHIPPED = {
    "sale_order_approval_rule": [
        "sale_order_approval_rule_large",
        "sale_order_approval_rule_medium",
        "sale_order_approval_rule_thin_margin",
    ],
    "sale_order_discount_rule": [
        "sale_order_discount_rule_new",
        "sale_order_discount_rule_old",
        "sale_order_discount_rule_premium",
    ],
    "crm_lead_process_template": ["crm_lead_process_template_standard"],
}


def migrate(cr, version):
    for table, names in SHIPPED.items():
        cr.execute(
            f"""UPDATE {table} SET company_id = NULL
                 WHERE id IN (SELECT res_id FROM ir_model_data
                               WHERE module = 'sales_pipeline' AND name IN %s)
                   AND company_id = (SELECT res_id FROM ir_model_data
                                      WHERE module = 'base' AND name = 'main_company')""",
            (tuple(names),),
        )

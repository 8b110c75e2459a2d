{
    "name": "WeChat Leads",
    "summary": "WeChat official-account followers become leads and customers (微信粉丝转客户)",
    "version": "19.0.0.1.0",
    "category": "Sales/CRM",
    "website": "https://github.com/sales-pipeline/odoo-sales-pipeline",
    "author": "Sales Pipeline Authors",
    "license": "LGPL-3",
    "depends": ["sales_pipeline"],
    "data": [],
    "installable": True,
}

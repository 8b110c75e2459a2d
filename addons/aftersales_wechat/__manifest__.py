{
    "name": "After-sales on WeChat",
    "summary": "Revisits sent on WeChat, complaints and suggestions filed from the official "
    "account (微信回访、微信投诉)",
    "version": "19.0.1.3.0",
    "category": "Sales/CRM",
    "website": "https://github.com/sales-pipeline/odoo-sales-pipeline",
    "author": "Sales Pipeline Authors",
    "license": "LGPL-3",
    "depends": ["aftersales_visit", "wechat_leads"],
    "data": [
        "views/wechat_account_views.xml",
        "views/aftersales_ticket_views.xml",
    ],
    "demo": ["demo/aftersales_ticket_demo.xml"],
    "auto_install": True,
    "installable": True,
}

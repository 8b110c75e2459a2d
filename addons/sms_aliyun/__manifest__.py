{
    "name": "Alibaba Cloud SMS",
    "summary": "Send Odoo's SMS through Alibaba Cloud SMS (阿里云短信), with delivery reports",
    "version": "19.0.1.0.0",
    "category": "Hidden/Tools",
    "website": "https://github.com/sales-pipeline/odoo-sales-pipeline",
    "author": "Sales Pipeline Authors",
    "license": "LGPL-3",
    "depends": ["sms"],
    "external_dependencies": {"python": ["alibabacloud_dysmsapi20170525"]},
    "data": [
        "data/ir_cron_data.xml",
        "views/res_config_settings_views.xml",
        "views/sms_template_views.xml",
        "views/sms_sms_views.xml",
    ],
    "installable": True,
}

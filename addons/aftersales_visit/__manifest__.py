{
    "name": "After-sales Visits",
    "summary": "Customer revisit flows, complaints, suggestions and care (售后回访、投诉、建议、关怀)",
    "version": "19.0.0.1.0",
    "category": "Sales/After-sales",
    "website": "https://github.com/sales-pipeline/odoo-sales-pipeline",
    "author": "Sales Pipeline Authors",
    "license": "LGPL-3",
    "depends": ["sales_pipeline"],
    "data": [],
    "installable": True,
}

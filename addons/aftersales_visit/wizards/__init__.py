from . import aftersales_visit_start_wizard

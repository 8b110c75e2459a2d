from . import sales_pipeline_assign_wizard_mixin
from . import res_partner_share_wizard
from . import res_partner_assign_wizard
from . import crm_lead_assign_wizard
from . import crm_lead_claim_wizard
from . import sales_pipeline_approval_wizard
from . import sale_order_execute_wizard
from . import crm_lead2opportunity_partner

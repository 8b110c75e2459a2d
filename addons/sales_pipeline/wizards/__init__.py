from . import assign_wizard_mixin
from . import customer_share_wizard
from . import customer_assign_wizard
from . import project_assign_wizard
from . import project_claim_wizard
from . import contract_decision_wizard
from . import contract_execute_wizard

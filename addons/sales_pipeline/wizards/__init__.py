from . import customer_share_wizard
from . import customer_assign_wizard

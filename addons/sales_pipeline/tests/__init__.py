from . import test_customer_entry
from . import test_customer_pool
from . import test_customer_recall
from . import test_customer_sharing
from . import test_customer_protection
from . import test_customer_access_matrix
from . import test_concurrent_claim
from . import test_translations

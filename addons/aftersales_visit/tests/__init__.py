from . import test_visit_flow
from . import test_visit_cron
from . import test_visit_access
from . import test_ticket
from . import test_care
from . import test_translations
from . import test_views
from . import test_tours

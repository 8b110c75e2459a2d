from . import test_callback
from . import test_followers
from . import test_sync
from . import test_wechat_quote
from . import test_access
from . import test_translations
from . import test_queue

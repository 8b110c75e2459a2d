from . import test_sms_aliyun
from . import test_translations

from . import test_aftersales_wechat
from . import test_translations

from . import wechat_account
from . import wechat_qrcode
from . import wechat_follower_tag
from . import wechat_follower
from . import wechat_message
from . import res_partner
from . import sale_order

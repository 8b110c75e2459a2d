from . import wechat_account
from . import aftersales_visit
from . import aftersales_visit_send
from . import aftersales_ticket
from . import wechat_follower
from . import wechat_message

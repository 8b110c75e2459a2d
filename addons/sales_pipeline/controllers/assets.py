from psycopg2.errors import ReadOnlySqlTransaction

from odoo import http
from odoo.exceptions import MissingError
from odoo.http import request

from odoo.addons.web.controllers.binary import Binary


class AssetsOnReplica(Binary):
    """Serve a freshly built asset bundle when Odoo reads from a streaming replica.

    A bundle missing on a read-only request is built on the primary, then Odoo reads the new
    attachment back through the replica, which may not have replayed it yet: the page loses its
    styles or scripts with a 404 (fixed upstream by odoo/odoo#255530, absent from earlier 19.0
    builds). That request is served again on the primary, where Odoo retries a read-only route
    that needs to write.
    """

    @http.route()
    def content_assets(self, *args, **kwargs):
        try:
            return super().content_assets(*args, **kwargs)
        except MissingError:
            if not request.env.cr.readonly:
                raise
            raise ReadOnlySqlTransaction(
                "asset bundle built on the primary, not on the replica yet"
            ) from None

"""A contact's numbers are searched on its customer only (reach_search_text is empty on
contacts): the quick search no longer reads them twice."""


def migrate(cr, version):
    cr.execute(
        """UPDATE res_partner SET reach_search_text = NULL
            WHERE parent_id IS NOT NULL AND reach_search_text IS NOT NULL"""
    )

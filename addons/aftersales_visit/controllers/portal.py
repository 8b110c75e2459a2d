import base64

from odoo import http
from odoo.exceptions import AccessError, MissingError
from odoo.http import request
from odoo.tools import consteq, plaintext2html

from odoo.addons.portal.controllers.portal import CustomerPortal

from ..models.aftersales_visit_answer import SCORES
from ..models.aftersales_visit_portal import PORTAL_VISIT_METHODS, PORTAL_VISIT_STATES

LIST_LIMIT = 80
MAX_ATTACHMENTS = 5
MAX_ATTACHMENT_BYTES = 10 * 1024 * 1024
CUSTOMER_TICKET_TYPES = ("suggestion", "complaint")


class AftersalesPortal(CustomerPortal):
    """The customer's side of after-sales: answering revisits and filing suggestions and
    complaints. Records are read as superuser once this controller has checked that they are
    the signed-in customer's, or that the link's token is the record's (portal users get no
    access to the models themselves)."""

    # ------------------------------------------------------------------
    # Whose records
    # ------------------------------------------------------------------

    def _aftersales_customer(self):
        """The customer company of the signed-in portal or internal user (none for visitors)."""
        user = request.env.user
        if user._is_public():
            return request.env["res.partner"]
        return user.partner_id.commercial_partner_id

    def _aftersales_record(self, model, record_id, access_token=None, domain=None):
        """The record (as superuser) if it is among ``domain`` (the customer's own, for a
        signed-in customer) or the link's token is its own."""
        record = request.env[model].sudo().browse(record_id).exists()
        if not record:
            raise MissingError(request.env._("This document does not exist."))
        if access_token and record.access_token and consteq(record.access_token, access_token):
            return record
        if self._aftersales_customer() and record.filtered_domain(domain or []):
            return record
        raise AccessError(request.env._("This document is not yours."))

    def _visits_domain(self):
        return [
            ("partner_id", "=", self._aftersales_customer().id),
            ("state", "in", PORTAL_VISIT_STATES),
            ("method_id.code", "in", PORTAL_VISIT_METHODS),
        ]

    def _tickets_domain(self):
        # the customer's requests, not the complaints staff opened from a bad revisit answer
        return [
            ("partner_id", "=", self._aftersales_customer().id),
            ("ticket_type", "in", CUSTOMER_TICKET_TYPES),
            ("visit_id", "=", False),
        ]

    def _prepare_home_portal_values(self, counters):
        values = super()._prepare_home_portal_values(counters)
        if not self._aftersales_customer():
            return values
        if "revisit_count" in counters:
            values["revisit_count"] = (
                request.env["aftersales.visit"]
                .sudo()
                .search_count(self._visits_domain() + [("state", "=", "open")])
            )
        if "complaint_count" in counters:
            values["complaint_count"] = (
                request.env["aftersales.ticket"].sudo().search_count(self._tickets_domain())
            )
        return values

    # ------------------------------------------------------------------
    # Revisits
    # ------------------------------------------------------------------

    @http.route("/my/revisits", type="http", auth="user", website=True)
    def portal_my_revisits(self, **kw):
        visits = (
            request.env["aftersales.visit"]
            .sudo()
            .search(
                self._visits_domain(), limit=LIST_LIMIT, order="state desc, scheduled_date desc"
            )
        )
        values = self._prepare_portal_layout_values()
        values.update({"visits": visits, "page_name": "revisits"})
        return request.render("aftersales_visit.portal_my_revisits", values)

    @http.route("/my/revisits/<int:visit_id>", type="http", auth="public", website=True)
    def portal_revisit(self, visit_id, access_token=None, **kw):
        visit = self._portal_visit(visit_id, access_token)
        if not visit:
            return request.redirect("/my")
        return self._render_revisit(visit, access_token)

    def _portal_visit(self, visit_id, access_token):
        """The revisit the customer may see (started, not cancelled), or nothing."""
        try:
            visit = self._aftersales_record(
                "aftersales.visit", visit_id, access_token, self._visits_domain()
            )
        except (AccessError, MissingError):
            return None
        return visit if visit.state in PORTAL_VISIT_STATES else None

    def _render_revisit(self, visit, access_token, error=None, posted=None):
        values = self._prepare_portal_layout_values()
        values.update(
            {
                "visit": visit,
                "answers": visit.answer_ids.sorted("sequence"),
                "scores": SCORES,
                "access_token": access_token,
                "error": error,
                "posted": posted or {},
                "page_name": "revisit",
            }
        )
        return request.render("aftersales_visit.portal_revisit_page", values)

    @http.route(
        "/my/revisits/<int:visit_id>/answer",
        type="http",
        auth="public",
        methods=["POST"],
        website=True,
    )
    def portal_revisit_answer(self, visit_id, access_token=None, **post):
        visit = self._portal_visit(visit_id, access_token)
        if not visit:
            return request.redirect("/my")
        if visit.state != "open":
            return self._render_revisit(visit, access_token)
        values, missing = self._read_answers(visit, post)
        if missing:
            error = request.env._("Please answer: %s", "; ".join(missing))
            return self._render_revisit(visit, access_token, error=error, posted=post)
        visit._portal_answer(values)
        return self._render_revisit(visit, access_token)

    def _read_answers(self, visit, post):
        """The answers of ``post`` that fit their questions, and the required ones missing."""
        scores = {key for key, _label in SCORES}
        values, missing = {}, []
        for answer in visit.answer_ids:
            kind = answer.answer_type or "text"
            raw = (post.get(f"answer_{answer.id}") or "").strip()
            if kind == "score":
                value = {"score": raw if raw in scores else False}
            elif kind == "yes_no":
                value = {"yes_no": raw if raw in ("yes", "no") else False}
            else:
                value = {"text": raw[:2000] or False}
            values[answer.id] = value
            if answer.required and not any(value.values()):
                missing.append(answer.question)
        return values, missing

    # ------------------------------------------------------------------
    # Suggestions and complaints
    # ------------------------------------------------------------------

    @http.route("/my/complaints", type="http", auth="user", website=True)
    def portal_my_complaints(self, **kw):
        if not self._aftersales_customer():
            return request.redirect("/my")
        tickets = (
            request.env["aftersales.ticket"]
            .sudo()
            .search(self._tickets_domain(), limit=LIST_LIMIT, order="opened_on desc")
        )
        values = self._prepare_portal_layout_values()
        values.update({"tickets": tickets, "page_name": "complaints"})
        return request.render("aftersales_visit.portal_my_complaints", values)

    @http.route("/my/complaints/new", type="http", auth="user", website=True, methods=["GET"])
    def portal_complaint_new(self, **kw):
        return self._render_complaint_form()

    def _render_complaint_form(self, error=None, posted=None):
        values = self._prepare_portal_layout_values()
        values.update({"error": error, "posted": posted or {}, "page_name": "complaint_new"})
        return request.render("aftersales_visit.portal_complaint_new", values)

    @http.route("/my/complaints/new", type="http", auth="user", website=True, methods=["POST"])
    def portal_complaint_create(self, **post):
        customer = self._aftersales_customer()
        if not customer or not customer.is_customer:
            return request.redirect("/my")
        error = self._complaint_error(post)
        files = request.httprequest.files.getlist("attachments")
        error = error or self._attachments_error(files)
        if error:
            return self._render_complaint_form(error=error, posted=post)
        ticket = self._create_complaint(customer, post, files)
        return request.redirect(ticket.access_url)

    def _complaint_error(self, post):
        if post.get("ticket_type") not in CUSTOMER_TICKET_TYPES:
            return request.env._("Choose suggestion or complaint.")
        if not (post.get("name") or "").strip():
            return request.env._("Please give a subject.")
        return None

    def _attachments_error(self, files):
        files = [file for file in files if file.filename]
        if len(files) > MAX_ATTACHMENTS:
            return request.env._("At most %s files.", MAX_ATTACHMENTS)
        for file in files:
            file.seek(0, 2)
            size = file.tell()
            file.seek(0)
            if size > MAX_ATTACHMENT_BYTES:
                return request.env._("%s is larger than 10 MB.", file.filename)
        return None

    def _create_complaint(self, customer, post, files):
        contact = request.env.user.partner_id
        ticket = (
            request.env["aftersales.ticket"]
            .sudo()
            .with_context(mail_create_nosubscribe=True)
            .create(
                {
                    "name": post["name"].strip()[:200],
                    "ticket_type": post["ticket_type"],
                    "partner_id": customer.id,
                    "description": self._plain_to_html(post.get("description") or ""),
                    "company_id": (customer.company_id or request.env.company).id,
                    "user_id": customer.user_id.id,
                }
            )
        )
        ticket.message_subscribe(partner_ids=contact.ids)
        attachments = [
            {
                "name": file.filename,
                "datas": base64.b64encode(file.read()),
                "res_model": "aftersales.ticket",
                "res_id": ticket.id,
            }
            for file in files
            if file.filename
        ]
        if attachments:
            records = request.env["ir.attachment"].sudo().create(attachments)
            ticket.message_post(
                body=request.env._("Files from the customer."),
                attachment_ids=records.ids,
                author_id=contact.id,
                message_type="comment",
                subtype_xmlid="mail.mt_note",
            )
        return ticket

    def _plain_to_html(self, text):
        return plaintext2html(text[:10000])

    @http.route("/my/complaints/<int:ticket_id>", type="http", auth="public", website=True)
    def portal_complaint(self, ticket_id, access_token=None, **kw):
        try:
            ticket = self._aftersales_record(
                "aftersales.ticket", ticket_id, access_token, self._tickets_domain()
            )
        except (AccessError, MissingError):
            return request.redirect("/my")
        if ticket.ticket_type not in CUSTOMER_TICKET_TYPES:
            return request.redirect("/my")
        ticket._portal_ensure_token()
        values = self._get_page_view_values(
            ticket,
            ticket.access_token,
            {"ticket": ticket, "page_name": "complaint"},
            "my_complaints_history",
            False,
        )
        return request.render("aftersales_visit.portal_complaint_page", values)
